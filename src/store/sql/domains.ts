import type { Selectable } from 'kysely';
import type { Domain, DomainState } from '../../directory/model.ts';
import type { DomainStore } from '../store.ts';
import { mapConflicts } from './conflicts.ts';
import { type SqlContext, storable } from './context.ts';
import type { DomainsTable } from './database.ts';
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
  failureReason: row.failure_reason,
  createdAt: row.created_at,
});

const mutable = (domain: Domain) => ({
  domain: domain.domain,
  state: domain.state,
  challenge_host: domain.challengeHost,
  challenge_value: domain.challengeValue,
  last_checked_at: domain.lastCheckedAt,
  verified_at: domain.verifiedAt,
  failure_reason: domain.failureReason,
});

export function domainStore({ db, quirks }: SqlContext): DomainStore {
  return {
    async insert(domain) {
      await mapConflicts(() =>
        db
          .insertInto('domains')
          .values({
            id: domain.id,
            account_id: domain.accountId,
            created_at: domain.createdAt,
            ...mutable(domain),
          })
          .execute(),
      );
    },
    async update(domain) {
      await mapConflicts(() =>
        db
          .updateTable('domains')
          .set(mutable(domain))
          .where('id', '=', domain.id)
          .where('account_id', '=', domain.accountId)
          .execute(),
      );
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
    async find(accountId, domain) {
      if (!storable(domain)) return undefined;
      // On every SCIM create: rendered directly rather than through Kysely's query tree.
      const { rows } = await db.executeQuery<Selectable<DomainsTable>>(
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
