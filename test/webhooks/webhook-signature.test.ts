/**
 * Roster's Standard Webhooks signer against the `standardwebhooks` package's verifier: current
 * secrets, both secrets during a rotation's overlap, only the new one after it, and tampering.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newWebhookSecret,
  SECRET_PREFIX,
  signedHeaders,
} from '../../src/directory/webhook-signature.ts';
import { manualClock } from '../helpers/manual-clock.ts';
import { newAccountId, openWorld, type WebhookWorld } from './webhook-kit.ts';

describe('webhook signatures', () => {
  it('are verified by the standardwebhooks package, and refused when anything changed', () => {
    const secret = newWebhookSecret();
    expect(secret.startsWith(SECRET_PREFIX)).toBe(true);
    expect(Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')).toHaveLength(32);
    const body = JSON.stringify({ type: 'user.created', timestamp: 'x', data: { ü: '✓' } });
    const headers = signedHeaders([secret], 'evt_1', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow();
    // An old timestamp is refused by receivers (replay protection), so each attempt signs anew.
    const old = signedHeaders([secret], 'evt_1', new Date(Date.now() - 10 * 60_000), body);
    expect(() => new Webhook(secret).verify(body, { ...old })).toThrow(/too old/);
  });

  it('signs with both secrets during a rotation overlap, so either verifies', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"type":"user.deactivated"}';
    const headers = signedHeaders([b, a], 'evt_9', new Date(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(a).verify(body, { ...headers })).toBeTruthy();
    expect(new Webhook(b).verify(body, { ...headers })).toBeTruthy();
  });

  describe('rotation on a store', () => {
    let world: WebhookWorld | undefined;
    const clock = manualClock(new Date().toISOString());
    beforeAll(async () => {
      world = await openWorld('sqlite', clock);
    });
    afterAll(() => world?.cleanup());

    it('keeps the previous secret signing for the overlap, then only the new one', async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      const accountId = await newAccountId(store);
      const created = await directory.webhooks.create(accountId, {
        url: 'https://app.example.com/hooks',
      });
      const rotated = await directory.webhooks.rotateSecret(accountId, created.id, 2);
      expect(rotated.secret).not.toBe(created.secret);
      expect(rotated.previousSecret).toBe(created.secret);
      const body = '{"type":"user.created"}';
      const sign = () =>
        signedHeaders(
          directory.webhookDelivery.secretsOf(rotated, clock.now()),
          'evt_1',
          new Date(),
          body,
        );
      const during = sign();
      expect(new Webhook(created.secret).verify(body, { ...during })).toBeTruthy();
      expect(new Webhook(rotated.secret).verify(body, { ...during })).toBeTruthy();
      clock.advance(2 * 3_600_000);
      const after = sign();
      expect(new Webhook(rotated.secret).verify(body, { ...after })).toBeTruthy();
      expect(() => new Webhook(created.secret).verify(body, { ...after })).toThrow(
        /No matching signature/,
      );
      // Overlap 0: the old secret stops at once.
      const immediate = await directory.webhooks.rotateSecret(accountId, created.id, 0);
      expect(immediate.previousSecret).toBeNull();
      await expect(
        directory.webhooks.rotateSecret(accountId, created.id, 24 * 8),
      ).rejects.toMatchObject({ code: 'webhook.invalid_overlap' });
    });
  });
});
