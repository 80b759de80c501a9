/**
 * What GET /metrics says about the events outbox and webhook delivery, on both stores: events
 * waiting for a sequence, events endpoints have not acknowledged, and attempts by outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../../src/directory/events.ts';
import { newUser, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { useTestApp } from '../scim-http/scim-test-kit.ts';
import { type Receiver, startReceiver } from './webhook-kit.ts';

const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';

/** The value of an unlabelled series, or of `name{outcome="…"}`; undefined when absent. */
function sample(text: string, name: string, outcome?: string): number | undefined {
  const head = outcome === undefined ? `${name} ` : `${name}{outcome="${outcome}"} `;
  const line = text.split('\n').find((l) => l.startsWith(head));
  return line === undefined ? undefined : Number(line.slice(head.length));
}

describe.each(STORE_KINDS)('webhook and outbox metrics (%s)', (kind) => {
  const getApp = useTestApp(kind, { env: { ROSTER_METRICS_TOKEN: METRICS_TOKEN } });
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('counts the outbox, the backlog per endpoint and attempts by outcome', async () => {
    const app = getApp();
    const scrape = async () => {
      const response = await app.request('GET', '/metrics', { token: METRICS_TOKEN });
      expect(response.status).toBe(200);
      return response.text;
    };
    const { directory, accountId } = app;
    receiver.answer('/down', 'fail');
    await directory.webhooks.create(accountId, { url: `${receiver.url}/up` });
    await directory.webhooks.create(accountId, { url: `${receiver.url}/down` });
    const before = await scrape();
    expect(sample(before, 'roster_webhook_deliveries_total', 'success')).toBe(0);
    expect(sample(before, 'roster_webhook_deliveries_total', 'timeout')).toBe(0);
    expect(sample(before, 'roster_webhook_backlog_events')).toBe(0);
    expect(sample(before, 'roster_webhook_oldest_undelivered_age_seconds')).toBe(0);

    const created = await app.request('POST', `${SCIM}/Users`, { body: newUser('metrics') });
    expect(created.status).toBe(201);
    // The create's own events are sequenced after its commit, asynchronously: let that finish,
    // so the outbox holds only the event below.
    await directory.eventSequencer.settle();
    // An event committed without a nudge to the sequencer (as another instance's might wait):
    // in the outbox until sequenced.
    await directory.store.events.append([
      newEvent(
        accountId,
        'domain.verified',
        'domain:x.example',
        { domain: 'x.example' },
        directory.clock.now(),
        { kind: 'system' },
      ),
    ]);
    const waiting = await scrape();
    expect(sample(waiting, 'roster_events_outbox_depth')).toBe(1);
    expect(sample(waiting, 'roster_events_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    await directory.eventSequencer.settle();
    const sequenced = await scrape();
    expect(sample(sequenced, 'roster_events_outbox_depth')).toBe(0);
    expect(sample(sequenced, 'roster_events_outbox_oldest_age_seconds')).toBe(0);
    const events = await directory.store.events.latestSequence(accountId);
    expect(events).toBeGreaterThanOrEqual(1);
    // Both endpoints are behind by every event of the account.
    expect(sample(sequenced, 'roster_webhook_backlog_events')).toBe(2 * events);
    expect(
      sample(sequenced, 'roster_webhook_oldest_undelivered_age_seconds'),
    ).toBeGreaterThanOrEqual(0);

    await directory.webhookDelivery.deliverDue();
    const after = await scrape();
    expect(sample(after, 'roster_webhook_deliveries_total', 'success')).toBe(events);
    expect(sample(after, 'roster_webhook_deliveries_total', 'http_error')).toBe(1);
    expect(sample(after, 'roster_webhook_deliveries_total', 'network_error')).toBe(0);
    // The failing endpoint is still behind by all of them.
    expect(sample(after, 'roster_webhook_backlog_events')).toBe(events);
  });
});
