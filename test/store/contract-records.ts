/** Contract for accounts, permission sets, domains, SCIM apps, tokens and provisioning events. */
import { describe, expect, it } from 'vitest';
import type { Domain, ProvisioningEvent, ScimApp } from '../../src/directory/model.ts';
import { ConflictError } from '../../src/store/errors.ts';
import type { ProvisioningEventFilter, Store } from '../../src/store/store.ts';
import { makeAccount, newId, tick } from './fixtures.ts';

async function conflict(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConflictError);
  return (error as ConflictError).constraint;
}

export function recordsContract(store: () => Store): void {
  describe('accounts', () => {
    it('inserts, finds and lists oldest first', async () => {
      const a = makeAccount({
        name: 'First',
        ssoEnabled: false,
        createdAt: '2020-01-01T00:00:00.001Z',
      });
      const b = makeAccount({ name: 'Second', tier: 'enterprise', pricingModel: 'classic' });
      await store().accounts.insert(b);
      await store().accounts.insert(a);
      expect(await store().accounts.findById(a.id)).toEqual(a);
      expect(await store().accounts.findById(b.id)).toEqual(b);
      expect(await store().accounts.findById('missing')).toBeUndefined();
      const ids = (await store().accounts.list()).map((x) => x.id);
      expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
    });
  });

  describe('permission sets', () => {
    it('round-trips, finds the minimal set and rejects duplicate names per account', async () => {
      const account = makeAccount();
      const other = makeAccount();
      await store().accounts.insert(account);
      await store().accounts.insert(other);
      const minimal = {
        id: newId('ps'),
        accountId: account.id,
        name: 'Minimal',
        isMinimal: true,
        permissions: [],
        paidSeat: null,
        createdAt: tick(),
      };
      const admins = {
        ...minimal,
        id: newId('ps'),
        name: 'Admins',
        isMinimal: false,
        permissions: ['users:write', 'users:read'],
        paidSeat: 'sales' as const,
        createdAt: tick(),
      };
      await store().permissionSets.insert(minimal);
      await store().permissionSets.insert(admins);
      expect(await store().permissionSets.findById(account.id, admins.id)).toEqual(admins);
      expect(await store().permissionSets.findById(other.id, admins.id)).toBeUndefined();
      expect(await store().permissionSets.findMinimal(account.id)).toEqual(minimal);
      expect(await store().permissionSets.findMinimal(other.id)).toBeUndefined();
      expect(await store().permissionSets.list(account.id)).toEqual([minimal, admins]);
      // Names match exactly: another case is another set, the same name is a conflict.
      await store().permissionSets.insert({ ...admins, id: newId('ps'), name: 'admins' });
      expect(await conflict(store().permissionSets.insert({ ...admins, id: newId('ps') }))).toBe(
        'permissionSet.name',
      );
      await store().permissionSets.insert({ ...admins, id: newId('ps'), accountId: other.id });
    });
  });

  describe('domains', () => {
    it('inserts, updates, finds, lists and rejects duplicates per account', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const domain: Domain = {
        id: newId('dom'),
        accountId: account.id,
        domain: 'x.com',
        state: 'pending',
        challengeHost: '_roster.x.com',
        challengeValue: 'abc',
        lastCheckedAt: null,
        verifiedAt: null,
        failureCode: 'nxdomain',
        failureReason: 'no such name',
        checkUntil: '2030-01-01T00:00:00.000Z',
        sharingAllowed: false,
        createdAt: tick(),
      };
      await store().domains.insert(domain);
      const verified: Domain = {
        ...domain,
        state: 'verified',
        lastCheckedAt: tick(),
        verifiedAt: tick(),
        failureCode: null,
        failureReason: null,
        checkUntil: null,
      };
      expect(await store().domains.update(verified)).toBe(true);
      expect(await store().domains.find(account.id, 'x.com')).toEqual(verified);
      expect(await store().domains.find(account.id, 'y.com')).toBeUndefined();
      const second = { ...domain, id: newId('dom'), domain: 'y.com', createdAt: tick() };
      await store().domains.insert(second);
      expect(await store().domains.list(account.id)).toEqual([verified, second]);
      expect(await conflict(store().domains.insert({ ...domain, id: newId('dom') }))).toBe(
        'domain.domain',
      );
      expect(await conflict(store().domains.update({ ...second, domain: 'x.com' }))).toBe(
        'domain.domain',
      );
    });
  });

  describe('SCIM apps', () => {
    it('keeps one app per account', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const app: ScimApp = {
        id: newId('app'),
        accountId: account.id,
        uid: 'uid-1',
        name: 'Okta',
        description: 'An app',
        scimUid: 'scim',
        roleSyncEnabled: false,
        installedAt: null,
        createdAt: tick(),
        updatedAt: tick(),
        version: 1,
      };
      await store().scimApps.insert(app);
      expect(await store().scimApps.findByAccount(account.id)).toEqual(app);
      const installed = {
        ...app,
        roleSyncEnabled: true,
        installedAt: tick(),
        name: 'Entra',
        description: 'Changed',
        scimUid: 'scim-2',
        updatedAt: tick(),
        version: 2,
      };
      expect(await store().scimApps.update(installed, 1)).toBe(true);
      expect(await store().scimApps.findByAccount(account.id)).toEqual(installed);
      expect(await conflict(store().scimApps.insert({ ...app, id: newId('app') }))).toBe(
        'scimApp.account',
      );
      expect(await store().scimApps.findByAccount('missing')).toBeUndefined();
    });
  });

  describe('tokens', () => {
    it('finds by hash, lists, touches and revokes', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const token = {
        id: newId('tok'),
        accountId: account.id,
        appId: 'app',
        prefix: 'rst_abcd',
        hash: newId('hash'),
        createdAt: tick(),
        lastUsedAt: null,
        expiresAt: '2030-01-01T00:00:00.000Z',
        revokedAt: null,
      };
      const second = {
        ...token,
        id: newId('tok'),
        hash: newId('hash'),
        createdAt: tick(),
        expiresAt: null,
      };
      await store().tokens.insert(token);
      await store().tokens.insert(second);
      expect(await store().tokens.findByHash(token.hash)).toEqual(token);
      expect(await store().tokens.findByHash('nope')).toBeUndefined();
      const used = tick();
      await store().tokens.touch(token.id, used);
      const revoked = tick();
      await store().tokens.revoke(second.id, revoked);
      await store().tokens.revoke(second.id, tick());
      expect(await store().tokens.list(account.id)).toEqual([
        { ...token, lastUsedAt: used },
        { ...second, revokedAt: revoked },
      ]);
    });
  });

  describe('provisioning events', () => {
    it('lists newest first, by account, before an event, with a limit', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const at = tick();
      const event = (n: number, accountId: string | null, time = at): ProvisioningEvent => ({
        id: newId(`evt${n}`),
        accountId,
        at: time,
        idp: 'okta',
        method: 'POST',
        path: '/scim/v2/Users',
        operation: 'create user',
        userId: n % 2 ? null : 'usr',
        groupId: n === 3 ? 'grp' : null,
        status: 201,
        outcome: n === 3 ? 'failure' : 'success',
        scimType: n === 3 ? 'uniqueness' : null,
        explanation: null,
        requestBody: n === 1 ? '{"userName":"a"}' : null,
        // Whether the account was a sandbox is kept with each event, on both stores.
        sandbox: n === 2,
        // The request's id is kept with each event, on both stores (null before ids existed).
        requestId: n === 1 ? null : `req-${n}`,
        responseBody: null,
        durationMs: n + 0.25,
      });
      // Same timestamp for 1–3: insertion order breaks the tie.
      const events = [
        event(1, account.id),
        event(2, account.id),
        event(3, account.id),
        event(4, null, tick()),
        event(5, account.id, tick()),
      ];
      for (const e of events) store().log.append(e);
      const list = async (filter: ProvisioningEventFilter) => {
        const page = await store().log.list(filter);
        if (!page.ok) throw new Error(`no page: ${page.reason}`);
        return page.events;
      };
      const [e1, e2, e3, , e5] = events;
      expect(await list({ accountId: account.id, limit: 10 })).toEqual([e5, e3, e2, e1]);
      expect(await list({ accountId: account.id, limit: 2 })).toEqual([e5, e3]);
      expect(await list({ accountId: account.id, before: e3!.id, limit: 10 })).toEqual([e2, e1]);
      const all = await list({ limit: 3 });
      expect(all.map((e) => e.id)).toEqual([e5!.id, events[3]!.id, e3!.id]);
      expect(await list({ accountId: account.id, groupId: 'grp', limit: 10 })).toEqual([e3]);
      expect(await list({ accountId: account.id, userId: 'usr', limit: 10 })).toEqual([e2]);
      expect(await list({ accountId: account.id, requestId: 'req-3', limit: 10 })).toEqual([e3]);
      // The id of an event of no account is not found among the account's.
      expect(await list({ accountId: account.id, requestId: 'req-4', limit: 10 })).toEqual([]);
      expect(await store().log.findById(account.id, e2!.id)).toEqual(e2);
      expect(await store().log.findById('other-account', e2!.id)).toBeUndefined();
    });

    it('refuses an anchor that is unknown or belongs to another account', async () => {
      const mine = makeAccount();
      const theirs = makeAccount();
      await store().accounts.insert(mine);
      await store().accounts.insert(theirs);
      const base = {
        at: tick(),
        idp: 'okta',
        method: 'GET',
        path: '/scim/v2/Users',
        operation: 'list users',
        userId: null,
        groupId: null,
        status: 200,
        outcome: 'success' as const,
        scimType: null,
        explanation: null,
        requestBody: null,
        responseBody: null,
        durationMs: 1,
        sandbox: false,
        requestId: null,
      };
      const own = { ...base, id: newId('evt'), accountId: mine.id };
      const foreign = { ...base, id: newId('evt'), accountId: theirs.id };
      store().log.append(own);
      store().log.append(foreign);
      const listBefore = (accountId: string, id: string) =>
        store().log.list({ accountId, before: id, limit: 10 });
      expect(await listBefore(mine.id, own.id)).toEqual({ ok: true, events: [] });
      expect(await listBefore(mine.id, foreign.id)).toEqual({
        ok: false,
        reason: 'anchorNotFound',
      });
      expect(await listBefore(mine.id, 'unknown')).toEqual({ ok: false, reason: 'anchorNotFound' });
      expect(await listBefore(mine.id, 'nul\u0000')).toEqual({
        ok: false,
        reason: 'anchorNotFound',
      });
    });

    it('prunes events older than a time, and only those', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const old = tick();
      const cut = tick();
      const recent = tick();
      const event = (at: string) => ({
        id: newId('evt'),
        accountId: account.id,
        at,
        idp: 'okta',
        method: 'GET',
        path: '/scim/v2/Users',
        operation: 'list users',
        userId: null,
        groupId: null,
        status: 200,
        outcome: 'success' as const,
        scimType: null,
        explanation: null,
        requestBody: null,
        responseBody: null,
        durationMs: 1,
        sandbox: false,
        requestId: null,
      });
      const kept = event(recent);
      for (let i = 0; i < 12; i++) store().log.append(event(old));
      store().log.append(kept);
      // Every account's events before the cut go (earlier tests of this store left some too).
      expect(await store().log.prune(cut)).toBeGreaterThanOrEqual(12);
      const page = await store().log.list({ accountId: account.id, limit: 50 });
      expect(page).toEqual({ ok: true, events: [kept] });
      expect(await store().log.prune(cut)).toBe(0);
    });

    it('idpActivity: per IdP its last request, counts since a time and its last failure', async () => {
      const account = makeAccount();
      const other = makeAccount();
      await store().accounts.insert(account);
      await store().accounts.insert(other);
      const event = (
        accountId: string,
        idp: string,
        at: string,
        outcome: 'success' | 'failure' | 'warning',
      ): ProvisioningEvent => ({
        id: newId('evt'),
        accountId,
        at,
        idp,
        method: 'POST',
        path: '/scim/v2/Users',
        operation: 'create user',
        userId: null,
        groupId: null,
        status: outcome === 'failure' ? 400 : 201,
        outcome,
        scimType: outcome === 'failure' ? 'invalidValue' : null,
        explanation: outcome === 'failure' ? `failed at ${at}` : null,
        requestBody: null,
        responseBody: null,
        durationMs: 1,
        sandbox: false,
        requestId: null,
      });
      const oldFailure = tick();
      const since = tick();
      const t1 = tick();
      const t2 = tick();
      const t3 = tick();
      const events = [
        event(account.id, 'okta', oldFailure, 'failure'),
        event(account.id, 'okta', t1, 'success'),
        event(account.id, 'okta', t2, 'warning'),
        event(account.id, 'entra', oldFailure, 'success'),
        event(account.id, 'entra', t3, 'failure'),
        event(account.id, 'entra', t3, 'failure'),
        // Another account's requests never count.
        event(other.id, 'okta', t3, 'failure'),
        event(other.id, 'google', t3, 'success'),
      ];
      for (const e of events) store().log.append(e);
      const activity = await store().log.idpActivity(account.id, since);
      expect(activity.map((a) => a.idp)).toEqual(['entra', 'okta']);
      const [entra, okta] = activity;
      expect(entra).toMatchObject({ lastAt: t3, requests: 2, failures: 2, warnings: 0 });
      expect(entra?.lastFailure?.id).toBe(events[5]?.id);
      // okta's failure is older than `since`: not counted, still its last failure.
      expect(okta).toMatchObject({ lastAt: t2, requests: 2, failures: 0, warnings: 1 });
      expect(okta?.lastFailure).toEqual(events[0]);
      expect(await store().log.idpActivity(makeAccount().id, since)).toEqual([]);
    });

    it('counts failed authentications per minute and key, adding up repeated counts', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const minute = '2026-12-04T17:03:00.000Z';
      const later = '2026-12-04T17:04:00.000Z';
      const key = {
        accountId: account.id,
        tokenPrefix: 'roster_a',
        reason: 'revoked' as const,
        idp: 'okta',
        source: '10.0.0.1',
      };
      store().log.appendAuthFailures([
        { ...key, minute, count: 2 },
        { ...key, accountId: null, tokenPrefix: null, reason: 'unknown', minute, count: 1 },
      ]);
      store().log.appendAuthFailures([
        { ...key, minute, count: 3 },
        { ...key, minute: later, count: 1 },
      ]);
      expect(await store().log.listAuthFailures({ accountId: account.id, limit: 10 })).toEqual([
        { ...key, minute: later, count: 1 },
        { ...key, minute, count: 5 },
      ]);
      const all = await store().log.listAuthFailures({ limit: 10, from: minute, to: later });
      expect(all).toEqual([
        { ...key, minute, count: 5 },
        { ...key, accountId: null, tokenPrefix: null, reason: 'unknown', minute, count: 1 },
      ]);
    });
  });
}
