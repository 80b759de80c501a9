/**
 * The SCIM app lifecycle on SQLite and PostgreSQL: upload (one app per account, re-upload
 * updates), install (plan and SSO prerequisites), tokens bound to the installation (list,
 * rotate with overlap, revoke, uninstall) as SCIM bearer authentication sees them, and
 * concurrent installs and rotations.
 */

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NewAccount } from '../../src/directory/accounts.ts';
import { createDirectory, type Directory } from '../../src/directory/directory.ts';
import { DirectoryError } from '../../src/directory/errors.ts';
import { SYSTEM_ACTOR } from '../../src/directory/events.ts';
import type { ProjectFiles } from '../../src/directory/scim-app-project/project-files.ts';
import { scimAppProjectTemplate } from '../../src/directory/scim-app-project/project-template.ts';
import { TOKEN_CACHE_MS } from '../../src/directory/tokens.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { HOUR_MS, type ManualClock, manualClock } from '../helpers/manual-clock.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const BASE = 'https://roster.example.test/';

async function directoryError(promise: Promise<unknown>): Promise<DirectoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  return error as DirectoryError;
}

/** The template project for `name`, optionally with role sync on. */
function project(name = 'scim-app', roleSyncEnabled = false): ProjectFiles {
  const result = scimAppProjectTemplate({ name });
  if (!result.ok) throw new Error(result.error);
  const [app, scim] = result.value;
  return {
    'app-hsmeta.json': app?.contents,
    'scim/scim-hsmeta.json': scim?.contents.replace('false', String(roleSyncEnabled)),
  };
}

