/**
 * Retention: the provisioning log (with its failed-authentication counts) and the audit trail
 * keep their entries for a configured number of days; 0 keeps them forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/directory.ts';
import type { ProvisioningEvent, WebhookDelivery } from '../../src/directory/model.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { HOUR_MS, manualClock } from '../helpers/manual-clock.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const DAY_MS = 24 * HOUR_MS;

describe.each(STORE_KINDS)('journal retention (%s)', (kind) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('prunes events, failure counts and audit entries past their retention, and keeps the rest', async (ctx) => {
    opened = await openTestStore(kind);
    if (!opened) return ctx.skip();
    const { store } = opened;
    const clock = manualClock('2026-03-01T09:00:00.000Z');
    const directory = createDirectory({
      store,
      clock,
      retention: { provisioningLogDays: 7, auditDays: 30 },
    });
    const { account } = await directory.accounts.ensureDemoAccount(
      'retention-demo-token-0123456789abcdef',
    );
    const accountId = account!.id;
    let n = 0;
    const event = (): ProvisioningEvent => ({
      id: `evt-${kind}-${n++}`,
      accountId,
      at: clock.now(),
      idp: 'okta',
      method: 'GET',
      path: '/scim/v2/Users',
      operation: 'list users',
      userId: null,
      groupId: null,
      status: 200,
      outcome: 'success',
      scimType: null,
      explanation: null,
      requestBody: null,
      responseBody: null,
      durationMs: 1,
      sandbox: false,
      requestId: null,
    });
    const audit = () =>
      directory.audit.record({
        accountId,
        actor: { kind: 'operator' },
        action: 'account.update',
        targetType: 'account',
        targetId: accountId,
        status: 200,
        outcome: 'success',
        errorCode: null,
        request: null,
      });
    const failure = () =>
      directory.provisioningLog.recordAuthFailure({
        reason: 'revoked',
        accountId,
        tokenPrefix: 'roster_x',
        idp: 'okta',
        source: '10.0.0.1',
      });

    // Day 0: one of each; day 20: an audit entry; day 28: an event and a failure; then day 31.
    const hook = await directory.webhooks.create(accountId, { url: 'https://app.example.com/h' });
    const attempt = async (): Promise<WebhookDelivery> => {
      const logged: WebhookDelivery = {
        id: `whd_${clock.now()}`,
        endpointId: hook.id,
        accountId,
        eventId: 'evt_x',
        eventType: 'user.created',
        eventSequence: 1,
        attempt: 1,
        trigger: 'automatic',
        statusCode: 204,
        error: null,
        latencyMs: 1,
        responseExcerpt: null,
        deliveredAt: clock.now(),
        success: true,
      };
      await store.webhooks.insertDelivery(logged);
      return logged;
    };
    directory.provisioningLog.record(event());
    failure();
    await attempt();
    const oldAudit = await audit();
    clock.advance(20 * DAY_MS);
    const recentAudit = await audit();
    clock.advance(8 * DAY_MS);
    const recent = event();
    directory.provisioningLog.record(recent);
    failure();
    const recentAttempt = await attempt();
    clock.advance(3 * DAY_MS);

    expect(directory.retention.keepsFrom()).toEqual({
      provisioningLog: '2026-03-25T09:00:00.000Z',
      audit: '2026-03-02T09:00:00.000Z',
      // The event feed's default: 30 days, and the webhook delivery log's.
      events: '2026-03-02T09:00:00.000Z',
      webhookDeliveries: '2026-03-02T09:00:00.000Z',
    });
    expect(await directory.retention.prune()).toEqual({
      events: 1,
      auditEntries: 1,
      feedEvents: 0,
      webhookDeliveries: 1,
    });
    expect(
      (await directory.webhooks.deliveries(accountId, hook.id, { limit: 10 })).map((d) => d.id),
    ).toEqual([recentAttempt.id]);
    expect(await directory.provisioningLog.list({ accountId, limit: 10 })).toEqual([recent]);
    const failures = await directory.provisioningLog.authFailures({ accountId, limit: 10 });
    expect(failures.map((f) => [f.minute, f.count])).toEqual([['2026-03-29T09:00:00.000Z', 1]]);
    const entries = await directory.audit.list({ accountId, limit: 10 });
    expect(entries.map((e) => e.id)).toContain(recentAudit.id);
    expect(entries.map((e) => e.id)).not.toContain(oldAudit.id);
    // A second pass finds nothing more to remove.
    expect(await directory.retention.prune()).toEqual({
      events: 0,
      auditEntries: 0,
      feedEvents: 0,
      webhookDeliveries: 0,
    });
  });

  it('keeps everything when the retention is 0 days', async (ctx) => {
    opened = await openTestStore(kind);
    if (!opened) return ctx.skip();
    const clock = manualClock('2026-03-01T09:00:00.000Z');
    const directory = createDirectory({
      store: opened.store,
      clock,
      retention: { provisioningLogDays: 0, auditDays: 0, eventDays: 0, webhookDeliveryDays: 0 },
    });
    await directory.audit.record({
      accountId: null,
      actor: { kind: 'operator' },
      action: 'account.create',
      targetType: null,
      targetId: null,
      status: 201,
      outcome: 'success',
      errorCode: null,
      request: null,
    });
    clock.advance(10_000 * DAY_MS);
    expect(directory.retention.keepsFrom()).toEqual({
      provisioningLog: null,
      audit: null,
      events: null,
      webhookDeliveries: null,
    });
    expect(await directory.retention.prune()).toEqual({
      events: 0,
      auditEntries: 0,
      feedEvents: 0,
      webhookDeliveries: 0,
    });
    expect(await directory.audit.list({ limit: 10 })).toHaveLength(1);
  });
});
