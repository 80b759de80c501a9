/**
 * Migration 0008 shortens what earlier versions stored of tokens and admin keys (6 characters
 * after the label; 13 of a demo token) to at most 8 characters, the ones new rows keep: rows
 * written at 0007 are read back shortened after migrating to the latest version, on both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Account } from '../../src/directory/model.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';
import { makeAccount } from './fixtures.ts';

const BEFORE = '0007-event-groups';

/** A store whose schema stops at BEFORE, and how to reach it again. */
interface OldStore {
  readonly store: Store;
  cleanup(): Promise<void>;
}

/** Migrates to BEFORE and writes `account` as that version's columns hold it. */
async function migrateTo(
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
  account: Account,
): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error } = await migrator.migrateTo(BEFORE);
  if (error) throw error;
  const sso = dialect === 'postgres' ? account.ssoEnabled : Number(account.ssoEnabled);
  await sql`insert into accounts (id, name, tier, pricing_model, sso_enabled, created_at)
    values (${account.id}, ${account.name}, ${account.tier}, ${account.pricingModel}, ${sso},
      ${account.createdAt})`.execute(db);
  await db.destroy();
}

async function openOld(
  kind: 'sqlite' | 'postgres',
  account: Account,
): Promise<OldStore | undefined> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-migration-'));
    const filename = join(dir, 'roster.db');
    const db = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(filename) }),
    });
    await migrateTo(db, 'sqlite', account);
    const store = createSqliteStore({ filename });
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
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }),
  });
  await migrateTo(db, 'postgres', account);
  const store = createPostgresStore({ connectionString: database.url, poolSize: 2 });
  return {
    store,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)(
  'migration 0008 short secret prefixes (%s)',
  (kind) => {
    it('keeps at most 8 characters of stored token and key prefixes, label dropped', async (ctx) => {
      const account = makeAccount();
      const old = await openOld(kind, account);
      if (!old) return ctx.skip('PostgreSQL not reachable here');
      try {
        const { store } = old;
        const now = new Date().toISOString();
        const token = (id: string, prefix: string, hash: string) => ({
          id,
          accountId: account.id,
          appId: 'app',
          prefix,
          hash,
          createdAt: now,
          lastUsedAt: null,
          expiresAt: null,
          revokedAt: null,
        });
        await store.tokens.insert(token(crypto.randomUUID(), 'roster_AbCdEf', 'h1'));
        await store.tokens.insert(token(crypto.randomUUID(), 'demo-token-0', 'h2'));
        const keyId = crypto.randomUUID();
        await store.adminKeys.insert({
          id: keyId,
          accountId: account.id,
          name: 'ci',
          prefix: 'roster_admin_GhIjKl',
          hash: 'h3',
          createdAt: now,
          lastUsedAt: null,
          revokedAt: null,
        });
        await store.audit.insert({
          id: crypto.randomUUID(),
          accountId: account.id,
          at: now,
          actor: { kind: 'admin-key', keyId, prefix: 'roster_admin_GhIjKl' },
          action: 'account.update',
          targetType: 'account',
          targetId: account.id,
          status: 200,
          outcome: 'success',
          errorCode: null,
          request: null,
        });

        await store.migrate();

        const tokens = await store.tokens.list(account.id);
        expect(tokens.map((t) => t.prefix).sort()).toEqual(['AbCdEf', 'demo-tok']);
        const [key] = await store.adminKeys.list(account.id);
        expect(key?.prefix).toBe('GhIjKl');
        const [entry] = await store.audit.list({ accountId: account.id, limit: 10 });
        expect(entry?.actor).toEqual({ kind: 'admin-key', keyId, prefix: 'GhIjKl' });
      } finally {
        await old.cleanup();
      }
    });
  },
);
