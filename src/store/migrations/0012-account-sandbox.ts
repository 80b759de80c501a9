/**
 * Sandbox accounts (issue 13): an operator-only setting that lets an account provision users in
 * any email domain, so an IdP or a public SCIM test suite can be tried before a domain is
 * verified. The demo account is one. Every provisioning-log event records whether its account
 * was a sandbox when the request ran (PostgreSQL here; SQLite keeps the log in its own file,
 * `provisioning-log/sqlite-log-schema.ts` version 2).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { columnTypes } from './column-types.ts';

export function accountSandboxMigration(dialect: Dialect): Migration {
  const { bool } = columnTypes(dialect);
  const [no, yes] = dialect === 'postgres' ? [sql`false`, sql`true`] : [sql`0`, sql`1`];
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('accounts')
        .addColumn('sandbox', bool, (c) => c.notNull().defaultTo(no))
        .execute();
      // The demo account of an existing database becomes the sandbox a new one starts with.
      await sql`
        update accounts set sandbox = ${yes}
        where id in (select value from settings where key = 'demo-account')`.execute(db);
      if (dialect === 'postgres') {
        await db.schema
          .alterTable('provisioning_events')
          .addColumn('sandbox', bool, (c) => c.notNull().defaultTo(no))
          .execute();
      }
    },
    async down(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await db.schema.alterTable('provisioning_events').dropColumn('sandbox').execute();
      }
      await db.schema.alterTable('accounts').dropColumn('sandbox').execute();
    },
  };
}
