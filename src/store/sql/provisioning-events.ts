/**
 * Provisioning-log rows through Kysely: reads on both stores (SQLite reads its log file, see
 * `provisioning-log/sqlite-log.ts`), writes on PostgreSQL (SQLite's writer thread writes with
 * prepared statements of its own).
 */
import { type Selectable, sql } from 'kysely';
import type { ProvisioningEvent, ProvisioningOutcome } from '../../directory/model.ts';
import type { IdpActivity, ProvisioningEventFilter, ProvisioningEventPage } from '../store.ts';
import { bulkInserter } from './bulk-insert.ts';
import { rowLimit, type SqlContext, storable, withTransaction } from './context.ts';
import type { ProvisioningEventsTable } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';

/**
 * Rows per INSERT, largest first: 18 parameters each stays far below both dialects' parameter
 * limits, and the last size of 1 takes whatever is left.
 */
const CHUNK_SIZES = [256, 32, 4, 1] as const;

const toEvent = (
  row: Selectable<ProvisioningEventsTable>,
  quirks: DialectQuirks,
): ProvisioningEvent => ({
  id: row.id,
  accountId: row.account_id,
  at: row.at,
  idp: row.idp,
  method: row.method,
  path: row.path,
  operation: row.operation,
  userId: row.user_id,
  groupId: row.group_id,
  status: row.status,
  outcome: row.outcome as ProvisioningOutcome,
  scimType: row.scim_type,
  explanation: row.explanation,
  requestBody: row.request_body,
  responseBody: row.response_body,
  durationMs: Number(row.duration_ms),
  sandbox: quirks.readBool(row.sandbox),
  requestId: row.request_id,
});

const toRow = (event: ProvisioningEvent, quirks: DialectQuirks) => ({
  id: event.id,
  account_id: event.accountId,
  at: event.at,
  idp: event.idp,
  method: event.method,
  path: event.path,
  operation: event.operation,
  user_id: event.userId,
  group_id: event.groupId,
  status: event.status,
  outcome: event.outcome,
  scim_type: event.scimType,
  explanation: event.explanation,
  request_body: event.requestBody,
  response_body: event.responseBody,
  duration_ms: event.durationMs,
  sandbox: quirks.bool(event.sandbox),
  request_id: event.requestId,
});

