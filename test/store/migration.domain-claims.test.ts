/**
 * Migration 0009 (one account per verified domain) on a database from before it, on both
 * dialects: a domain that several accounts had already verified stays verified for all of them
 * (none stops provisioning its users); the earliest verification holds it and the later ones
 * become shared, as if the operator had allowed them. From then on the rule holds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/store/errors.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import type { Dialect } from '../../src/store/sql/dialect-quirks.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';

const BEFORE = '0007-event-groups';
const available = await postgresAvailable();

interface Opened {
  readonly old: Kysely<unknown>;
  /** The current store over the same database (after `old` is destroyed). */
  open(): Store;
  cleanup(): Promise<void>;
}

async function openOld(dialect: Dialect): Promise<Opened> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-migration-'));
    const filename = join(dir, 'roster.db');
    return {
      old: new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(filename) }) }),
      open: () => createSqliteStore({ filename }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const database = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    old: new Kysely({ dialect: new PostgresDialect({ pool }) }),
    open: () => createPostgresStore({ connectionString: database.url, poolSize: 2 }),
    cleanup: () => database.drop(),
  };
}

describe.each(['sqlite', 'postgres'] as const)('migration 0009-domain-claims (%s)', (dialect) => {
  it('a domain verified by several accounts before the rule stays verified for each; the earliest holds it', async (context) => {
    if (dialect === 'postgres' && !available) return context.skip('PostgreSQL is not reachable');
    const opened = await openOld(dialect);
    let store: Store | undefined;
    try {
      const migrator = new Migrator({ db: opened.old, provider: migrationProvider(dialect) });
      const migrated = await migrator.migrateTo(BEFORE);
      expect(migrated.error).toBeUndefined();
      const sso = dialect === 'postgres' ? sql`true` : sql`1`;
      const ids = ['a', 'b', 'c', 'd'].map((x) => `${x}-${randomBytes(4).toString('hex')}`);
      for (const id of ids) {
        await sql`insert into accounts (id, name, tier, pricing_model, sso_enabled, created_at)
          values (${id}, ${id}, 'enterprise', 'classic', ${sso}, '2020-01-01T00:00:00.000Z')`.execute(
          opened.old,
        );
      }
      const domain = (account: string, name: string, state: string, verifiedAt: string | null) =>
        sql`insert into domains (id, account_id, domain, state, challenge_host, challenge_value,
            last_checked_at, verified_at, created_at)
          values (${`dom-${account}-${name}`}, ${account}, ${name}, ${state}, ${`_roster-challenge.${name}`},
            'v', ${verifiedAt}, ${verifiedAt}, '2020-01-01T00:00:00.000Z')`.execute(opened.old);
      const [a, b, c, d] = ids as [string, string, string, string];
      // b verified first, then c, then a; d only added it.
      await domain(a, 'dup.test', 'verified', '2021-03-01T00:00:00.000Z');
      await domain(b, 'dup.test', 'verified', '2021-01-01T00:00:00.000Z');
      await domain(c, 'dup.test', 'verified', '2021-02-01T00:00:00.000Z');
      await domain(d, 'dup.test', 'pending', null);
      await domain(a, 'alone.test', 'verified', '2021-01-01T00:00:00.000Z');
      await opened.old.destroy();

      store = opened.open();
      await store.migrate();
      const holders = await store.domains.listVerified('dup.test');
      expect(holders.map((h) => [h.accountId, h.sharingAllowed])).toEqual([
        [b, false],
        [c, true],
        [a, true],
      ]);
      expect((await store.domains.find(a, 'alone.test'))?.sharingAllowed).toBe(false);
      expect((await store.domains.find(d, 'dup.test'))?.sharingAllowed).toBe(false);
      // From now on, a fourth account cannot verify it without the operator.
      const pending = await store.domains.find(d, 'dup.test');
      const refused = await store.domains
        .update({ ...pending!, state: 'verified', verifiedAt: '2022-01-01T00:00:00.000Z' })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).toBeInstanceOf(ConflictError);
    } finally {
      await store?.close();
      await opened.cleanup();
    }
  });
});
