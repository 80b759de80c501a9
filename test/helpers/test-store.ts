/**
 * Throwaway stores for tests: a migrated SQLite file in the temp directory, or a migrated
 * PostgreSQL database `roster_test_<random>` that cleanup drops. PostgreSQL is found through
 * ROSTER_TEST_POSTGRES_URL (a URL to any database on the server; default
 * postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { CostlyReadOptions } from '../../src/store/costly-reads/costly-reads.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';

export interface TestStore {
  readonly store: Store;
  cleanup(): Promise<void>;
}

export const postgresMaintenanceUrl =
  process.env.ROSTER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The maintenance URL with its database replaced. */
export function postgresDatabaseUrl(database: string): string {
  const url = new URL(postgresMaintenanceUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withMaintenance<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: postgresMaintenanceUrl,
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function postgresAvailable(): Promise<boolean> {
  try {
    await withMaintenance((client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

/** Creates an empty database and returns its name and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `roster_test_${randomBytes(6).toString('hex')}`;
  await withMaintenance((client) => client.query(`create database ${name}`));
  return {
    url: postgresDatabaseUrl(name),
    drop: () =>
      withMaintenance((client) =>
        client.query(`drop database if exists ${name} with (force)`),
      ).then(() => {}),
  };
}

export async function openTestStore(
  kind: 'sqlite' | 'postgres',
  options: { readonly costlyReads?: CostlyReadOptions | undefined } = {},
): Promise<TestStore | undefined> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-test-'));
    const store = createSqliteStore({ filename: join(dir, 'roster.db'), ...options });
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
  const store = createPostgresStore({ connectionString: database.url, poolSize: 4, ...options });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    await database.drop();
    throw error;
  }
  return {
    store,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
}
