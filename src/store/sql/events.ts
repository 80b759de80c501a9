/**
 * The events outbox and feed (migration 0015). `append` runs in every change's transaction, so
 * its statements are written as SQL text (sql-fragment.ts), and its INSERT reuses statement text
 * per shape (bulk-insert.ts). On PostgreSQL `sequencePending` is the only writer of `sequence`
 * and `event_counters`, one run at a time across instances; on SQLite a transaction's own
 * events are numbered as they are written (`appendNumbered`), once per group commit batch.
 */
import type { DirectoryEvent, EventActor, NewDirectoryEvent } from '../../directory/model.ts';
import type { EventStore, SequencedBatch } from '../store.ts';
import { bulkInserter } from './bulk-insert.ts';
import { execute, rowLimit, type SqlContext, storable, withTransaction } from './context.ts';
import { compile, type SqlFragment, sql } from './sql-fragment.ts';

/**
 * The advisory lock class of the sequencer (two-key form, apart from the migrator's and the
 * brake's locks); the second key is constant: one sequencer for the whole database.
 */
const SEQUENCER_LOCK_CLASS = 0x657674; // "evt"

/** Events per INSERT (8 parameters each, within both databases' limits). */
const INSERT_CHUNK = 500;

/** Rows per UPDATE when sequences are written. */
const UPDATE_CHUNK = 500;

interface EventRow {
  id: string;
  account_id: string;
  sequence: number | string;
  type: string;
  occurred_at: string;
  actor: unknown;
  subject: string;
  data: unknown;
}

