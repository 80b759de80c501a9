/**
 * Repeated statements on PostgreSQL run as named prepared statements (src/store/postgres-prepared.ts):
 * checked on a real server through `pg_prepared_statements`, which lists what the connection
 * asking has prepared; and a statement whose table changed shape under it costs one failed
 * query, not a broken connection.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStatementNames,
  prepareRepeatedStatements,
} from '../../src/store/postgres-prepared.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  postgresMaintenanceUrl,
} from '../helpers/test-store.ts';

const available = await postgresAvailable();

describe('statement names', () => {
  it('names a text the second time it is seen, the same name ever after, and at most the limit', () => {
    const names = createStatementNames(2);
    expect(names.nameFor('select $1')).toBeUndefined();
    const first = names.nameFor('select $1');
    expect(first).toBeDefined();
    expect(names.nameFor('select $1')).toBe(first);
    names.nameFor('select $1, $2');
    const second = names.nameFor('select $1, $2');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    names.nameFor('select $1, $2, $3');
    expect(names.nameFor('select $1, $2, $3')).toBeUndefined();
    expect(names.size()).toBe(2);
  });
});

describe.skipIf(!available)(
  `prepared statements on PostgreSQL${available ? '' : ` (skipped: PostgreSQL not reachable at ${postgresMaintenanceUrl})`}`,
  () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let pool: pg.Pool;
    let db: Kysely<unknown>;

    beforeAll(async () => {
      database = await createPostgresDatabase();
      // One connection, so every query below runs on the connection whose statements it lists.
      pool = new pg.Pool({ connectionString: database.url, max: 1 });
      const names = createStatementNames();
      pool.on('connect', (client) => prepareRepeatedStatements(client, names));
      db = new Kysely({ dialect: new PostgresDialect({ pool }) });
      await sql`create table things (id int primary key, label text)`.execute(db);
      await sql`insert into things values (1, 'one'), (2, 'two')`.execute(db);
    });

    afterAll(async () => {
      await db?.destroy();
      await database?.drop();
    });

    const prepared = async () =>
      (
        await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)
      ).rows.map((row) => row.statement);

    it('prepares a repeated parameterized statement once and reuses it', async () => {
      const byId = (id: number) =>
        sql<{ label: string }>`select label from things where id = ${id}`;
      expect((await byId(1).execute(db)).rows).toEqual([{ label: 'one' }]);
      expect(await prepared()).not.toContain('select label from things where id = $1');
      expect((await byId(2).execute(db)).rows).toEqual([{ label: 'two' }]);
      expect((await byId(1).execute(db)).rows).toEqual([{ label: 'one' }]);
      const statements = await prepared();
      expect(statements.filter((s) => s === 'select label from things where id = $1')).toHaveLength(
        1,
      );
      // A text run once is not kept on the server.
      await sql`select label from things where id = ${1} and label = ${'one'}`.execute(db);
      expect(await prepared()).not.toContain(
        'select label from things where id = $1 and label = $2',
      );
    });

    it('answers again after the table changed shape under a prepared statement', async () => {
      const all = (id: number) =>
        sql<Record<string, unknown>>`select * from things where id = ${id}`;
      await all(1).execute(db);
      await all(1).execute(db);
      await sql`alter table things add column note text`.execute(db);
      // The prepared plan's result type no longer matches: this one query fails...
      await expect(all(1).execute(db)).rejects.toMatchObject({ code: '0A000' });
      // ...and the connection it ran on is replaced, so the next ones answer with the new shape.
      expect((await all(2).execute(db)).rows).toEqual([{ id: 2, label: 'two', note: null }]);
      expect((await all(1).execute(db)).rows).toEqual([{ id: 1, label: 'one', note: null }]);
    });
  },
);
