import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { UserCondition } from '../../src/directory/user-query.ts';
import { createStore, sqliteFilename } from '../../src/store/create-store.ts';
import { sqliteQuirks } from '../../src/store/sql/dialect-quirks.ts';
import { compile, sql } from '../../src/store/sql/sql-fragment.ts';
import { userConditionToSql } from '../../src/store/sql/user-condition-to-sql.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { makeAccount, makeUser } from './fixtures.ts';
import { storeContract } from './store-contract.ts';

storeContract('sqlite', async () => {
  const opened = await openTestStore('sqlite');
  if (!opened) throw new Error('SQLite store did not open');
  return opened;
});

describe('createStore', () => {
  it('reads SQLite file names from paths and URLs', () => {
    expect(sqliteFilename('data/roster.db')).toBe('data/roster.db');
    expect(sqliteFilename('sqlite:data/roster.db')).toBe('data/roster.db');
    expect(sqliteFilename('sqlite:///var/lib/roster.db')).toBe('/var/lib/roster.db');
    expect(sqliteFilename('file:roster.db')).toBe('roster.db');
    expect(sqliteFilename(':memory:')).toBe(':memory:');
    expect(() => sqliteFilename('sqlite:')).toThrow();
  });

  it('opens an in-memory SQLite store and a file store in a new directory', async () => {
    const memory = createStore(':memory:');
    expect(memory.dialect).toBe('sqlite');
    await memory.migrate();
    await memory.ping();
    await memory.close();
    const dir = mkdtempSync(join(tmpdir(), 'roster-create-'));
    const file = createStore(`sqlite://${join(dir, 'nested', 'roster.db')}`);
    try {
      await file.migrate();
      expect(existsSync(join(dir, 'nested', 'roster.db'))).toBe(true);
    } finally {
      await file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite migrations', () => {
  it('lets several instances migrate a fresh file at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-migrate-'));
    const stores = [1, 2, 3].map(() => createStore(join(dir, 'roster.db')));
    try {
      const results = await Promise.allSettled(stores.map((store) => store.migrate()));
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      await stores[0]!.ping();
      expect(await stores[2]!.accounts.list()).toEqual([]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A migrated SQLite store on a fresh file, closed and removed after `work`. */
async function withFileStore(work: (store: Store, filename: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'roster-sqlite-'));
  const filename = join(dir, 'roster.db');
  const store = createStore(filename);
  try {
    await store.migrate();
    await work(store, filename);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SQLite's plan for the users of `accountId` matching `condition`, on `database`, one line. */
function userPlan(database: SqliteDatabase.Database, accountId: string, condition: UserCondition) {
  const where = userConditionToSql(condition, accountId, sqliteQuirks);
  const query = compile(
    sql`select u.id from users u where u.account_id = ${accountId} and ${where} order by u.seq limit 100`,
    'sqlite',
  );
  const rows = database
    .prepare(`explain query plan ${query.sql}`)
    .all(...(query.parameters as unknown[])) as { detail: string }[];
  return rows.map((row) => row.detail).join(' | ');
}

/** `attribute[sub eq value]`, as the filter translation writes it. */
const elementIs = (
  attribute: string,
  sub: string,
  value: string,
  caseExact: boolean,
): UserCondition => ({
  kind: 'some',
  attribute,
  condition: {
    kind: 'compare',
    field: { kind: 'element', path: [sub] },
    op: 'eq',
    value,
    caseExact,
  },
});

describe('sqlite group commit', () => {
  /**
   * HTTP requests reach the store from separate I/O callbacks of one event-loop turn, like the
   * immediates here (queued together, so run in one check phase, each followed by its
   * microtasks; timers would not do: ten of them can straddle a millisecond and two turns).
   * Their transactions must share one COMMIT: a reader on a second connection sees none of them
   * committed while any of them runs, and every one of them once all have settled.
   */
  it('shares one COMMIT among transactions requested from separate callbacks of one turn', () =>
    withFileStore(async (store, filename) => {
      const reader = new SqliteDatabase(filename, { readonly: true });
      const committed = () =>
        (reader.prepare('select count(*) as n from accounts').get() as { n: number }).n;
      try {
        const seenCommitted: number[] = [];
        const settled: Promise<void>[] = [];
        await new Promise<void>((resolve) => {
          for (let i = 0; i < 10; i++) {
            setImmediate(() => {
              settled.push(
                store.transaction(async (session) => {
                  await session.accounts.insert(makeAccount());
                  seenCommitted.push(committed());
                }),
              );
              if (settled.length === 10) resolve();
            });
          }
        });
        await Promise.all(settled);
        expect(seenCommitted).toEqual(Array(10).fill(0));
        expect(committed()).toBe(10);
      } finally {
        reader.close();
      }
    }));

  it('rolls back a failing transaction of a shared COMMIT alone, and tells each caller its own outcome', () =>
    withFileStore(async (store) => {
      const duplicate = makeAccount();
      const results = await Promise.allSettled(
        [makeAccount(), duplicate, duplicate, makeAccount()].map((account) =>
          store.transaction(async (session) => {
            await session.accounts.insert(account);
            return account.id;
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((await store.accounts.list()).length).toBe(3);
    }));
});

describe('sqlite query plans', () => {
  /**
   * A database that grew through ordinary writes has no statistics until `pragma optimize` runs.
   * A negated value-path filter must still read each user's own elements (the primary key
   * starting with user_id), not the account-wide lookup index once per user, which made
   * `not (emails[type eq "x"])` take 13 s at 12,000 users.
   */
  it('before statistics, a negated value-path filter reads each user’s own rows', () =>
    withFileStore(async (_store, filename) => {
      const database = new SqliteDatabase(filename);
      try {
        database.exec('drop table if exists sqlite_stat1; drop table if exists sqlite_stat4');
        const not = (condition: UserCondition): UserCondition => ({ kind: 'not', condition });
        const emails = userPlan(database, 'acc', not(elementIs('emails', 'type', 'x', false)));
        expect(emails).toMatch(
          /SEARCH v USING (INDEX|PRIMARY KEY) \S+ \(user_id=\? AND attribute=\?\)/,
        );
        expect(emails).not.toContain('user_values_lookup');
        // The membership is looked up by (group, user), or the user's memberships searched.
        const groups = userPlan(database, 'acc', not(elementIs('groups', 'value', 'g', true)));
        expect(groups).toMatch(/SEARCH gm USING .*\((group_id=\? AND )?user_id=\?/);
      } finally {
        database.close();
      }
    }));

  it('refreshStatistics lets an emails.value lookup start from the value, not every user', () =>
    withFileStore(async (store, filename) => {
      const account = makeAccount();
      await store.accounts.insert(account);
      // Grown through ordinary writes, as an IdP's first import grows it: no statistics yet.
      await store.transaction(async (session) => {
        for (let i = 0; i < 5000; i++) {
          const email = `grown${i}@example.com`;
          await session.users.insert(
            makeUser(account.id, {
              userName: email,
              email,
              multiValued: { emails: [{ value: email, type: 'work', primary: true }] },
            }),
          );
        }
      });
      // A connection reads the statistics when it opens (the store's own reloads them at once).
      const planNow = () => {
        const reader = new SqliteDatabase(filename, { readonly: true });
        try {
          return userPlan(
            reader,
            account.id,
            elementIs('emails', 'value', 'grown7@example.com', false),
          );
        } finally {
          reader.close();
        }
      };
      const before = planNow();
      await store.refreshStatistics();
      const after = planNow();
      // Before: every user of the account is read and checked against the list of matches.
      expect(before).toMatch(/SEARCH u USING INDEX users_account\w* \(account_id=\?/);
      // After: the matching element drives, and its user is fetched by id.
      expect(after, after).toMatch(/SEARCH u USING INDEX sqlite_autoindex_users_1 \(id=\?\)/);
      expect(after).toContain('user_values_lookup');
    }));
});

describe('sqlite provisioning log', () => {
  const event = (id: string, accountId: string) => ({
    id,
    accountId,
    at: new Date().toISOString(),
    idp: 'okta',
    method: 'GET',
    path: '/scim/v2/Users',
    operation: 'list users',
    userId: null,
    groupId: null,
    status: 200,
    outcome: 'success' as const,
    scimType: null,
    explanation: null,
    requestBody: null,
    responseBody: null,
    durationMs: 1,
    sandbox: false,
    requestId: null,
  });
  const tables = (file: string) => {
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      return (
        db.prepare("select name from sqlite_master where type = 'table'").all() as {
          name: string;
        }[]
      ).map((t) => t.name);
    } finally {
      db.close();
    }
  };

  it('keeps the log in a file of its own beside the database, never in the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-log-'));
    const store = createStore(join(dir, 'roster.db'));
    try {
      await store.migrate();
      const account = makeAccount();
      await store.accounts.insert(account);
      store.log.append(event('evt-1', account.id));
      await store.log.flush();
      expect(tables(join(dir, 'roster.db'))).not.toContain('provisioning_events');
      expect(tables(join(dir, 'roster-log.db'))).toContain('provisioning_events');
      const log = new SqliteDatabase(join(dir, 'roster-log.db'), { readonly: true });
      expect(log.prepare('select id from provisioning_events').all()).toEqual([{ id: 'evt-1' }]);
      log.close();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('moves the events an older Roster kept in the database into the log file, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-log-'));
    const file = join(dir, 'roster.db');
    const first = createStore(file);
    const account = makeAccount();
    await first.migrate();
    await first.accounts.insert(account);
    await first.close();
    // The table as migrations 0001 and 0007 left it, with two events in it.
    const legacy = new SqliteDatabase(file);
    legacy.exec(`create table provisioning_events (seq integer primary key autoincrement,
      id text not null unique, account_id text, at text not null, idp text not null,
      method text not null, path text not null, operation text not null, user_id text,
      status integer not null, outcome text not null, scim_type text, explanation text,
      request_body text, response_body text, duration_ms real not null, group_id text)`);
    const insert = legacy.prepare(`insert into provisioning_events (id, account_id, at, idp,
      method, path, operation, status, outcome, duration_ms) values (?, ?, ?, 'okta', 'GET',
      '/scim/v2/Users', 'list users', 200, 'success', 1.5)`);
    insert.run('old-1', account.id, '2026-01-01T00:00:00.000Z');
    insert.run('old-2', account.id, '2026-01-02T00:00:00.000Z');
    legacy.close();
    const stores = [createStore(file), createStore(file)];
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      expect(tables(file)).not.toContain('provisioning_events');
      const page = await stores[0]!.log.list({ accountId: account.id, limit: 10 });
      expect(page.ok && page.events.map((e) => [e.id, e.durationMs])).toEqual([
        ['old-2', 1.5],
        ['old-1', 1.5],
      ]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
