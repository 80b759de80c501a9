/**
 * How long the journals keep their entries: the provisioning log (and its failed-authentication
 * counts), the audit trail, the event feed and the webhook delivery log each have a retention in
 * days, 0 meaning forever.
 * The feed always keeps each account's newest event, so cursors stay valid and sequences never
 * restart (`EventStore.prune`). `serve` prunes
 * once at start and then every hour; several instances pruning one database is harmless (a
 * delete of what is already gone deletes nothing).
 */
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { ProvisioningLog } from './provisioning-log.ts';

const DAY_MS = 86_400_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;

export interface RetentionPolicy {
  /** Days the provisioning log keeps events; 0 keeps them forever. */
  readonly provisioningLogDays: number;
  /** Days the audit trail keeps entries; 0 keeps them forever. */
  readonly auditDays: number;
  /** Days the event feed keeps events; 0 keeps them forever. Optional for older callers: 30. */
  readonly eventDays?: number;
  /** Days the webhook delivery log keeps attempts; 0 keeps them forever. Default 30. */
  readonly webhookDeliveryDays?: number;
}

export interface PruneSummary {
  readonly events: number;
  readonly auditEntries: number;
  readonly feedEvents: number;
  readonly webhookDeliveries: number;
}

export function createRetention({
  store,
  log,
  clock,
  policy,
}: {
  store: Store;
  log: ProvisioningLog;
  clock: Clock;
  policy: RetentionPolicy;
}) {
  const cutoff = (days: number) => new Date(Date.parse(clock.now()) - days * DAY_MS).toISOString();
  return {
    policy,
    /** The oldest time each journal still keeps, or null for forever. */
    keepsFrom(): {
      provisioningLog: string | null;
      audit: string | null;
      events: string | null;
      webhookDeliveries: string | null;
    } {
      const eventDays = policy.eventDays ?? 30;
      const deliveryDays = policy.webhookDeliveryDays ?? 30;
      return {
        provisioningLog: policy.provisioningLogDays > 0 ? cutoff(policy.provisioningLogDays) : null,
        audit: policy.auditDays > 0 ? cutoff(policy.auditDays) : null,
        events: eventDays > 0 ? cutoff(eventDays) : null,
        webhookDeliveries: deliveryDays > 0 ? cutoff(deliveryDays) : null,
      };
    },
    /** Deletes what is past its retention now. */
    async prune(): Promise<PruneSummary> {
      const {
        provisioningLog,
        audit,
        events: feed,
        webhookDeliveries: attempts,
      } = this.keepsFrom();
      const events = provisioningLog === null ? 0 : await log.prune(provisioningLog);
      const auditEntries = audit === null ? 0 : await store.audit.prune(audit);
      const feedEvents = feed === null ? 0 : await store.events.prune(feed);
      const webhookDeliveries =
        attempts === null ? 0 : await store.webhooks.pruneDeliveries(attempts);
      return { events, auditEntries, feedEvents, webhookDeliveries };
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;

/** Prunes now and every hour until stopped; a failed pass is reported and retried next hour. */
export function startRetention(
  retention: Retention,
  hooks: { onError(error: unknown): void; onPass?(summary: PruneSummary): void },
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = (): void => {
    if (stopped || running !== undefined) return;
    running = retention
      .prune()
      .then((summary) => hooks.onPass?.(summary), hooks.onError)
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(pass, 0);
  const every = setInterval(pass, PRUNE_INTERVAL_MS);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
