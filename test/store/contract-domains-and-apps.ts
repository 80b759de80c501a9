/**
 * Contract for the writes domain verification and the SCIM app lifecycle rely on: compare-and-set
 * on domains and apps (concurrent checks, installs and rotations must not both win), the scan of
 * pending domains, and token expiry and revocation scoped to one account.
 */
import { describe, expect, it } from 'vitest';
import type { AccessToken, Domain, ScimApp } from '../../src/directory/model.ts';
import { ConflictError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, newId, tick } from './fixtures.ts';

function makeDomain(accountId: string, overrides: Partial<Domain> = {}): Domain {
  const name = `${newId('d').slice(2, 14).toLowerCase()}.example`;
  return {
    id: newId('dom'),
    accountId,
    domain: name,
    state: 'pending',
    challengeHost: `_roster-challenge.${name}`,
    challengeValue: 'value',
    lastCheckedAt: null,
    verifiedAt: null,
    failureCode: null,
    failureReason: null,
    checkUntil: '2030-01-01T00:00:00.000Z',
    sharingAllowed: false,
    createdAt: tick(),
    ...overrides,
  };
}

function makeApp(accountId: string): ScimApp {
  const at = tick();
  return {
    id: newId('app'),
    accountId,
    uid: 'scim-app',
    name: 'scim app',
    description: '',
    scimUid: 'scim',
    roleSyncEnabled: false,
    installedAt: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

function makeToken(accountId: string, appId: string, overrides: Partial<AccessToken> = {}) {
  return {
    id: newId('tok'),
    accountId,
    appId,
    prefix: 'roster_abcdef',
    hash: newId('hash'),
    createdAt: tick(),
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  } satisfies AccessToken;
}

export function domainsAndAppsContract(store: () => Store): void {
  describe('domain checks', () => {
    it('update with an expected state and check time writes only over that version', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const pending = makeDomain(account.id);
      await store().domains.insert(pending);
      const checkedAt = tick();
      const verified: Domain = {
        ...pending,
        state: 'verified',
        lastCheckedAt: checkedAt,
        verifiedAt: checkedAt,
        checkUntil: null,
      };
      const stale: Domain = {
        ...pending,
        lastCheckedAt: tick(),
        failureCode: 'no_record',
        failureReason: 'none',
      };
      // Two checks read the same pending record; the first to write wins, the second loses.
      const expected = { state: pending.state, lastCheckedAt: pending.lastCheckedAt };
      expect(await store().domains.update(verified, expected)).toBe(true);
      expect(await store().domains.update(stale, expected)).toBe(false);
      expect(await store().domains.find(account.id, pending.domain)).toEqual(verified);
      expect(
        await store().domains.update(
          { ...verified, failureReason: 'x' },
          { state: 'verified', lastCheckedAt: checkedAt },
        ),
      ).toBe(true);
    });

    it('racing compare-and-set updates: exactly one wins', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const pending = makeDomain(account.id);
      await store().domains.insert(pending);
      const expected = { state: pending.state, lastCheckedAt: pending.lastCheckedAt };
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store().transaction((session) =>
            session.domains.update(
              { ...pending, lastCheckedAt: tick(), failureReason: `check ${i}` },
              expected,
            ),
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lists domains of every account by state, never-checked first, then oldest check', async () => {
      const a = makeAccount();
      const b = makeAccount();
      await store().accounts.insert(a);
      await store().accounts.insert(b);
      const old = makeDomain(a.id, { lastCheckedAt: '2000-01-01T00:00:00.000Z' });
      const never = makeDomain(b.id);
      const recent = makeDomain(b.id, { lastCheckedAt: '2000-01-02T00:00:00.000Z' });
      const verified = makeDomain(a.id, { state: 'verified', lastCheckedAt: null });
      for (const d of [recent, verified, old, never]) await store().domains.insert(d);
      const pending = (await store().domains.listByState('pending', 1000)).map((d) => d.id);
      const mine = pending.filter((id) => [old.id, never.id, recent.id].includes(id));
      expect(mine).toEqual([never.id, old.id, recent.id]);
      expect(pending).not.toContain(verified.id);
      expect((await store().domains.listByState('verified', 1000)).map((d) => d.id)).toContain(
        verified.id,
      );
      expect(await store().domains.listByState('pending', 1)).toHaveLength(1);
    });

    it('deletes one account’s record of a domain only', async () => {
      const a = makeAccount();
      const b = makeAccount();
      await store().accounts.insert(a);
      await store().accounts.insert(b);
      const mine = makeDomain(a.id);
      const theirs = { ...mine, id: newId('dom'), accountId: b.id };
      await store().domains.insert(mine);
      await store().domains.insert(theirs);
      expect(await store().domains.delete(a.id, mine.domain)).toBe(true);
      expect(await store().domains.delete(a.id, mine.domain)).toBe(false);
      expect(await store().domains.find(a.id, mine.domain)).toBeUndefined();
      expect(await store().domains.find(b.id, mine.domain)).toEqual(theirs);
    });
  });

  describe('one account per verified domain', () => {
    it('a second account’s record of a verified domain cannot become verified (ConflictError), unless it may share', async () => {
      const [a, b, c] = [makeAccount(), makeAccount(), makeAccount()];
      for (const account of [a, b, c]) await store().accounts.insert(account);
      const first = makeDomain(a.id);
      const second = { ...makeDomain(b.id), domain: first.domain };
      const third = { ...makeDomain(c.id), domain: first.domain };
      for (const d of [first, second, third]) await store().domains.insert(d);
      const verified = (d: Domain): Domain => ({
        ...d,
        state: 'verified',
        lastCheckedAt: tick(),
        verifiedAt: tick(),
        checkUntil: null,
      });
      expect(await store().domains.update(verified(first))).toBe(true);
      const refused = await store()
        .domains.update(verified(second), { state: 'pending', lastCheckedAt: null })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).toBeInstanceOf(ConflictError);
      expect((refused as ConflictError).constraint).toBe('domain.claimed');
      expect((await store().domains.find(b.id, first.domain))?.state).toBe('pending');
      // Pending and failed records of the same domain are any number; a shared one may verify.
      expect(await store().domains.update({ ...third, state: 'failed' })).toBe(true);
      const shared = { ...verified(second), sharingAllowed: true };
      expect(await store().domains.update(shared)).toBe(true);
      expect(await store().domains.find(b.id, first.domain)).toEqual(shared);
      expect((await store().domains.listVerified(first.domain)).map((d) => d.accountId)).toEqual([
        a.id,
        b.id,
      ]);
      // The same unique index in a transaction racing others: one wins.
      const name = makeDomain(a.id).domain;
      const racers = [a, b, c].map((account) => ({ ...makeDomain(account.id), domain: name }));
      for (const d of racers) await store().domains.insert(d);
      const results = await Promise.allSettled(
        racers.map((d) => store().transaction((session) => session.domains.update(verified(d)))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store().domains.listVerified(name)).toHaveLength(1);
      // Deleting the holder's record frees the domain for the next to verify.
      const [holder] = await store().domains.listVerified(name);
      await store().domains.delete(holder!.accountId, name);
      const next = racers.find((d) => d.accountId !== holder!.accountId)!;
      expect(await store().domains.update(verified(next))).toBe(true);
    });
  });

  describe('SCIM app writes', () => {
    it('update is compare-and-set on version; racing installs: exactly one wins', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const app = makeApp(account.id);
      await store().scimApps.insert(app);
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          store().transaction(async (session) => {
            const current = await session.scimApps.findByAccount(account.id);
            if (!current) throw new Error('app vanished');
            const next = { ...current, installedAt: tick(), version: current.version + 1 };
            return session.scimApps.update(next, current.version);
          }),
        ),
      );
      // SQLite runs the transactions one after another (each sees the last one's version), so
      // all may succeed in turn; what must never happen is two writes from one version.
      const final = await store().scimApps.findByAccount(account.id);
      expect(final?.version).toBe(1 + results.filter(Boolean).length);
      expect(await store().scimApps.update({ ...app, name: 'late' }, 1)).toBe(false);
      expect((await store().scimApps.findByAccount(account.id))?.name).toBe(app.name);
    });

    it('deletes only the account’s own app', async () => {
      const account = makeAccount();
      const other = makeAccount();
      await store().accounts.insert(account);
      await store().accounts.insert(other);
      const app = makeApp(account.id);
      await store().scimApps.insert(app);
      expect(await store().scimApps.delete(other.id, app.id)).toBe(false);
      expect(await store().scimApps.findByAccount(account.id)).toEqual(app);
      expect(await store().scimApps.delete(account.id, app.id)).toBe(true);
      expect(await store().scimApps.findByAccount(account.id)).toBeUndefined();
      // The account may then have a new app.
      await store().scimApps.insert(makeApp(account.id));
    });
  });

  describe('token lifecycle writes', () => {
    it('finds by id within the account only', async () => {
      const account = makeAccount();
      const other = makeAccount();
      await store().accounts.insert(account);
      await store().accounts.insert(other);
      const token = makeToken(account.id, 'app');
      await store().tokens.insert(token);
      expect(await store().tokens.findById(account.id, token.id)).toEqual(token);
      expect(await store().tokens.findById(other.id, token.id)).toBeUndefined();
      expect(await store().tokens.findById(account.id, 'nope\u0000')).toBeUndefined();
    });

    it('expire sets an expiry, never extends one, and skips revoked tokens', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const live = makeToken(account.id, 'app');
      const soon = makeToken(account.id, 'app', { expiresAt: '2026-06-01T00:00:00.000Z' });
      const revoked = makeToken(account.id, 'app', { revokedAt: '2026-01-01T00:00:00.000Z' });
      for (const t of [live, soon, revoked]) await store().tokens.insert(t);
      const at = '2026-07-01T00:00:00.000Z';
      expect(await store().tokens.expire(account.id, live.id, at)).toBe(true);
      expect(await store().tokens.expire(account.id, soon.id, at)).toBe(false);
      expect(await store().tokens.expire(account.id, revoked.id, at)).toBe(false);
      expect(await store().tokens.expire('other', live.id, '2026-05-01T00:00:00.000Z')).toBe(false);
      expect(await store().tokens.list(account.id)).toEqual([
        { ...live, expiresAt: at },
        soon,
        revoked,
      ]);
    });

    it('revokes every unrevoked token of one app, keeping earlier revocation times', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const a = makeToken(account.id, 'app-a');
      const b = makeToken(account.id, 'app-a', { revokedAt: '2026-01-01T00:00:00.000Z' });
      const c = makeToken(account.id, 'app-b');
      for (const t of [a, b, c]) await store().tokens.insert(t);
      const at = tick();
      expect(await store().tokens.revokeAllForApp('other', 'app-a', at)).toEqual([]);
      expect(await store().tokens.revokeAllForApp(account.id, 'app-a', at)).toEqual([a.id]);
      expect(await store().tokens.list(account.id)).toEqual([{ ...a, revokedAt: at }, b, c]);
    });
  });
}
