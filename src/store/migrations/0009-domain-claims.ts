/**
 * One account per verified domain: the first account to verify a domain holds it, unless the
 * operator allows another account to share it (`sharing_allowed`). A unique index over the
 * verified records that are not shared makes the rule hold when instances on one database
 * verify the same domain at the same moment (`directory/domains.ts` turns the violation into a
 * `claimed` outcome).
 *
 * Databases from before the rule may hold a domain verified by several accounts. Un-verifying
 * any of them would stop its users being provisioned, so the earliest verification keeps the
 * domain and the later ones are marked shared: grandfathered, visible to the operator, who may
 * take the permission back once one of the accounts has removed the domain.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { columnTypes } from './column-types.ts';

export function domainClaimsMigration(dialect: Dialect): Migration {
  const { bool } = columnTypes(dialect);
  const [no, yes] = dialect === 'postgres' ? [sql`false`, sql`true`] : [sql`0`, sql`1`];
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('domains')
        .addColumn('sharing_allowed', bool, (c) => c.notNull().defaultTo(no))
        .execute();
      // A verification with no time sorts last; ids break ties.
      const order = (alias: string) =>
        sql`coalesce(${sql.ref(`${alias}.verified_at`)}, '~') || ${sql.ref(`${alias}.id`)}`;
      await sql`
        update domains set sharing_allowed = ${yes}
        where state = 'verified' and exists (
          select 1 from domains as earlier
          where earlier.domain = domains.domain and earlier.state = 'verified'
            and ${order('earlier')} < ${order('domains')}
        )`.execute(db);
      await sql`
        create unique index domains_verified_claim on domains (domain)
        where state = 'verified' and sharing_allowed = ${no}`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('domains_verified_claim').execute();
      await db.schema.alterTable('domains').dropColumn('sharing_allowed').execute();
    },
  };
}
