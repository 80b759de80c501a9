/** The audit trail of admin calls: who (which key), what, on what, when, and how it ended. */
import type { AuditFilter, Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { newId } from './ids.ts';
import type { AuditEntry } from './model.ts';

export function createAudit({ store, clock }: { store: Store; clock: Clock }) {
  return {
    /** Written before the call is answered, so no acknowledged change goes unrecorded. */
    async record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
      const full: AuditEntry = { id: newId(), at: clock.now(), ...entry };
      await store.audit.insert(full);
      return full;
    },
    find(id: string): Promise<AuditEntry | undefined> {
      return store.audit.find(id);
    },
    list(filter: AuditFilter): Promise<AuditEntry[]> {
      return store.audit.list(filter);
    },
  };
}

export type Audit = ReturnType<typeof createAudit>;
