/**
 * Domains over HTTP against a real DNS server on loopback: add answers the TXT record to
 * publish, verify looks it up on demand and says verified or exactly why not, and another
 * account's domains are unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type DnsServer, startDnsServer } from '../helpers/dns-server.ts';
import {
  type AdminTestApp,
  API,
  auditActions,
  createAdminTestApp,
  newAccount,
  unique,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API domains (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let dns: DnsServer;
    beforeAll(async () => {
      dns = await startDnsServer();
      t = await createAdminTestApp(kind, {
        env: { ROSTER_DNS_RESOLVER: dns.address, ROSTER_DNS_TIMEOUT_MS: '500' },
      });
    });
    afterAll(async () => {
      await t?.cleanup();
      await dns.close();
    });

    it('adds a domain with its TXT record, verifies it once published, and removes it', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const name = `${unique('acme')}.test`.toLowerCase();
      const base = `${API}/accounts/${id}/domains`;

      const added = await t.call('POST', base, { key, body: { domain: name.toUpperCase() } });
      expect(added.status).toBe(201);
      expect(added.headers.get('location')).toBe(`${base}/${name}`);
      expect(added.body).toMatchObject({
        domain: name,
        state: 'pending',
        txtRecord: { type: 'TXT', host: `_roster-challenge.${name}` },
        verifiedAt: null,
        failureCode: null,
      });
      const { host, value } = added.body.txtRecord;
      expect(value).toMatch(/^roster-domain-verification=[A-Za-z0-9_-]{32}$/);

      const again = await t.call('POST', base, { key, body: { domain: name } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('domain.exists');
      expect(again.body.detail).toContain(value);

      // The domain exists in DNS, the challenge name does not yet.
      dns.setTxt(name, []);
      const early = await t.call('POST', `${base}/${name}/verify`, { key });
      expect(early.status).toBe(200);
      expect(early.body).toMatchObject({ verified: false, outcome: 'nxdomain' });
      expect(early.body.reason).toBe(
        `${host} does not exist in DNS (NXDOMAIN); publish a TXT record at ${host} with the value ${JSON.stringify(value)}`,
      );
      expect(early.body.domain).toMatchObject({ state: 'pending', failureCode: 'nxdomain' });

      dns.setTxt(host, ['roster-domain-verification=typo']);
      const wrong = await t.call('POST', `${base}/${name}/verify`, { key });
      expect(wrong.body).toMatchObject({ verified: false, outcome: 'wrong_value' });
      expect(wrong.body.reason).toContain('"roster-domain-verification=typo"');
      expect(wrong.body.reason).toContain(`expected ${JSON.stringify(value)}`);

      dns.setTxt(host, [value]);
      const verified = await t.call('POST', `${base}/${name}/verify`, { key });
      expect(verified.body).toMatchObject({ verified: true, outcome: 'verified', reason: null });
      expect(verified.body.domain.state).toBe('verified');
      expect(verified.body.domain.verifiedAt).not.toBeNull();

      const got = await t.call('GET', `${base}/${name}`, { key });
      expect(got.body).toEqual(verified.body.domain);
      const list = await t.call('GET', base, { key });
      expect(list.body.items.map((d: { domain: string }) => d.domain)).toEqual([name]);

      expect((await t.call('DELETE', `${base}/${name}`, { key })).status).toBe(204);
      const gone = await t.call('GET', `${base}/${name}`, { key });
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('domain.not_found');
      expect((await t.call('DELETE', `${base}/${name}`, { key })).status).toBe(404);

      expect(await auditActions(t, id)).toEqual(
        expect.arrayContaining([
          'domain.add 201',
          'domain.add 409',
          'domain.verify 200',
          'domain.remove 204',
          'domain.remove 404',
        ]),
      );
    });

    it('says a misspelt domain does not exist, and times out on a silent resolver', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/domains`;
      const name = `${unique('nowhere')}.test`.toLowerCase();
      await t.call('POST', base, { key, body: { domain: name } });
      const missing = await t.call('POST', `${base}/${name}/verify`, { key });
      expect(missing.body.reason).toBe(
        `the domain ${name} does not exist in DNS (NXDOMAIN); check its spelling`,
      );
      dns.mode = 'silent';
      try {
        const slow = await t.call('POST', `${base}/${name}/verify`, { key });
        expect(slow.body).toMatchObject({ verified: false, outcome: 'timeout' });
        expect(slow.body.domain.state).toBe('pending');
      } finally {
        dns.mode = 'answer';
      }
    });

    it('refuses names that are not domains with a precise 400', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/domains`;
      for (const domain of ['not a domain', 'localhost', 'a..b.test']) {
        const response = await t.call('POST', base, { key, body: { domain } });
        expect(response.status, domain).toBe(400);
        expect(response.body.code).toBe('domain.invalid_name');
      }
      const empty = await t.call('POST', base, { key, body: { domain: '' } });
      expect(empty.body.code).toBe('request.invalid');
      const verifyBad = await t.call('POST', `${base}/not..valid/verify`, { key });
      expect(verifyBad.status).toBe(400);
    });

    it("never reaches another account's domain", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      const name = `${unique('theirs')}.test`.toLowerCase();
      await t.call('POST', `${API}/accounts/${b.id}/domains`, {
        key: b.key,
        body: { domain: name },
      });
      // With b's account in the path but a's key: the account looks missing.
      for (const [method, path] of [
        ['GET', `/domains/${name}`],
        ['POST', `/domains/${name}/verify`],
        ['DELETE', `/domains/${name}`],
        ['GET', '/domains'],
      ] as const) {
        const response = await t.call(method, `${API}/accounts/${b.id}${path}`, { key: a.key });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.code).toBe('account.not_found');
        // In a's own account, b's domain does not exist.
        if (path !== '/domains') {
          const own = await t.call(method, `${API}/accounts/${a.id}${path}`, { key: a.key });
          expect(own.status).toBe(404);
          expect(own.body.code).toBe('domain.not_found');
        }
      }
      // a may add the same name to its own account; b's stays untouched.
      const mine = await t.call('POST', `${API}/accounts/${a.id}/domains`, {
        key: a.key,
        body: { domain: name },
      });
      expect(mine.status).toBe(201);
      const theirs = await t.call('GET', `${API}/accounts/${b.id}/domains/${name}`, { key: b.key });
      expect(theirs.status).toBe(200);
      expect(theirs.body.txtRecord.value).not.toBe(mine.body.txtRecord.value);
    });

    it('a domain another account verified first is reported claimed; only the operator lets an account share it', async (ctx) => {
      if (!t) return ctx.skip();
      const first = await newAccount(t);
      const second = await newAccount(t);
      const name = `${unique('claim')}.test`.toLowerCase();
      dns.setTxt(name, []);
      const path = (id: string) => `${API}/accounts/${id}/domains`;
      const mine = await t.call('POST', path(first.id), { key: first.key, body: { domain: name } });
      // Adding it is allowed; its checks say why it does not verify.
      const theirs = await t.call('POST', path(second.id), {
        key: second.key,
        body: { domain: name },
      });
      expect(theirs.status).toBe(201);
      expect(theirs.body.sharingAllowed).toBe(false);
      dns.setTxt(mine.body.txtRecord.host, [
        mine.body.txtRecord.value,
        theirs.body.txtRecord.value,
      ]);
      const won = await t.call('POST', `${path(first.id)}/${name}/verify`, { key: first.key });
      expect(won.body.outcome).toBe('verified');
      const claimed = await t.call('POST', `${path(second.id)}/${name}/verify`, {
        key: second.key,
      });
      expect(claimed.status).toBe(200);
      expect(claimed.body).toMatchObject({
        verified: false,
        outcome: 'claimed',
        domain: { state: 'pending', failureCode: 'claimed' },
      });
      expect(claimed.body.reason).toMatch(/^domain claimed by another account/);

      // The account's own key cannot allow sharing: that is the operator's.
      const denied = await t.call('PATCH', `${path(second.id)}/${name}`, {
        key: second.key,
        body: { sharingAllowed: true },
      });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('auth.operator_only');
      const allowed = await t.call('PATCH', `${path(second.id)}/${name}`, {
        body: { sharingAllowed: true },
      });
      expect(allowed.status).toBe(200);
      expect(allowed.body.sharingAllowed).toBe(true);
      const shared = await t.call('POST', `${path(second.id)}/${name}/verify`, {
        key: second.key,
      });
      expect(shared.body.outcome).toBe('verified');
      const revoke = await t.call('PATCH', `${path(second.id)}/${name}`, {
        body: { sharingAllowed: false },
      });
      expect(revoke.status).toBe(409);
      expect(revoke.body.code).toBe('domain.claimed');
      expect((await auditActions(t, second.id)).slice(0, 3)).toEqual([
        'domain.update 409',
        'domain.verify 200',
        'domain.update 200',
      ]);
    });
  });
}
