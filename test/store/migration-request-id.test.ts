/**
 * Provisioning-log events gain their request's id: the SQLite log file goes from version 3 to
 * 4, PostgreSQL through migration 0016. Events logged before read back with no id, events
 * logged after keep theirs and can be found by it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ProvisioningEvent } from '../../src/directory/model.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteLog } from '../../src/store/provisioning-log/sqlite-log.ts';
import type { ProvisioningLogStore } from '../../src/store/store.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';

const AT = '2026-01-01T00:00:00.000Z';

const newEvent: ProvisioningEvent = {
  id: 'evt-new',
  accountId: 'acc',
  at: '2026-01-02T00:00:00.000Z',
  idp: 'okta',
  method: 'POST',
  path: '/scim/v2/Users',
  operation: 'create user',
  userId: null,
  groupId: null,
  status: 201,
  outcome: 'success',
  scimType: null,
  explanation: null,
  requestBody: null,
  responseBody: null,
  durationMs: 1,
  sandbox: false,
  requestId: '01hx-req-new',
};

/** The old event reads back without an id; a new one keeps its id and is found by it. */
async function expectRequestIds(log: ProvisioningLogStore): Promise<void> {
  const before = await log.list({ accountId: 'acc', limit: 10 });
  expect(before).toMatchObject({ ok: true, events: [{ id: 'evt-old', requestId: null }] });
  log.append(newEvent);
  expect(await log.list({ accountId: 'acc', requestId: '01hx-req-new', limit: 10 })).toEqual({
    ok: true,
    events: [newEvent],
  });
  expect(await log.findById('acc', 'evt-new')).toEqual(newEvent);
}

describe('the SQLite log file, version 3 to 4', () => {
  it('gains the request id column; events logged before it have none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-log-v3-'));
    const filename = join(dir, 'roster-log.db');
    try {
      // A version 3 file: today's schema without what version 4 adds.
      await createSqliteLog({ filename }).close();
      const file = new SqliteDatabase(filename);
      file.exec(`drop index provisioning_events_account_request;
        alter table provisioning_events drop column request_id`);
      file.pragma('user_version = 3');
      file.exec(`insert into provisioning_events (id, account_id, at, idp, method, path,
          operation, status, outcome, duration_ms, sandbox)
        values ('evt-old', 'acc', '${AT}', 'okta', 'GET', '/scim/v2/Users', 'list users', 200,
          'success', 1, 0)`);
      file.close();
      const log = createSqliteLog({ filename });
      try {
        await expectRequestIds(log);
      } finally {
        await log.close();
      }
      const upgraded = new SqliteDatabase(filename, { readonly: true });
      expect(upgraded.pragma('user_version', { simple: true })).toBe(4);
      upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migration 0016 provisioning-log request id (postgres)', () => {
  it('adds the column; events logged before it have none', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip('PostgreSQL not reachable here');
    const database = await createPostgresDatabase();
    try {
      const db = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }),
      });
      const migrator = new Migrator({ db, provider: migrationProvider('postgres') });
      const { error } = await migrator.migrateTo('0014-provisioning-log-activity');
      if (error) throw error;
      await sql`insert into provisioning_events (id, account_id, at, idp, method, path, operation,
          status, outcome, duration_ms)
        values ('evt-old', 'acc', ${AT}, 'okta', 'GET', '/scim/v2/Users', 'list users', 200,
          'success', 1)`.execute(db);
      await db.destroy();
      const store = createPostgresStore({ connectionString: database.url, poolSize: 2 });
      try {
        await store.migrate();
        await expectRequestIds(store.log);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });
});
