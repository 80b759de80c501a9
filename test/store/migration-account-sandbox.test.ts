/**
 * Migration 0012 adds the sandbox setting: existing accounts stay production accounts, the demo
 * account of an existing database becomes the sandbox a new one starts as, and on PostgreSQL
 * events logged before it read back as not sandboxed. Rows written at 0010, on both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteLog } from '../../src/store/provisioning-log/sqlite-log.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';

const BEFORE = '0010-provisioning-log';
const AT = '2026-01-01T00:00:00.000Z';

/** Writes, at 0010, a demo account (named in settings), another account, and one event. */
async function writeOld(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error } = await migrator.migrateTo(BEFORE);
  if (error) throw error;
  const yes = dialect === 'postgres' ? true : 1;
  for (const [id, name] of [
    ['acc-demo', 'Demo'],
    ['acc-prod', 'Production Co'],
  ]) {
    await sql`insert into accounts (id, name, tier, pricing_model, sso_enabled, created_at)
      values (${id}, ${name}, 'enterprise', 'classic', ${yes}, ${AT})`.execute(db);
  }
  await sql`insert into settings (key, value) values ('demo-account', 'acc-demo')`.execute(db);
  if (dialect === 'postgres') {
    await sql`insert into provisioning_events (id, account_id, at, idp, method, path, operation,
        user_id, group_id, status, outcome, scim_type, explanation, request_body, response_body,
        duration_ms)
      values ('evt-old', 'acc-prod', ${AT}, 'okta', 'GET', '/scim/v2/Users', 'list users', null,
        null, 200, 'success', null, null, null, null, 1)`.execute(db);
  }
  await db.destroy();
}

async function migrated(
  kind: 'sqlite' | 'postgres',
): Promise<{ store: Store; cleanup(): Promise<void> } | undefined> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-migration-'));
    const filename = join(dir, 'roster.db');
    await writeOld(
      new Kysely<unknown>({
        dialect: new SqliteDialect({ database: new SqliteDatabase(filename) }),
      }),
      'sqlite',
    );
    const store = createSqliteStore({ filename });
    await store.migrate();
    return {
      store,
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!(await postgresAvailable())) return undefined;
  const database = await createPostgresDatabase();
  await writeOld(
    new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }),
    }),
    'postgres',
  );
  const store = createPostgresStore({ connectionString: database.url, poolSize: 2 });
  await store.migrate();
  return {
    store,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('migration 0012 account sandbox (%s)', (kind) => {
  it('makes the existing demo account a sandbox and leaves every other account as it was', async (ctx) => {
    const opened = await migrated(kind);
    if (!opened) return ctx.skip('PostgreSQL not reachable here');
    try {
      const { store } = opened;
      expect((await store.accounts.findById('acc-demo'))?.sandbox).toBe(true);
      expect((await store.accounts.findById('acc-prod'))?.sandbox).toBe(false);
      if (kind === 'postgres') {
        const { events } = (await store.log.list({ accountId: 'acc-prod', limit: 10 })) as {
          events: { id: string; sandbox: boolean }[];
        };
        expect(events.map((e) => [e.id, e.sandbox])).toEqual([['evt-old', false]]);
      }
    } finally {
      await opened.cleanup();
    }
  });
});

describe('the SQLite log file, version 1 to 2', () => {
  it('gains the sandbox column; events logged before it read back as not sandboxed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-log-v1-'));
    const filename = join(dir, 'roster-log.db');
    try {
      // A version 1 file: today's schema without the column version 2 adds.
      await createSqliteLog({ filename }).close();
      const file = new SqliteDatabase(filename);
      // (and without version 4's request id, migration-request-id.test.ts)
      file.exec(`drop index provisioning_events_account_request;
        alter table provisioning_events drop column request_id;
        alter table provisioning_events drop column sandbox`);
      file.pragma('user_version = 1');
      file.exec(`insert into provisioning_events (id, account_id, at, idp, method, path,
          operation, status, outcome, duration_ms)
        values ('evt-v1', 'acc', '${AT}', 'okta', 'GET', '/scim/v2/Users', 'list users', 200,
          'success', 1)`);
      file.close();
      const log = createSqliteLog({ filename });
      try {
        const page = await log.list({ accountId: 'acc', limit: 10 });
        expect(page).toMatchObject({ ok: true, events: [{ id: 'evt-v1', sandbox: false }] });
      } finally {
        await log.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