/** A whole number from the database (pg returns bigint as text); never beyond 2^53. */
function integer(value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(value)}`);
  return n;
}

/**
 * An event as the row it becomes, before it has a sequence. Serialized when appended, so data
 * that cannot be stored fails the change that appended it, not a group commit batch later.
 */
export interface EventRowDraft {
  readonly id: string;
  readonly account_id: string;
  readonly type: string;
  readonly occurred_at: string;
  readonly actor: string;
  readonly subject: string;
  readonly data: string;
}

const toDraft = (e: NewDirectoryEvent): EventRowDraft => ({
  id: e.id,
  account_id: e.accountId,
  type: e.type,
  occurred_at: e.occurredAt,
  actor: JSON.stringify(e.actor),
  subject: e.subject,
  data: JSON.stringify(e.data ?? null),
});

/**
 * SQLite: numbers the events inside the change's own transaction. SQLite runs one write
 * transaction at a time and commits them in the order they ran, so numbers taken here follow
 * commit order, and a rolled-back transaction takes its numbers back with it: gap-free, as the
 * sequencer's are. This spares each change the sequencer's later UPDATE of its rows (which
 * rewrote the row and two index entries) and a job of group commit. Group commit calls this
 * once per batch, with every event its committed jobs appended (`SqlContext.batchEvents`): one
 * counter update per account and one multi-row INSERT instead of two statements per change.
 */
export async function appendNumbered(
  ctx: SqlContext,
  drafts: readonly EventRowDraft[],
): Promise<void> {
  const counts = new Map<string, number>();
  for (const d of drafts) counts.set(d.account_id, (counts.get(d.account_id) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const [accountId, count] of counts) {
    const [row] = (
      await execute<{ last_sequence: number | string }>(
        ctx,
        compile(
          sql`insert into event_counters (account_id, last_sequence) values (${accountId}, ${count})
            on conflict (account_id) do update set last_sequence = last_sequence + excluded.last_sequence
            returning last_sequence`,
          ctx.quirks.dialect,
        ),
      )
    ).rows;
    next.set(accountId, integer(row?.last_sequence) - count + 1);
  }
  await insertEvents(ctx, drafts, (d) => {
    const sequence = next.get(d.account_id) as number;
    next.set(d.account_id, sequence + 1);
    return sequence;
  });
}

/** Multi-row INSERTs of `events`, each with the sequence `sequenceOf` gives it (or none). */
function insertEvents(
  ctx: SqlContext,
  drafts: readonly EventRowDraft[],
  sequenceOf: (draft: EventRowDraft) => number | null,
): Promise<void> {
  const rows = drafts.map((d) => ({ ...d, sequence: sequenceOf(d) }));
  return bulkInserter(ctx, ctx.quirks.dialect)('events', rows, INSERT_CHUNK);
}

/**
 * PostgreSQL, under the sequencer's lock: numbers up to `take` committed, unsequenced events
 * and moves their accounts' counters, in one statement instead of a read, a computation here
 * and two writes. Each statement is a round trip on the connection, and the sequencer runs after
 * nearly every commit under load. READ COMMITTED gives the statement a snapshot taken after the
 * lock was granted, so it sees every number an earlier run gave; all its parts share that
 * snapshot, and data-modifying parts always run to completion.
 */
async function sequenceInOneStatement(ctx: SqlContext, take: number): Promise<SequencedBatch> {
  const { rows } = await execute<{ account_id: string; n: number | string }>(
    ctx,
    compile(
      sql`with pending as (
          select position, account_id,
            row_number() over (partition by account_id order by position) as n
          from (select position, account_id from events where sequence is null
            order by position limit ${take}) as next
        ),
        numbered as (
          update events set sequence = coalesce(c.last_sequence, 0) + p.n
          from pending p left join event_counters c on c.account_id = p.account_id
          where events.position = p.position
          returning events.account_id, events.sequence
        ),
        counted as (
          insert into event_counters (account_id, last_sequence)
          select account_id, max(sequence) from numbered group by account_id
          on conflict (account_id) do update set last_sequence = excluded.last_sequence
        )
        select account_id, count(*) as n from numbered group by account_id order by account_id`,
      ctx.quirks.dialect,
    ),
  );
  const count = rows.reduce((sum, row) => sum + integer(row.n), 0);
  return { count, accountIds: rows.map((row) => row.account_id), busy: false };
}

export function eventStore(ctx: SqlContext): EventStore {
  const { quirks } = ctx;
  const run = async <R>(fragment: SqlFragment, c: SqlContext = ctx) =>
    (await execute<R>(c, compile(fragment, quirks.dialect))).rows;
  const toEvent = (row: EventRow): DirectoryEvent => ({
    id: row.id,
    accountId: row.account_id,
    sequence: integer(row.sequence),
    type: row.type,
    occurredAt: row.occurred_at,
    actor: quirks.readJson(row.actor) as EventActor,
    subject: row.subject,
    data: quirks.readJson(row.data),
  });

  const sqlite = quirks.dialect === 'sqlite';

  return {
    sequencesOnAppend: sqlite,

    async append(events) {
      if (events.length === 0) return;
      const drafts = events.map(toDraft);
      if (ctx.batchEvents !== undefined) {
        ctx.batchEvents.push(...drafts);
        return;
      }
      if (sqlite && ctx.db.isTransaction) return appendNumbered(ctx, drafts);
      await insertEvents(ctx, drafts, () => null);
    },

    async sequencePending(limit, { wait = true } = {}): Promise<SequencedBatch> {
      const take = rowLimit(limit, 10_000);
      if (take === 0) return { count: 0, accountIds: [], busy: false };
      return withTransaction(ctx, async (trx) => {
        if (quirks.dialect === 'postgres') {
          const lock = sql.raw(String(SEQUENCER_LOCK_CLASS));
          if (wait) {
            await run(sql`select pg_advisory_xact_lock(${lock}, 0)`, trx);
          } else {
            const [row] = await run<{ locked: boolean }>(
              sql`select pg_try_advisory_xact_lock(${lock}, 0) as locked`,
              trx,
            );
            if (row?.locked !== true) return { count: 0, accountIds: [], busy: true };
          }
          return sequenceInOneStatement(trx, take);
        }
        // SQLite (one writer at a time; the store runs this as a job of group commit): the rows
        // are the ones appended outside a transaction, which only the sequencer numbers.
        const pending = await run<{ position: number | string; account_id: string }>(
          sql`select position, account_id from events where sequence is null order by position limit ${take}`,
          trx,
        );
        if (pending.length === 0) return { count: 0, accountIds: [], busy: false };
        const accountIds = [...new Set(pending.map((row) => row.account_id))];
        const counters = await run<{ account_id: string; last_sequence: number | string }>(
          sql`select account_id, last_sequence from event_counters where account_id in (${sql.join(accountIds.map((id) => sql.val(id)))})`,
          trx,
        );
        const last = new Map(counters.map((c) => [c.account_id, integer(c.last_sequence)]));
        // Positions and sequences are integers we read or computed, so they go into the
        // statement as literals: the same CASE then types correctly on both dialects.
        const assigned: string[] = [];
        for (const row of pending) {
          const next = (last.get(row.account_id) ?? 0) + 1;
          last.set(row.account_id, next);
          assigned.push(`when ${integer(row.position)} then ${next}`);
        }
        for (let i = 0; i < pending.length; i += UPDATE_CHUNK) {
          const chunk = pending.slice(i, i + UPDATE_CHUNK);
          const positions = chunk.map((row) => integer(row.position)).join(', ');
          await run(
            sql`update events set sequence = case position ${sql.raw(assigned.slice(i, i + UPDATE_CHUNK).join(' '))} end where position in (${sql.raw(positions)})`,
            trx,
          );
        }
        for (const accountId of accountIds) {
          const value = last.get(accountId) ?? 0;
          await run(
            sql`insert into event_counters (account_id, last_sequence) values (${accountId}, ${sql.raw(String(value))})
              on conflict (account_id) do update set last_sequence = excluded.last_sequence`,
            trx,
          );
        }
        return { count: pending.length, accountIds, busy: false };
      });
    },

    async listAfter(accountId, afterSequence, { types, limit }) {
      if (!storable(accountId) || !Number.isSafeInteger(afterSequence)) return [];
      if (types !== undefined && types.length === 0) return [];
      const typeFilter =
        types === undefined
          ? sql``
          : sql` and type in (${sql.join(types.map((type) => sql.val(type)))})`;
      const rows = await run<EventRow>(
        sql`select id, account_id, sequence, type, occurred_at, actor, subject, data from events
          where account_id = ${accountId} and sequence > ${afterSequence}${typeFilter}
          order by sequence limit ${rowLimit(limit, 10_000)}`,
      );
      return rows.map(toEvent);
    },

    async latestSequence(accountId) {
      if (!storable(accountId)) return 0;
      const [row] = await run<{ last_sequence: number | string }>(
        sql`select last_sequence from event_counters where account_id = ${accountId}`,
      );
      return row ? integer(row.last_sequence) : 0;
    },

    async oldestRetained(accountId) {
      if (!storable(accountId)) return undefined;
      const [row] = await run<{ sequence: number | string }>(
        sql`select sequence from events where account_id = ${accountId} and sequence is not null order by sequence limit 1`,
      );
      return row ? integer(row.sequence) : undefined;
    },

    async pending() {
      const [row] = await run<{ n: number | string; oldest: string | null }>(
        sql`select count(*) as n, min(occurred_at) as oldest from events where sequence is null`,
      );
      return { count: integer(row?.n ?? 0), oldestOccurredAt: row?.oldest ?? null };
    },

    async prune(before) {
      // The account's newest event is its counter's value: kept, whatever its age.
      const result = await execute(
        ctx,
        compile(
          sql`delete from events where occurred_at < ${before} and sequence is not null
            and sequence < (select c.last_sequence from event_counters c where c.account_id = events.account_id)`,
          quirks.dialect,
        ),
      );
      return Number(result.numAffectedRows ?? 0);
    },
  };
}
