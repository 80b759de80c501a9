/**
 * Webhook endpoints, their delivery log and the delivery engine's leases (migration 0017;
 * src/directory/webhook-delivery.ts says how the engine uses them).
 */
import type {
  DirectoryEvent,
  EventActor,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../directory/model.ts';
import type { WebhookEndpointChanges, WebhookStore } from '../store.ts';
import { execute, rowLimit, type SqlContext, storable, withTransaction } from './context.ts';
import { compile, type SqlFragment, sql } from './sql-fragment.ts';

interface EndpointRow {
  id: string;
  account_id: string;
  url: string;
  description: string | null;
  event_types: unknown;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  enabled: unknown;
  disabled_at: string | null;
  disabled_reason: string | null;
  cursor: number | string;
  attempts: number | string;
  next_attempt_at: string | null;
  failing_since: string | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  account_id: string;
  event_id: string;
  event_type: string;
  event_sequence: number | string | null;
  attempt: number | string;
  trigger: string;
  status_code: number | string | null;
  error: string | null;
  latency_ms: number | string;
  response_excerpt: string | null;
  delivered_at: string;
  success: unknown;
}

const ENDPOINT_COLUMNS = sql.raw(
  'id, account_id, url, description, event_types, secret, previous_secret, previous_secret_expires_at, enabled, disabled_at, disabled_reason, cursor, attempts, next_attempt_at, failing_since, last_error, lease_owner, lease_expires_at, created_at, updated_at',
);

const DELIVERY_COLUMNS = sql.raw(
  'id, endpoint_id, account_id, event_id, event_type, event_sequence, attempt, trigger, status_code, error, latency_ms, response_excerpt, delivered_at, success',
);

/** A whole number from the database (pg returns bigint as text). */
function integer(value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(value)}`);
  return n;
}

/** Column of each changeable field, and how its value is stored. */
const CHANGE_COLUMNS: Record<keyof WebhookEndpointChanges, string> = {
  url: 'url',
  description: 'description',
  eventTypes: 'event_types',
  secret: 'secret',
  previousSecret: 'previous_secret',
  previousSecretExpiresAt: 'previous_secret_expires_at',
  enabled: 'enabled',
  disabledAt: 'disabled_at',
  disabledReason: 'disabled_reason',
  cursor: 'cursor',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  failingSince: 'failing_since',
  lastError: 'last_error',
  updatedAt: 'updated_at',
};

export function webhookStore(ctx: SqlContext): WebhookStore {
  const { quirks } = ctx;
  const run = async <R>(fragment: SqlFragment, c: SqlContext = ctx) =>
    (await execute<R>(c, compile(fragment, quirks.dialect))).rows;
  const affected = async (fragment: SqlFragment, c: SqlContext = ctx) =>
    Number((await execute(c, compile(fragment, quirks.dialect))).numAffectedRows ?? 0);

  const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
    id: row.id,
    accountId: row.account_id,
    url: row.url,
    description: row.description,
    eventTypes: quirks.readJson(row.event_types) as string[],
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    enabled: quirks.readBool(row.enabled),
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    cursor: integer(row.cursor),
    attempts: integer(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    failingSince: row.failing_since,
    lastError: row.last_error,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
    id: row.id,
    endpointId: row.endpoint_id,
    accountId: row.account_id,
    eventId: row.event_id,
    eventType: row.event_type,
    eventSequence: row.event_sequence === null ? null : integer(row.event_sequence),
    attempt: integer(row.attempt),
    trigger: row.trigger as WebhookDelivery['trigger'],
    statusCode: row.status_code === null ? null : integer(row.status_code),
    error: row.error,
    latencyMs: integer(row.latency_ms),
    responseExcerpt: row.response_excerpt,
    deliveredAt: row.delivered_at,
    success: quirks.readBool(row.success),
  });

  /** `col = value, …` for the fields present in `changes`. */
  function assignments(changes: WebhookEndpointChanges): SqlFragment[] {
    const parts: SqlFragment[] = [];
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      const column = CHANGE_COLUMNS[field as keyof WebhookEndpointChanges];
      if (column === undefined) continue;
      const stored =
        field === 'eventTypes'
          ? JSON.stringify(value)
          : field === 'enabled'
            ? quirks.bool(value as boolean)
            : value;
      parts.push(sql`${sql.raw(column)} = ${stored}`);
    }
    return parts;
  }

  const findEndpoint = async (accountId: string, id: string, c: SqlContext = ctx) => {
    if (!storable(accountId) || !storable(id)) return undefined;
    const [row] = await run<EndpointRow>(
      sql`select ${ENDPOINT_COLUMNS} from webhook_endpoints where account_id = ${accountId} and id = ${id}`,
      c,
    );
    return row && toEndpoint(row);
  };

  return {
    async insertEndpoint(e) {
      await run(
        sql`insert into webhook_endpoints (${ENDPOINT_COLUMNS}) values (${e.id}, ${e.accountId}, ${e.url}, ${e.description}, ${JSON.stringify(e.eventTypes)}, ${e.secret}, ${e.previousSecret}, ${e.previousSecretExpiresAt}, ${quirks.bool(e.enabled)}, ${e.disabledAt}, ${e.disabledReason}, ${e.cursor}, ${e.attempts}, ${e.nextAttemptAt}, ${e.failingSince}, ${e.lastError}, ${e.leaseOwner}, ${e.leaseExpiresAt}, ${e.createdAt}, ${e.updatedAt})`,
      );
    },

    findEndpoint: (accountId, id) => findEndpoint(accountId, id),

    async listEndpoints(accountId) {
      if (!storable(accountId)) return [];
      const rows = await run<EndpointRow>(
        sql`select ${ENDPOINT_COLUMNS} from webhook_endpoints where account_id = ${accountId} order by created_at, id`,
      );
      return rows.map(toEndpoint);
    },

    async updateEndpoint(accountId, id, changes) {
      if (!storable(accountId) || !storable(id)) return undefined;
      const parts = assignments(changes);
      if (parts.length > 0) {
        await run(
          sql`update webhook_endpoints set ${sql.join(parts)} where account_id = ${accountId} and id = ${id}`,
        );
      }
      return findEndpoint(accountId, id);
    },

    async deleteEndpoint(accountId, id) {
      if (!storable(accountId) || !storable(id)) return false;
      return withTransaction(ctx, async (trx) => {
        await run(sql`delete from webhook_deliveries where endpoint_id = ${id}`, trx);
        const n = await affected(
          sql`delete from webhook_endpoints where account_id = ${accountId} and id = ${id}`,
          trx,
        );
        return n > 0;
      });
    },

    async accountsWithEnabledEndpoints() {
      const rows = await run<{ account_id: string }>(
        sql`select distinct account_id from webhook_endpoints where enabled = ${quirks.bool(true)} order by account_id`,
      );
      return rows.map((row) => row.account_id);
    },

    async claimDue({ owner, now, leaseUntil, limit }) {
      const take = rowLimit(limit, 1000);
      if (take === 0) return [];
      return withTransaction(ctx, async (trx) => {
        // PostgreSQL: rows another instance is claiming right now are skipped, not waited for,
        // so concurrent claimers split the due endpoints between them (READ COMMITTED: the
        // lease condition is checked again on the locked, current row).
        const lock = quirks.dialect === 'postgres' ? sql` for update of w skip locked` : sql``;
        const due = await run<{ id: string }>(
          sql`select w.id from webhook_endpoints w
            where w.enabled = ${quirks.bool(true)}
              and (w.lease_owner is null or w.lease_expires_at < ${now})
              and (w.next_attempt_at is null or w.next_attempt_at <= ${now})
              and w.cursor < coalesce((select c.last_sequence from event_counters c where c.account_id = w.account_id), 0)
            order by coalesce(w.next_attempt_at, w.updated_at), w.id
            limit ${take}${lock}`,
          trx,
        );
        if (due.length === 0) return [];
        const ids = sql.join(due.map((row) => sql.val(row.id)));
        await run(
          sql`update webhook_endpoints set lease_owner = ${owner}, lease_expires_at = ${leaseUntil} where id in (${ids})`,
          trx,
        );
        const rows = await run<EndpointRow>(
          sql`select ${ENDPOINT_COLUMNS} from webhook_endpoints where id in (${ids}) order by id`,
          trx,
        );
        return rows.map(toEndpoint);
      });
    },

    async updateLeased(id, owner, changes, leaseUntil) {
      const parts = [
        ...assignments(changes),
        leaseUntil === null
          ? sql`lease_owner = null, lease_expires_at = null`
          : sql`lease_expires_at = ${leaseUntil}`,
      ];
      const n = await affected(
        sql`update webhook_endpoints set ${sql.join(parts)} where id = ${id} and lease_owner = ${owner}`,
      );
      return n > 0;
    },

    async findEvent(accountId, eventId) {
      if (!storable(accountId) || !storable(eventId)) return undefined;
      const [row] = await run<{
        id: string;
        account_id: string;
        sequence: number | string;
        type: string;
        occurred_at: string;
        actor: unknown;
        subject: string;
        data: unknown;
      }>(
        sql`select id, account_id, sequence, type, occurred_at, actor, subject, data from events
          where id = ${eventId} and account_id = ${accountId} and sequence is not null`,
      );
      if (!row) return undefined;
      const event: DirectoryEvent = {
        id: row.id,
        accountId: row.account_id,
        sequence: integer(row.sequence),
        type: row.type,
        occurredAt: row.occurred_at,
        actor: quirks.readJson(row.actor) as EventActor,
        subject: row.subject,
        data: quirks.readJson(row.data),
      };
      return event;
    },

    async insertDelivery(d) {
      await run(
        sql`insert into webhook_deliveries (${DELIVERY_COLUMNS}) values (${d.id}, ${d.endpointId}, ${d.accountId}, ${d.eventId}, ${d.eventType}, ${d.eventSequence}, ${d.attempt}, ${d.trigger}, ${d.statusCode}, ${d.error}, ${Math.round(d.latencyMs)}, ${d.responseExcerpt}, ${d.deliveredAt}, ${quirks.bool(d.success)})`,
      );
    },

    async findDelivery(accountId, endpointId, id) {
      if (!storable(accountId) || !storable(endpointId) || !storable(id)) return undefined;
      const [row] = await run<DeliveryRow>(
        sql`select ${DELIVERY_COLUMNS} from webhook_deliveries where id = ${id} and endpoint_id = ${endpointId} and account_id = ${accountId}`,
      );
      return row && toDelivery(row);
    },

    async listDeliveries(accountId, endpointId, { before, limit }) {
      if (!storable(accountId) || !storable(endpointId)) return [];
      if (before !== undefined && !storable(before)) return [];
      const older =
        before === undefined
          ? sql``
          : sql` and seq < (select b.seq from webhook_deliveries b where b.id = ${before} and b.endpoint_id = ${endpointId})`;
      const rows = await run<DeliveryRow>(
        sql`select ${DELIVERY_COLUMNS} from webhook_deliveries
          where endpoint_id = ${endpointId} and account_id = ${accountId}${older}
          order by seq desc limit ${rowLimit(limit, 1000)}`,
      );
      return rows.map(toDelivery);
    },

    async pruneDeliveries(before) {
      return affected(sql`delete from webhook_deliveries where delivered_at < ${before}`);
    },

    async backlog() {
      const [row] = await run<{ events: number | string | null; oldest: string | null }>(
        sql`select
            coalesce(sum(coalesce(c.last_sequence, 0) - w.cursor), 0) as events,
            (select min(e.occurred_at) from webhook_endpoints v
              join events e on e.account_id = v.account_id and e.sequence = v.cursor + 1
              where v.enabled = ${quirks.bool(true)}) as oldest
          from webhook_endpoints w
          left join event_counters c on c.account_id = w.account_id
          where w.enabled = ${quirks.bool(true)} and w.cursor < coalesce(c.last_sequence, 0)`,
      );
      return { events: integer(row?.events ?? 0), oldestOccurredAt: row?.oldest ?? null };
    },
  };
}
