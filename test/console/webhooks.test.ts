/**
 * The console's Webhooks page on both stores, as a browser without script: add an endpoint (the
 * secret shown once, never again, never cached), its status, a test event against a real
 * receiver, disable and enable, the delivery log with redelivery, rotation, delete, and a bad URL
 * refused with its reason.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { newAccountId, type Receiver, startReceiver } from '../webhooks/webhook-kit.ts';
import { type Browser, consoleTestApp } from './console-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`console webhooks page (${kind})`, () => {
    let t: Awaited<ReturnType<typeof consoleTestApp>>;
    let admin: Browser;
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await startReceiver();
      t = await consoleTestApp(kind);
      if (!t) return;
      const { key } = await t.app.directory.adminKeys.issue(t.app.accountId, 'it team');
      admin = t.browser();
      await admin.signIn(key);
    });
    afterAll(async () => {
      await t?.app.cleanup();
      await receiver.close();
    });

    it('adds an endpoint, shows its secret once, tests, disables, enables, redelivers, rotates and deletes it', async (ctx) => {
      if (!t) return ctx.skip();
      const empty = await admin.get('/webhooks');
      expect(empty.status).toBe(200);
      expect(empty.text).toContain('No endpoints yet');
      expect(empty.html).toContain('aria-current="page"');

      const refused = await admin.post('/webhooks', { url: 'ftp://files.example.com/' });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain("must be an http or https URL; got 'ftp'");

      const url = `${receiver.url}/console`;
      const added = await admin.post('/webhooks', {
        url,
        description: 'billing app',
        eventTypes: ['user.created', 'user.deactivated'],
      });
      expect(added.status).toBe(200);
      expect(added.text).toContain('Copy the signing secret now.');
      expect(added.headers.get('cache-control')).toBe('no-store');
      const secret = /id="webhook-secret"[^>]*value="(whsec_[^"]+)"/.exec(added.html)?.[1] ?? '';
      expect(secret).toMatch(/^whsec_/);
      const [endpoint] = await t.app.directory.webhooks.list(t.app.accountId);
      const page = `/webhooks/${endpoint?.id}`;

      const list = await admin.get('/webhooks');
      expect(list.text).toContain(url);
      expect(list.text).toContain('user.created, user.deactivated');
      expect(list.text).toContain('Healthy');
      expect(list.html).not.toContain(secret);

      const tested = await admin.post(`${page}/test`);
      expect(tested.text).toMatch(/The test event was answered 204 in \d+ ms/);
      const sent = receiver.received.at(-1);
      expect(
        new Webhook(secret).verify(sent?.body ?? '', sent?.headers as Record<string, string>),
      ).toMatchObject({ type: 'webhook.test' });
      expect(tested.text).toContain('webhook.test');
      expect(tested.html).not.toContain(secret);

      const disabled = await admin.post(`${page}/disable`);
      expect(disabled.location).toBe(`${page}?done=webhook-disabled`);
      expect((await admin.get('/webhooks')).text).toContain('Disabled disabled by an admin');
      await admin.get(page);
      await admin.post(`${page}/enable`);
      expect((await admin.get('/webhooks')).text).toContain('Healthy');

      // A real event of the account, redelivered from the log.
      const appended = await t.app.directory.store.transaction(async (s) => {
        const { newEvent } = await import('../../src/directory/events.ts');
        const event = newEvent(
          t?.app.accountId ?? '',
          'user.deactivated',
          'user:x',
          {
            user: {
              id: 'x',
              userName: 'x@example.com',
              email: null,
              externalId: null,
              displayName: null,
              givenName: null,
              familyName: null,
              active: false,
              permissionSetId: 'p',
              managedBy: 'scim',
            },
          },
          new Date().toISOString(),
          { kind: 'system' },
        );
        await s.events.append([event]);
        return event;
      });
      while ((await t.app.directory.store.events.sequencePending(100)).count > 0);
      await t.app.directory.webhookDelivery.deliverDue();
      const logPage = await admin.get(page);
      expect(logPage.text).toContain('user.deactivated');
      expect(logPage.text).toContain(appended.id);
      const deliveryId = /deliveries\/(whd_[^/]+)\/redeliver/.exec(logPage.html)?.[1];
      expect(deliveryId).toBeDefined();
      const again = await admin.post(`${page}/deliveries/${deliveryId}/redeliver`);
      expect(again.text).toMatch(/The redelivery was answered 204/);
      expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(appended.id);

      const rotated = await admin.post(`${page}/rotate-secret`, { overlapHours: '1' });
      expect(rotated.text).toContain('A new signing secret');
      expect(rotated.text).toContain('The previous secret also signs every delivery until');
      const fresh = /id="webhook-secret"[^>]*value="(whsec_[^"]+)"/.exec(rotated.html)?.[1];
      expect(fresh).toMatch(/^whsec_/);
      expect(fresh).not.toBe(secret);

      const deleted = await admin.post(`${page}/delete`);
      expect(deleted.location).toBe('/webhooks?done=webhook-deleted');
      const after = await admin.get('/webhooks?done=webhook-deleted');
      expect(after.text).toContain('The endpoint and its delivery log are deleted.');
      expect(after.text).toContain('No endpoints yet');
    });

    it("does not show another account's endpoint", async (ctx) => {
      if (!t) return ctx.skip();
      const other = await newAccountId(t.app.directory.store);
      const foreign = await t.app.directory.webhooks.create(other, {
        url: 'https://other.example.com/hook',
      });
      const page = await admin.get(`/webhooks/${foreign.id}`);
      expect(page.status).toBe(404);
      expect(page.text).not.toContain('other.example.com');
    });
  });
}