describe.each(STORE_KINDS)('SCIM app lifecycle (%s)', (kind) => {
  let opened: TestStore | undefined;
  let clock: ManualClock;
  let directory: Directory;

  beforeAll(async () => {
    opened = await openTestStore(kind);
    clock = manualClock();
    if (opened) directory = createDirectory({ store: opened.store, clock });
  });
  afterAll(async () => {
    await opened?.cleanup();
  });

  const account = async (overrides: Partial<NewAccount> = {}) =>
    (
      await directory.accounts.create({
        name: 'Acme',
        tier: 'professional',
        pricingModel: 'seats',
        ssoEnabled: true,
        ...overrides,
      })
    ).id;

  async function installed(): Promise<{ accountId: string; token: string; tokenId: string }> {
    const accountId = await account();
    await directory.scimApps.upload(accountId, project());
    const { issued } = await directory.scimApps.install(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
    });
    return { accountId, token: issued.token, tokenId: issued.record.id };
  }

  it('uploads a project, updates it on re-upload, and refuses a second app', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const accountId = await account();
    const first = await directory.scimApps.upload(accountId, project());
    expect(first).toMatchObject({
      created: true,
      changes: [],
      app: {
        accountId,
        uid: 'scim-app',
        name: 'scim app',
        scimUid: 'scim',
        roleSyncEnabled: false,
        installedAt: null,
        version: 1,
      },
    });
    expect(await directory.scimApps.find(accountId)).toEqual(first.app);
    const same = await directory.scimApps.upload(accountId, project());
    expect(same).toEqual({ app: first.app, created: false, changes: [] });
    clock.advance(1000);
    const roleSync = await directory.scimApps.upload(accountId, project('scim-app', true));
    expect(roleSync.changes).toEqual(['roleSyncEnabled: false → true']);
    expect(roleSync.app).toMatchObject({ id: first.app.id, roleSyncEnabled: true, version: 2 });
    expect((await directory.scimApps.find(accountId))?.roleSyncEnabled).toBe(true);

    const second = await directoryError(directory.scimApps.upload(accountId, project('other-app')));
    expect(second.code).toBe('scim_app.limit_reached');
    expect(second.message).toContain("this account already has a SCIM app, 'scim-app'");
    expect(second.message).toContain('only one');
    expect((await directory.scimApps.find(accountId))?.uid).toBe('scim-app');
  });

  it('refuses an invalid project with every problem in the error details', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const accountId = await account();
    const error = await directoryError(
      directory.scimApps.upload(accountId, {
        'app-hsmeta.json': '{"uid": "x", "type": "app",}',
        'scim/scim-hsmeta.json':
          '{"uid": "scim", "type": "scim", "config": {"roleSyncEnabled": 1}}',
      }),
    );
    expect(error.code).toBe('scim_app.invalid_project');
    expect(error.details).toEqual([
      "app-hsmeta.json:1:28: invalid JSON: expected another property (remove the trailing comma), found '}'",
      'scim/scim-hsmeta.json: $.config.roleSyncEnabled: expected a boolean (true or false), found a number (1)',
    ]);
    expect(error.message).toContain('the project has 2 problems');
    expect(await directory.scimApps.find(accountId)).toBeUndefined();
  });

  it('racing first uploads of different apps: one is stored, the other refused clearly', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const accountId = await account();
    const racers = ['app-a', 'app-b', 'app-c', 'app-d'].map((name) =>
      createDirectory({ store: opened!.store, clock }).scimApps.upload(accountId, project(name)),
    );
    const results = await Promise.allSettled(racers);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected')
        expect((r.reason as DirectoryError).code).toBe('scim_app.limit_reached');
    }
  });

  it('install needs the professional or enterprise plan and SSO, and names what is missing', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const starter = await account({ tier: 'starter' });
    await directory.scimApps.upload(starter, project());
    const tier = await directoryError(
      directory.scimApps.install(starter, { actor: SYSTEM_ACTOR, publicBase: BASE }),
    );
    expect(tier.code).toBe('scim_app.prerequisite_missing');
    expect(tier.message).toBe(
      'the SCIM app cannot be installed: the account is on the starter plan; SCIM needs the professional or enterprise plan',
    );
    const noSso = await account({ tier: 'enterprise', ssoEnabled: false });
    await directory.scimApps.upload(noSso, project());
    const sso = await directoryError(
      directory.scimApps.install(noSso, { actor: SYSTEM_ACTOR, publicBase: BASE }),
    );
    expect(sso.details).toEqual([
      'single sign-on (SSO) is not enabled for the account; SCIM needs it',
    ]);
    const neither = await account({ tier: 'starter', ssoEnabled: false });
    await directory.scimApps.upload(neither, project());
    expect(
      (
        await directoryError(
          directory.scimApps.install(neither, { actor: SYSTEM_ACTOR, publicBase: BASE }),
        )
      ).details,
    ).toHaveLength(2);
    const noApp = await account();
    const missing = await directoryError(
      directory.scimApps.install(noApp, { actor: SYSTEM_ACTOR, publicBase: BASE }),
    );
    expect(missing.code).toBe('scim_app.not_found');
    expect(await directory.store.tokens.list(starter)).toEqual([]);
  });

  it('install issues a token for the app, not a person, with the tenant URLs', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const accountId = await account();
    const { app } = await directory.scimApps.upload(accountId, project());
    const result = await directory.scimApps.install(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
    });
    expect(result.app).toMatchObject({ installedAt: clock.now(), version: 2 });
    expect(result.issued).toMatchObject({
      tenantUrl: 'https://roster.example.test/scim/v2',
      entraTenantUrl: 'https://roster.example.test/scim/v2?aadOptscim062020',
      record: { state: 'active', expiresAt: null, lastUsedAt: null, revokedAt: null },
    });
    expect(result.issued.token.startsWith(`roster_${result.issued.record.prefix}`)).toBe(true);
    expect(result.issued.record.prefix).toHaveLength(8);
    expect(result.warnings).toEqual([expect.stringContaining('no domain is verified')]);
    expect(await directory.tokens.authenticate(result.issued.token)).toEqual({
      accountId,
      tokenId: result.issued.record.id,
      appId: app.id,
    });
    const [stored] = await directory.store.tokens.list(accountId);
    expect(stored).toMatchObject({ appId: app.id });
    expect(stored?.hash).not.toContain(result.issued.token);
    expect(JSON.stringify(await directory.scimApps.listTokens(accountId))).not.toContain(
      result.issued.token.slice(20),
    );
    const again = await directoryError(
      directory.scimApps.install(accountId, { actor: SYSTEM_ACTOR, publicBase: BASE }),
    );
    expect(again.code).toBe('scim_app.already_installed');
  });

  it('racing installs: one installation and one token', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const accountId = await account();
    await directory.scimApps.upload(accountId, project());
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        createDirectory({ store: opened!.store, clock }).scimApps.install(accountId, {
          actor: SYSTEM_ACTOR,
          publicBase: BASE,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect((r.reason as DirectoryError).code).toBe('scim_app.already_installed');
      }
    }
    expect(await directory.store.tokens.list(accountId)).toHaveLength(1);
  });

  it('rotation: the old token keeps working for the overlap (24 h by default), then is refused', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { accountId, token: old, tokenId } = await installed();
    const rotatedAt = clock.now();
    const { issued, replaced } = await directory.scimApps.rotateToken(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
    });
    const until = new Date(Date.parse(rotatedAt) + 24 * HOUR_MS).toISOString();
    expect(replaced).toEqual([
      expect.objectContaining({ id: tokenId, state: 'expiring', expiresAt: until }),
    ]);
    expect(issued.tenantUrl).toBe('https://roster.example.test/scim/v2');
    expect(await directory.tokens.authenticate(old)).toMatchObject({ accountId });
    expect(await directory.tokens.authenticate(issued.token)).toMatchObject({ accountId });
    clock.advance(24 * HOUR_MS);
    expect(await directory.tokens.authenticate(old)).toBeUndefined();
    expect(await directory.tokens.authenticate(issued.token)).toMatchObject({ accountId });
    const states = Object.fromEntries(
      (await directory.scimApps.listTokens(accountId)).map((t) => [t.id, t.state]),
    );
    expect(states).toEqual({ [tokenId]: 'expired', [issued.record.id]: 'active' });
    const expiredAgain = await directoryError(
      directory.scimApps.rotateToken(accountId, { actor: SYSTEM_ACTOR, publicBase: BASE, tokenId }),
    );
    expect(expiredAgain.code).toBe('token.not_active');
  });

  it('rotation with a chosen overlap; 0 ends the old token now; bad overlaps are refused', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { accountId, token: old, tokenId } = await installed();
    const { issued, replaced } = await directory.scimApps.rotateToken(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
      tokenId,
      overlapSeconds: 600,
    });
    expect(replaced[0]?.expiresAt).toBe(new Date(Date.parse(clock.now()) + 600_000).toISOString());
    clock.advance(599_000);
    expect(await directory.tokens.authenticate(old)).toBeDefined();
    const twice = await directoryError(
      directory.scimApps.rotateToken(accountId, { actor: SYSTEM_ACTOR, publicBase: BASE, tokenId }),
    );
    expect(twice.code).toBe('token.not_active');
    expect(twice.message).toContain('was already rotated and expires at');
    const now = await directory.scimApps.rotateToken(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
      tokenId: issued.record.id,
      overlapSeconds: 0,
    });
    expect(await directory.tokens.authenticate(issued.token)).toBeUndefined();
    expect(await directory.tokens.authenticate(now.issued.token)).toBeDefined();
    // After revoking the only active token, rotating issues a fresh one and replaces nothing.
    await directory.scimApps.revokeToken(accountId, now.issued.record.id, { actor: SYSTEM_ACTOR });
    const fresh = await directory.scimApps.rotateToken(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
    });
    expect(fresh.replaced).toEqual([]);
    expect(await directory.tokens.authenticate(fresh.issued.token)).toBeDefined();
    for (const overlapSeconds of [-1, 1.5, 31 * 24 * 3600]) {
      const error = await directoryError(
        directory.scimApps.rotateToken(accountId, {
          actor: SYSTEM_ACTOR,
          publicBase: BASE,
          overlapSeconds,
        }),
      );
      expect(error.code).toBe('token.invalid_overlap');
    }
  });

  it('racing rotations leave exactly one token without an expiry', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { accountId } = await installed();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        createDirectory({ store: opened!.store, clock }).scimApps.rotateToken(accountId, {
          actor: SYSTEM_ACTOR,
          publicBase: BASE,
        }),
      ),
    );
    const tokens = await directory.scimApps.listTokens(accountId);
    expect(tokens).toHaveLength(6);
    expect(tokens.filter((t) => t.state === 'active')).toHaveLength(1);
    expect(tokens.filter((t) => t.state === 'expiring')).toHaveLength(5);
    // Every rotation's caller got a token that works now.
    for (const { issued } of results) {
      expect(await directory.tokens.authenticate(issued.token)).toMatchObject({ accountId });
    }
  });

  it('revoke refuses the token at once here, and on other instances within the cache bound', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { accountId, token, tokenId } = await installed();
    const otherInstance = createDirectory({ store: opened.store, clock });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      expect(await otherInstance.tokens.authenticate(token)).toBeDefined();
      const revoked = await directory.scimApps.revokeToken(accountId, tokenId, {
        actor: SYSTEM_ACTOR,
      });
      expect(revoked).toMatchObject({ id: tokenId, state: 'revoked', revokedAt: clock.now() });
      expect(await directory.tokens.authenticate(token)).toBeUndefined();
      vi.setSystemTime(Date.now() + TOKEN_CACHE_MS + 1);
      expect(await otherInstance.tokens.authenticate(token)).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
    // Idempotent, and never across accounts.
    expect(
      (await directory.scimApps.revokeToken(accountId, tokenId, { actor: SYSTEM_ACTOR })).revokedAt,
    ).toBe(clock.now());
    const other = await account();
    expect(
      (
        await directoryError(
          directory.scimApps.revokeToken(other, tokenId, { actor: SYSTEM_ACTOR }),
        )
      ).code,
    ).toBe('token.not_found');
    expect(await directory.scimApps.listTokens(other)).toEqual([]);
    await directory.scimApps.upload(other, project());
    await directory.scimApps.install(other, { actor: SYSTEM_ACTOR, publicBase: BASE });
    const foreign = await directoryError(
      directory.scimApps.rotateToken(other, { actor: SYSTEM_ACTOR, publicBase: BASE, tokenId }),
    );
    expect(foreign.code).toBe('token.not_found');
  });

  it('uninstall revokes every token; the app can be installed again, or removed', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { accountId, token } = await installed();
    const rotated = await directory.scimApps.rotateToken(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
    });
    const removeInstalled = await directoryError(directory.scimApps.remove(accountId));
    expect(removeInstalled.code).toBe('scim_app.installed');
    const { app, revokedTokens } = await directory.scimApps.uninstall(accountId, {
      actor: SYSTEM_ACTOR,
    });
    expect(revokedTokens).toBe(2);
    expect(app.installedAt).toBeNull();
    expect(await directory.tokens.authenticate(token)).toBeUndefined();
    expect(await directory.tokens.authenticate(rotated.issued.token)).toBeUndefined();
    expect((await directory.scimApps.listTokens(accountId)).map((t) => t.state)).toEqual([
      'revoked',
      'revoked',
    ]);
    expect(
      (await directoryError(directory.scimApps.uninstall(accountId, { actor: SYSTEM_ACTOR }))).code,
    ).toBe('scim_app.not_installed');
    expect(
      (
        await directoryError(
          directory.scimApps.rotateToken(accountId, { actor: SYSTEM_ACTOR, publicBase: BASE }),
        )
      ).code,
    ).toBe('scim_app.not_installed');
    const again = await directory.scimApps.install(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
    });
    expect(await directory.tokens.authenticate(again.issued.token)).toMatchObject({ accountId });
    await directory.scimApps.uninstall(accountId, { actor: SYSTEM_ACTOR });
    await directory.scimApps.remove(accountId);
    expect(await directory.scimApps.find(accountId)).toBeUndefined();
    const replaced = await directory.scimApps.upload(accountId, project('new-app'));
    expect(replaced.created).toBe(true);
  });

  it('the demo account’s installed app rotates like any other', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    // The demo account is created only on an empty database.
    const empty = await openTestStore(kind);
    if (!empty) return context.skip('PostgreSQL is not reachable here');
    try {
      const fresh = createDirectory({ store: empty.store, clock });
      const demoToken = 'demo-token-for-the-lifecycle-0123456789';
      const { account: demo } = await fresh.accounts.ensureDemoAccount(demoToken);
      if (!demo) throw new Error('no demo account');
      expect(await fresh.scimApps.find(demo.id)).toMatchObject({
        uid: 'scim-app',
        scimUid: 'scim',
      });
      const { issued } = await fresh.scimApps.rotateToken(demo.id, {
        actor: SYSTEM_ACTOR,
        publicBase: BASE,
      });
      expect(await fresh.tokens.authenticate(demoToken)).toMatchObject({ accountId: demo.id });
      expect(await fresh.tokens.authenticate(issued.token)).toMatchObject({ accountId: demo.id });
      clock.advance(25 * HOUR_MS);
      expect(await fresh.tokens.authenticate(demoToken)).toBeUndefined();
    } finally {
      await empty.cleanup();
    }
  });

  it('emits scim_app.installed, token.rotated, token.revoked and scim_app.uninstalled (with a token.revoked for each token it revokes), in order', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { accountId, tokenId } = await installed();
    const { issued } = await directory.scimApps.rotateToken(accountId, {
      actor: SYSTEM_ACTOR,
      publicBase: BASE,
      overlapSeconds: 60,
    });
    await directory.scimApps.revokeToken(accountId, issued.record.id, { actor: SYSTEM_ACTOR });
    // Revoking again changes nothing: no second event.
    await directory.scimApps.revokeToken(accountId, issued.record.id, { actor: SYSTEM_ACTOR });
    await directory.scimApps.uninstall(accountId, { actor: SYSTEM_ACTOR });
    const { items } = await directory.events.read(accountId, { limit: 100 });
    const app = await directory.store.scimApps.findByAccount(accountId);
    expect(items.map((e) => [e.sequence, e.type, e.subject])).toEqual([
      [1, 'scim_app.installed', `scim_app:${app?.id}`],
      [2, 'token.rotated', `scim_app:${app?.id}`],
      [3, 'token.revoked', `scim_app:${app?.id}`],
      // Uninstalling revokes the one token still unrevoked (the replaced one, in its overlap).
      [4, 'token.revoked', `scim_app:${app?.id}`],
      [5, 'scim_app.uninstalled', `scim_app:${app?.id}`],
    ]);
    expect(items[1]?.data).toEqual({
      appId: app?.id,
      tokenId: issued.record.id,
      replacedTokenIds: [tokenId],
      replacedUntil: new Date(Date.parse(clock.now()) + 60_000).toISOString(),
    });
    expect(items[2]?.data).toEqual({ appId: app?.id, tokenId: issued.record.id });
    expect(items[3]?.data).toEqual({ appId: app?.id, tokenId });
    expect(items.every((e) => e.actor.kind === 'system')).toBe(true);
  });
});
