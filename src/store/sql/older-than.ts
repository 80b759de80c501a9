/** Newest-first paging of the journals (audit trail, provisioning log) by the last id seen. */
import { type RawBuilder, sql } from 'kysely';

type Journal = 'audit_entries' | 'provisioning_events';

/**
 * Rows of `journal as e` strictly older than the row with id `before` in (at, seq) order, the
 * order both journals are listed in; an unknown id matches nothing.
 */
export function olderThan(journal: Journal, before: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from ${sql.table(journal)} as b where b.id = ${before}
    and (e.at < b.at or (e.at = b.at and e.seq < b.seq)))`;
}
