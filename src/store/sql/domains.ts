import { sql as kyselySql, type Selectable } from 'kysely';
import type { Domain, DomainFailureCode, DomainState } from '../../directory/model.ts';
import type { DomainStore } from '../store.ts';
import { mapConflicts } from './conflicts.ts';
import { execute, type SqlContext, storable } from './context.ts';
import type { DomainsTable } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { compile, sql } from './sql-fragment.ts';

const toDomain = (row: Selectable<DomainsTable>): Domain => ({
  id: row.id,
  accountId: row.account_id,
  domain: row.domain,
  state: row.state as DomainState,
  challengeHost: row.challenge_host,
  challengeValue: row.challenge_value,
  lastCheckedAt: row.last_checked_at,
  verifiedAt: row.verified_at,
  failureCode: row.failure_code as DomainFailureCode | null,
  failureReason: row.failure_reason,
  checkUntil: row.check_until,
  sharingAllowed: row.sharing_allowed === true || row.sharing_allowed === 1,
  createdAt: row.created_at,
});

const mutable = (domain: Domain, quirks: DialectQuirks) => ({
  domain: domain.domain,
  state: domain.state,
  challenge_host: domain.challengeHost,
  challenge_value: domain.challengeValue,
  last_checked_at: domain.lastCheckedAt,
  verified_at: domain.verifiedAt,
  failure_code: domain.failureCode,
  failure_reason: domain.failureReason,
  check_until: domain.checkUntil,
  sharing_allowed: quirks.bool(domain.sharingAllowed),
});

export function domainStore(ctx: SqlContext): DomainStore {
  const { db, quirks } = ctx;
  return {
    async insert(domain) {
      await mapConflicts(() =>
        db
          .insertInto('domains')
          .values({
            id: domain.id,
            account_id: domain.accountId,
            created_at: domain.createdAt,
            ...mutable(domain, quirks),
          })
          .execute(),
      );
    },
    async update(domain, expected) {
      const result = await mapConflicts(() => {
        let query = db
          .updateTable('domains')
          .set(mutable(domain, quirks))
          .where('id', '=', domain.id)
          .where('account_id', '=', domain.accountId);
        if (expected) {
          query = query
            .where('state', '=', expected.state)
            .where(
              'last_checked_at',
              expected.lastCheckedAt === null ? 'is' : '=',
              expected.lastCheckedAt,
            );
        }
        return query.executeTakeFirst();
      });
      return Number(result.numUpdatedRows) > 0;
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('domains')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toDomain);
    },
    async listByState(state, limit) {
      // Never-checked domains first (NULLs sort first in SQLite ascending, last in PostgreSQL).
      const rows = await db
        .selectFrom('domains')
        .selectAll()
        .where('state', '=', state)
        .orderBy(kyselySql`last_checked_at is not null`)
        .orderBy('last_checked_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toDomain);
    },
    async listVerified(domain) {
      if (!storable(domain)) return [];
      const rows = await db
        .selectFrom('domains')
        .selectAll()
        .where('domain', '=', domain)
        .where('state', '=', 'verified')
        .orderBy('verified_at')
        .orderBy('id')
        .execute();
      return rows.map(toDomain);
    },
    async delete(accountId, domain) {
      const result = await db
        .deleteFrom('domains')
        .where('account_id', '=', accountId)
        .where('domain', '=', domain)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async find(accountId, domain) {
      if (!storable(domain)) return undefined;
      // On every SCIM create: rendered directly rather than through Kysely's query tree.
      const { rows } = await execute<Selectable<DomainsTable>>(
        ctx,
        compile(
          sql`select * from domains where account_id = ${accountId} and domain = ${domain}`,
          quirks.dialect,
        ),
      );
      const row = rows[0];
      return row && toDomain(row);
    },
  };
}
