/**
 * Users per account and manager (`scim`, `app`), kept by triggers in the transaction of every
 * insert, delete and change of manager, whatever code path writes: an unfiltered listing's
 * `totalResults` (RFC 7644 §3.4.2 requires it exact) is then a sum of a few rows instead of a
 * COUNT over the account's million users.
 *
 * The row `~shifts` counts what moves a user's position in those listings (a delete, a change
 * of manager; a new user only appends): index pages remember where the last page ended while it
 * is unchanged (`store/sql/page-positions.ts`).
 *
 * PostgreSQL writes each transaction's changes into one of 16 shard rows chosen by its
 * transaction id, so concurrent creates in one account do not queue on one row lock; within a
 * trigger rows are touched in one order ('app' < 'scim' < '~shifts'), so two transactions never
 * wait on each other's rows in opposite orders. SQLite has one writer and one shard.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { columnTypes } from './column-types.ts';

const SQLITE_TRIGGERS = [
  `create trigger users_count_insert after insert on users begin
     insert into user_counts (account_id, managed_by, shard, n) values (new.account_id, new.managed_by, 0, 1)
       on conflict (account_id, managed_by, shard) do update set n = n + 1;
   end`,
  `create trigger users_count_delete after delete on users begin
     insert into user_counts (account_id, managed_by, shard, n) values (old.account_id, old.managed_by, 0, -1)
       on conflict (account_id, managed_by, shard) do update set n = n - 1;
     insert into user_counts (account_id, managed_by, shard, n) values (old.account_id, '~shifts', 0, 1)
       on conflict (account_id, managed_by, shard) do update set n = n + 1;
   end`,
  `create trigger users_count_update after update of managed_by, account_id on users
     when old.managed_by <> new.managed_by or old.account_id <> new.account_id begin
     insert into user_counts (account_id, managed_by, shard, n) values (old.account_id, old.managed_by, 0, -1)
       on conflict (account_id, managed_by, shard) do update set n = n - 1;
     insert into user_counts (account_id, managed_by, shard, n) values (new.account_id, new.managed_by, 0, 1)
       on conflict (account_id, managed_by, shard) do update set n = n + 1;
     insert into user_counts (account_id, managed_by, shard, n) values (old.account_id, '~shifts', 0, 1)
       on conflict (account_id, managed_by, shard) do update set n = n + 1;
   end`,
];

const POSTGRES_FUNCTION = `
create function roster_count_users() returns trigger language plpgsql as $$
declare
  s integer := (txid_current() % 16)::integer;
begin
  -- In one order whatever the change: 'app' < 'scim' < '~shifts' (no lock-order cycles).
  if tg_op = 'UPDATE' and old.managed_by = new.managed_by and old.account_id = new.account_id then
    return null;
  end if;
  if tg_op = 'UPDATE' and old.managed_by > new.managed_by then
    insert into user_counts values (new.account_id, new.managed_by, s, 1)
      on conflict (account_id, managed_by, shard) do update set n = user_counts.n + 1;
    insert into user_counts values (old.account_id, old.managed_by, s, -1)
      on conflict (account_id, managed_by, shard) do update set n = user_counts.n - 1;
  else
    if tg_op in ('UPDATE', 'DELETE') then
      insert into user_counts values (old.account_id, old.managed_by, s, -1)
        on conflict (account_id, managed_by, shard) do update set n = user_counts.n - 1;
    end if;
    if tg_op in ('UPDATE', 'INSERT') then
      insert into user_counts values (new.account_id, new.managed_by, s, 1)
        on conflict (account_id, managed_by, shard) do update set n = user_counts.n + 1;
    end if;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    insert into user_counts values (old.account_id, '~shifts', s, 1)
      on conflict (account_id, managed_by, shard) do update set n = user_counts.n + 1;
  end if;
  return null;
end $$`;

export function userCountsMigration(dialect: Dialect): Migration {
  const { keyText } = columnTypes(dialect);
  const pg = dialect === 'postgres';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('user_counts')
        .addColumn('account_id', 'text', (c) => keyText(c.notNull()))
        .addColumn('managed_by', 'text', (c) => keyText(c.notNull()))
        .addColumn('shard', 'integer', (c) => c.notNull())
        .addColumn('n', pg ? 'bigint' : 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_counts_key', ['account_id', 'managed_by', 'shard'])
        .execute();
      await sql`insert into user_counts (account_id, managed_by, shard, n)
        select account_id, managed_by, 0, count(*) from users group by account_id, managed_by`.execute(
        db,
      );
      if (pg) {
        await sql.raw(POSTGRES_FUNCTION).execute(db);
        await sql`create trigger users_count after insert or delete or update of managed_by, account_id
          on users for each row execute function roster_count_users()`.execute(db);
      } else {
        for (const trigger of SQLITE_TRIGGERS) await sql.raw(trigger).execute(db);
      }
    },
    async down(db: Kysely<unknown>) {
      if (pg) {
        await sql`drop trigger users_count on users`.execute(db);
        await sql`drop function roster_count_users()`.execute(db);
      } else {
        for (const name of ['users_count_insert', 'users_count_delete', 'users_count_update']) {
          await sql.raw(`drop trigger ${name}`).execute(db);
        }
      }
      await db.schema.dropTable('user_counts').execute();
    },
  };
}
