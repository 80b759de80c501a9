import type { Selectable } from 'kysely';
import type { AuditActor, AuditEntry } from '../../directory/model.ts';
import type { AuditStore } from '../store.ts';
import { rowLimit, type SqlContext, storable } from './context.ts';
import type { AuditEntriesTable } from './database.ts';
import { olderThan } from './older-than.ts';

function toActor(row: Selectable<AuditEntriesTable>): AuditActor {
  if (row.actor_kind === 'admin-key') {
    return { kind: 'admin-key', keyId: row.actor_key_id ?? '', prefix: row.actor_prefix ?? '' };
  }
  if (row.actor_kind === 'scim-app') return { kind: 'scim-app', appId: row.actor_key_id ?? '' };
  return { kind: 'operator' };
}

/** The key (or app) id column of an actor. */
function actorId(actor: AuditActor): string | null {
  if (actor.kind === 'admin-key') return actor.keyId;
  if (actor.kind === 'scim-app') return actor.appId;
  return null;
}

const toEntry = (row: Selectable<AuditEntriesTable>): AuditEntry => ({
  id: row.id,
  accountId: row.account_id,
  at: row.at,
  actor: toActor(row),
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  status: row.status,
  outcome: row.outcome === 'success' ? 'success' : 'failure',
  errorCode: row.error_code,
  request: row.request,
});

export function auditStore({ db }: SqlContext): AuditStore {
  return {
    async insert(entry) {
      await db
        .insertInto('audit_entries')
        .values({
          id: entry.id,
          account_id: entry.accountId,
          at: entry.at,
          actor_kind: entry.actor.kind,
          actor_key_id: actorId(entry.actor),
          actor_prefix: entry.actor.kind === 'admin-key' ? entry.actor.prefix : null,
          action: entry.action,
          target_type: entry.targetType,
          target_id: entry.targetId,
          status: entry.status,
          outcome: entry.outcome,
          error_code: entry.errorCode,
          request: entry.request,
        })
        .execute();
    },
    async find(id) {
      if (!storable(id)) return undefined;
      const row = await db
        .selectFrom('audit_entries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toEntry(row) : undefined;
    },
    async list({ accountId, before, action, limit }) {
      if (before !== undefined && !storable(before)) return [];
      let query = db.selectFrom('audit_entries as e').selectAll('e');
      if (accountId !== undefined) query = query.where('e.account_id', '=', accountId);
      if (action !== undefined) query = query.where('e.action', '=', action);
      if (before !== undefined) query = query.where(olderThan('audit_entries', before));
      const rows = await query
        .orderBy('e.at', 'desc')
        .orderBy('e.seq', 'desc')
        .limit(rowLimit(limit, 10_000))
        .execute();
      return rows.map(toEntry);
    },
    async prune(before) {
      const result = await db
        .deleteFrom('audit_entries')
        .where('at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
