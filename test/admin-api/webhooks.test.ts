import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type Receiver, startReceiver } from '../webhooks/webhook-kit.ts';
import {
  type AdminTestApp,
  API,
  auditActions,
  createAdminTestApp,
  newAccount,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API webhooks (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await startReceiver();
      t = await createAdminTestApp(kind);
    });
    afterAll(async () => {
      await t?.cleanup();
      await receiver.close();
    });

    it('creates an endpoint with its secret shown once, lists, changes, rotates and deletes it', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/webhooks`;
      const created = await t.call('POST', base, {
        key,
        body: {
          url: `${receiver.url}/admin`,
          description: 'billing app',
          eventTypes: ['user.created', 'user.deactivated'],
        },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({
        url: `${receiver.url}/admin`,
        description: 'billing app',
        eventTypes: ['user.created', 'user.deactivated'],
        enabled: true,
        status: 'healthy',
        cursor: 0,
      });
      expect(created.body.id).toMatch(/^whe_/);
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const secret: string = created.body.secret;
      const one = `${base}/${created.body.id}`;

      const listed = await t.call('GET', base, { key });
      expect(listed.body).toEqual({ items: [{ ...created.body, secret: undefined }], next: null });
      expect(listed.text).not.toContain(secret);
      const shown = await t.call('GET', one, { key });
      expect(shown.text).not.toContain(secret);

      const changed = await t.call('PATCH', one, {
        key,
        body: { eventTypes: [], description: null, enabled: false },
      });
      expect(changed.body).toMatchObject({
        eventTypes: [],
        description: null,
        enabled: false,
        status: 'disabled',
        disabledReason: 'disabled by an admin',
      });
      const enabled = await t.call('PATCH', one, { key, body: { enabled: true } });
      expect(enabled.body).toMatchObject({ status: 'healthy', disabledReason: null });

      const rotated = await t.call('POST', `${one}/rotate-secret`, {
        key,
        body: { overlapHours: 1 },
      });
      expect(rotated.status, rotated.text).toBe(200);
      expect(rotated.body.secret).not.toBe(secret);
      expect(rotated.body.previousSecretExpiresAt).not.toBeNull();

      // The test event is signed with both secrets during the overlap.
      const test = await t.call('POST', `${one}/test`, { key });
      expect(test.status, test.text).toBe(200);
      expect(test.body).toMatchObject({
        trigger: 'test',
        eventType: 'webhook.test',
        success: true,
        statusCode: 204,
      });
      const sent = receiver.received.at(-1);
      for (const s of [secret, rotated.body.secret]) {
        expect(
          new Webhook(s).verify(sent?.body ?? '', sent?.headers as Record<string, string>),
        ).toBeTruthy();
      }
      const log = await t.call('GET', `${one}/deliveries?limit=1`, { key });
      expect(log.body.items).toEqual([test.body]);
      expect(log.body.next).toBe(test.body.id);
      const older = await t.call('GET', `${one}/deliveries?limit=1&before=${log.body.next}`, {
        key,
      });
      expect(older.body).toEqual({ items: [], next: null });

      // The audit trail has every change, and never a secret.
      expect(await auditActions(t, id)).toEqual(
        expect.arrayContaining([
          'webhook.create 201',
          'webhook.update 200',
          'webhook.rotate_secret 200',
          'webhook.test 200',
        ]),
      );
      const trail = await t.call('GET', `${API}/accounts/${id}/audit?limit=200`);
      expect(trail.text).not.toContain(secret);
      expect(trail.text).not.toContain(rotated.body.secret);

      expect((await t.call('DELETE', one, { key })).status).toBe(204);
      const gone = await t.call('GET', one, { key });
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('webhook.not_found');
    });

    it('refuses bad URLs and unknown event types with precise errors', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/webhooks`;
      const cases: [unknown, string, string, string][] = [
        [
          { url: 'ftp://files.example.com/x' },
          'webhook.invalid_url',
          '/url',
          "must be an http or https URL; got 'ftp'",
        ],
        [{ url: '/hooks' }, 'webhook.invalid_url', '/url', 'must be an absolute URL'],
        [
          { url: 'https://user:pw@app.example.com/' },
          'webhook.invalid_url',
          '/url',
          'must not carry a user name',
        ],
        [
          { url: 'https://app.example.com/', eventTypes: ['user.created', 'user.create'] },
          'webhook.event_type_unknown',
          '/eventTypes/1',
          "'user.create' is not an event type (did you mean user.created?)",
        ],
        [{ url: 'https://app.example.com/', secret: 'mine' }, 'request.invalid', '/secret', ''],
        [{ url: 42 }, 'request.invalid', '/url', ''],
      ];
      for (const [body, code, pointer, message] of cases) {
        const refused = await t.call('POST', base, { key, body });
        expect(refused.status, refused.text).toBe(400);
        expect(refused.body.code).toBe(code);
        expect(refused.body.errors[0].pointer).toBe(pointer);
        expect(refused.body.errors[0].message).toContain(message);
      }
      const created = await t.call('POST', base, { key, body: { url: 'http://10.0.0.5/hook' } });
      expect(created.status).toBe(201);
      const one = `${base}/${created.body.id}`;
      const overlap = await t.call('POST', `${one}/rotate-secret`, {
        key,
        body: { overlapHours: -1 },
      });
      expect(overlap.body.errors[0].pointer).toBe('/overlapHours');
      const noEvent = await t.call('POST', `${one}/redeliver`, {
        key,
        body: { eventId: 'evt_missing' },
      });
      expect(noEvent.status).toBe(404);
      expect(noEvent.body.code).toBe('webhook.event_not_found');
      const noDelivery = await t.call('POST', `${one}/deliveries/whd_missing/redeliver`, { key });
      expect(noDelivery.body.code).toBe('webhook.delivery_not_found');
      const badAnchor = await t.call('GET', `${one}/deliveries?before=whd_missing`, { key });
      expect(badAnchor.status).toBe(404);
      expect(badAnchor.body.code).toBe('webhook.delivery_not_found');
    });

    it("keeps endpoints per account: another account's key neither sees nor changes them", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      const created = await t.call('POST', `${API}/accounts/${a.id}/webhooks`, {
        key: a.key,
        body: { url: 'https://a.example.com/hook' },
      });
      const whId = created.body.id;
      // b's key on a's account: refused before anything is read.
      const crossed = await t.call('GET', `${API}/accounts/${a.id}/webhooks/${whId}`, {
        key: b.key,
      });
      expect(crossed.status).toBe(404);
      expect(crossed.text).not.toContain('a.example.com');
      // a's endpoint under b's account: not found, as if it did not exist.
      for (const [method, path] of [
        ['GET', `/webhooks/${whId}`],
        ['PATCH', `/webhooks/${whId}`],
        ['DELETE', `/webhooks/${whId}`],
        ['POST', `/webhooks/${whId}/test`],
        ['POST', `/webhooks/${whId}/rotate-secret`],
        ['GET', `/webhooks/${whId}/deliveries`],
      ] as const) {
        const response = await t.call(method, `${API}/accounts/${b.id}${path}`, {
          key: b.key,
          ...(method === 'PATCH' ? { body: { enabled: false } } : {}),
          ...(path.endsWith('rotate-secret') ? { body: {} } : {}),
        });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.code).toBe('webhook.not_found');
      }
      expect(
        (await t.call('GET', `${API}/accounts/${b.id}/webhooks`, { key: b.key })).body,
      ).toEqual({ items: [], next: null });
      expect(
        (await t.call('GET', `${API}/accounts/${a.id}/webhooks/${whId}`, { key: a.key })).body,
      ).toMatchObject({ enabled: true });
    });
  });
}