export function provisioningEventStore(ctx: SqlContext) {
  const { db } = ctx;
  return {
    async insertMany(events: readonly ProvisioningEvent[]): Promise<void> {
      if (events.length === 0) return;
      await withTransaction(ctx, async (trx) => {
        const insert = bulkInserter(trx, ctx.quirks.dialect);
        const rows = events.map((event) => toRow(event, ctx.quirks));
        // Batches come in every size; cutting them into a few fixed sizes keeps the number of
        // distinct statements (each compiled once, then reused by its text) small.
        let at = 0;
        for (const size of CHUNK_SIZES) {
          const whole = Math.floor((rows.length - at) / size) * size;
          if (whole > 0) await insert('provisioning_events', rows.slice(at, at + whole), size);
          at += whole;
        }
      });
    },

    async list(filter: ProvisioningEventFilter): Promise<ProvisioningEventPage> {
      const { accountId, before, limit } = filter;
      const texts = [
        filter.from,
        filter.to,
        filter.idp,
        filter.operation,
        filter.userId,
        filter.groupId,
        filter.requestId,
      ];
      if (texts.some((text) => text !== undefined && !storable(text))) {
        return { ok: true, events: [] };
      }
      let anchor: { at: string; seq: number | string } | undefined;
      if (before !== undefined) {
        // The anchor must be an event the caller may see: another account's id is no anchor.
        let find = db.selectFrom('provisioning_events').select(['at', 'seq']);
        find = find.where('id', '=', storable(before) ? before : '');
        if (accountId !== undefined) find = find.where('account_id', '=', accountId);
        anchor = await find.executeTakeFirst();
        if (anchor === undefined) return { ok: false, reason: 'anchorNotFound' };
      }
      let query = db.selectFrom('provisioning_events as e').selectAll('e');
      if (accountId !== undefined) query = query.where('e.account_id', '=', accountId);
      if (filter.from !== undefined) query = query.where('e.at', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('e.at', '<', filter.to);
      if (filter.idp !== undefined) query = query.where('e.idp', '=', filter.idp);
      if (filter.operation !== undefined) {
        query = query.where('e.operation', '=', filter.operation);
      }
      if (filter.outcome !== undefined) query = query.where('e.outcome', '=', filter.outcome);
      if (filter.userId !== undefined) query = query.where('e.user_id', '=', filter.userId);
      if (filter.groupId !== undefined) query = query.where('e.group_id', '=', filter.groupId);
      if (filter.requestId !== undefined) {
        query = query.where('e.request_id', '=', filter.requestId);
      }
      if (anchor !== undefined) {
        const { at, seq } = anchor;
        query = query.where((eb) =>
          eb.or([eb('e.at', '<', at), eb.and([eb('e.at', '=', at), eb('e.seq', '<', seq)])]),
        );
      }
      const rows = await query
        .orderBy('e.at', 'desc')
        .orderBy('e.seq', 'desc')
        .limit(rowLimit(limit))
        .execute();
      return { ok: true, events: rows.map((row) => toEvent(row, ctx.quirks)) };
    },

    async findById(accountId: string, id: string): Promise<ProvisioningEvent | undefined> {
      if (!storable(id)) return undefined;
      const row = await db
        .selectFrom('provisioning_events')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toEvent(row, ctx.quirks);
    },

    /**
     * Per IdP: the newest event, counts by outcome since `since`, and the newest failure. The
     * IdPs are found by skipping through the (account_id, idp, outcome, at) index, one probe
     * per distinct IdP; every other figure is one bounded probe of it too.
     */
    async idpActivity(accountId: string, since: string): Promise<IdpActivity[]> {
      const idps = await sql<{ idp: string }>`
        with recursive idps(idp) as (
          select min(idp) from provisioning_events where account_id = ${accountId}
          union all
          select (select min(e.idp) from provisioning_events as e
                  where e.account_id = ${accountId} and e.idp > idps.idp)
          from idps where idps.idp is not null
        )
        select idp from idps where idp is not null`.execute(db);
      const outcomes = ['success', 'failure', 'warning'] as const;
      const activity = await Promise.all(
        idps.rows.map(async ({ idp }) => {
          const figures = await sql<{ outcome: string; last_at: string | null; n: unknown }>`
            ${sql.join(
              outcomes.map(
                (outcome) => sql`
                  select ${sql.lit(outcome)} as outcome,
                    (select max(at) from provisioning_events
                      where account_id = ${accountId} and idp = ${idp} and outcome = ${outcome}) as last_at,
                    (select count(*) from provisioning_events
                      where account_id = ${accountId} and idp = ${idp} and outcome = ${outcome}
                        and at >= ${since}) as n`,
              ),
              sql` union all `,
            )}`.execute(db);
          const lastFailure = await db
            .selectFrom('provisioning_events')
            .selectAll()
            .where('account_id', '=', accountId)
            .where('idp', '=', idp)
            .where('outcome', '=', 'failure')
            .orderBy('at', 'desc')
            .orderBy('seq', 'desc')
            .limit(1)
            .executeTakeFirst();
          const by = (outcome: string) => figures.rows.find((row) => row.outcome === outcome);
          const count = (outcome: string) => Number(by(outcome)?.n ?? 0);
          const lastAt = figures.rows
            .map((row) => row.last_at)
            .filter((at): at is string => at !== null)
            .sort()
            .at(-1);
          return {
            idp,
            lastAt: lastAt ?? '',
            requests: count('success') + count('failure') + count('warning'),
            failures: count('failure'),
            warnings: count('warning'),
            lastFailure: lastFailure ? toEvent(lastFailure, ctx.quirks) : null,
          };
        }),
      );
      return activity.sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
    },

    /** PostgreSQL's prune (SQLite's writer thread prunes its own file). */
    async prune(before: string): Promise<number> {
      const result = await db
        .deleteFrom('provisioning_events')
        .where('at', '<', before)
        .executeTakeFirst();
      await db.deleteFrom('auth_failures').where('minute', '<', before).execute();
      return Number(result.numDeletedRows);
    },
  };
}
