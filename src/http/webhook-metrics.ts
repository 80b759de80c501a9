/**
 * The events outbox and webhook delivery in Prometheus terms (docs/observability.md, docs/
 * webhooks.md): attempts by outcome, counted as they happen in this instance; the outbox (events
 * not sequenced yet) and the webhook backlog, read from the database when Prometheus scrapes, so
 * every instance reports the same, whole picture.
 */
import { Counter } from 'prom-client';
import type { Directory } from '../directory/directory.ts';
import type { WebhookOutcome } from '../directory/webhook-sender.ts';
import type { Metrics } from './metrics.ts';

const OUTCOMES: readonly WebhookOutcome[] = ['success', 'http_error', 'timeout', 'network_error'];

export function registerWebhookMetrics(metrics: Metrics, directory: Directory): void {
  metrics.scrapeGauge({
    name: 'roster_events_outbox_depth',
    help: 'Committed events not sequenced yet (not readable in the feed or deliverable yet)',
    read: async () => (await directory.store.events.pending()).count,
  });
  metrics.scrapeGauge({
    name: 'roster_events_outbox_oldest_age_seconds',
    help: 'Age of the oldest committed event not sequenced yet; 0 when none waits',
    read: async () => {
      const { oldestOccurredAt } = await directory.store.events.pending();
      if (oldestOccurredAt === null) return 0;
      return Math.max(0, (Date.parse(directory.clock.now()) - Date.parse(oldestOccurredAt)) / 1000);
    },
  });
  const deliveries = new Counter({
    name: 'roster_webhook_deliveries_total',
    help: 'Webhook delivery attempts by this instance (automatic, redelivery and test), by outcome',
    labelNames: ['outcome'] as const,
    registers: [metrics.registry],
  });
  // Every outcome is exported from the start, at 0, so rates and alerts need no absent().
  const children = new Map(OUTCOMES.map((outcome) => [outcome, deliveries.labels(outcome)]));
  for (const child of children.values()) child.inc(0);
  directory.webhookDelivery.observe((outcome) => children.get(outcome)?.inc());

  metrics.scrapeGauge({
    name: 'roster_webhook_backlog_events',
    help: 'Events enabled webhook endpoints have not acknowledged yet (between each endpoint cursor and its account latest event)',
    read: async () => (await directory.store.webhooks.backlog()).events,
  });
  metrics.scrapeGauge({
    name: 'roster_webhook_oldest_undelivered_age_seconds',
    help: 'Age of the oldest event an enabled webhook endpoint has not acknowledged; 0 when none waits',
    read: async () => {
      const { oldestOccurredAt } = await directory.store.webhooks.backlog();
      if (oldestOccurredAt === null) return 0;
      return Math.max(0, (Date.parse(directory.clock.now()) - Date.parse(oldestOccurredAt)) / 1000);
    },
  });
}
