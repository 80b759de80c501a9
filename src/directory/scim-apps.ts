/**
 * The SCIM app's lifecycle in an account (seeds: upload the project, install, copy the token).
 * - upload: a validated project becomes the account's one SCIM app; uploading the same app
 *   (same app uid) again updates it, e.g. `roleSyncEnabled`; a different app is refused.
 * - install: only where the plan allows SCIM and SSO is on (PRODUCT.md, Account). Issues an
 *   access token that belongs to the installed app, never to a person, and is shown once.
 * - tokens: list, rotate (the old token keeps working for an overlap, 24 h unless chosen),
 *   revoke; uninstall revokes them all.
 * Every state change is one store transaction, and writes to the app are compare-and-set on its
 * version, so concurrent installs cannot both install and concurrent rotations leave exactly
 * one token without an expiry.
 */
import { ConflictError } from '../store/errors.ts';
import type { Store, StoreSession } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { newEvent } from './events.ts';
import { newId } from './ids.ts';
import type { AccessToken, Account, EventActor, ScimApp } from './model.ts';
import { parseScimAppProject } from './scim-app-project/parse-project.ts';
import {
  formatProblem,
  type ProjectFiles,
  type ScimAppProject,
} from './scim-app-project/project-files.ts';
import { assertScimPrerequisites } from './scim-prerequisites.ts';
import { mintToken, type TokenState, type Tokens, tokenState } from './tokens.ts';

export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 60 * 60;
export const MAX_ROTATION_OVERLAP_SECONDS = 30 * 24 * 60 * 60;
/** Compare-and-set losers start over this many times before giving up with a retryable error. */
const ATTEMPTS = 5;

/** What an admin sees of a token; never its hash. */
export interface TokenView {
  readonly id: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly state: TokenState;
}

export interface TenantUrls {
  /** What every IdP takes as the SCIM base ("Tenant URL"). */
  readonly tenantUrl: string;
  /** Microsoft Entra ID: the flag that opts its SCIM client into RFC-compliant behaviour. */
  readonly entraTenantUrl: string;
}

/** A newly issued token: shown once, with where to use it. */
export interface IssuedToken extends TenantUrls {
  readonly token: string;
  readonly record: TokenView;
}

export function tenantUrls(publicBase: string): TenantUrls {
  const tenantUrl = `${publicBase.replace(/\/+$/, '')}/scim/v2`;
  return { tenantUrl, entraTenantUrl: `${tenantUrl}?aadOptscim062020` };
}

const addSeconds = (iso: string, seconds: number) =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

export function createScimApps({
  store,
  clock,
  tokens,
  onChange = () => {},
}: {
  store: Store;
  clock: Clock;
  tokens: Tokens;
  /** Told after an upload, which may turn role sync on or off (the role view SCIM reads cache). */
  onChange?: (accountId: string) => void;
}) {
  const view = (token: AccessToken, now = clock.now()): TokenView => ({
    id: token.id,
    prefix: token.prefix,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    state: tokenState(token, now),
  });

  async function account(session: StoreSession, accountId: string): Promise<Account> {
    const found = await session.accounts.findById(accountId);
    assertThat(found, 'account.not_found', `account '${accountId}' does not exist`);
    return found;
  }

  async function uploadedApp(session: StoreSession, accountId: string): Promise<ScimApp> {
    await account(session, accountId);
    const app = await session.scimApps.findByAccount(accountId);
    assertThat(
      app,
      'scim_app.not_found',
      'this account has no SCIM app yet; upload the project first (roster project upload)',
    );
    return app;
  }

  async function installedApp(session: StoreSession, accountId: string): Promise<ScimApp> {
    const app = await uploadedApp(session, accountId);
    assertThat(
      app.installedAt !== null,
      'scim_app.not_installed',
      `the SCIM app '${app.uid}' is not installed; install it first (roster app install)`,
    );
    return app;
  }

  /** Writes `next` over `app` compare-and-set; a loser throws so its transaction starts over. */
  async function write(session: StoreSession, app: ScimApp, next: ScimApp): Promise<ScimApp> {
    const written = { ...next, updatedAt: clock.now(), version: app.version + 1 };
    if (!(await session.scimApps.update(written, app.version))) throw new LostRace();
    return written;
  }

  /** Runs `work` in a transaction, again from the start when it lost a compare-and-set. */
  async function retrying<T>(work: (session: StoreSession) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.transaction(work);
      } catch (error) {
        if (!(error instanceof LostRace)) throw error;
        if (attempt >= ATTEMPTS) {
          throw new DirectoryError(
            'scim_app.contended',
            'the SCIM app was changed by another request at the same time; retry',
          );
        }
      }
    }
  }

  function describeChanges(app: ScimApp, project: ScimAppProject): string[] {
    const changes: string[] = [];
    const compare = (label: string, before: unknown, after: unknown) => {
      if (before !== after) {
        changes.push(`${label}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      }
    };
    compare('name', app.name, project.app.name);
    compare('description', app.description, project.app.description);
    compare('scim uid', app.scimUid, project.scim.uid);
    compare('roleSyncEnabled', app.roleSyncEnabled, project.scim.roleSyncEnabled);
    return changes;
  }

  function parse(files: ProjectFiles): ScimAppProject {
    const parsed = parseScimAppProject(files);
    if (parsed.ok) return parsed.value;
    const details = parsed.error.map(formatProblem);
    throw new DirectoryError(
      'scim_app.invalid_project',
      `the project has ${details.length} problem${details.length === 1 ? '' : 's'}:\n  ${details.join('\n  ')}`,
      details,
    );
  }

  async function uploadProject(
    accountId: string,
    project: ReturnType<typeof parse>,
  ): Promise<{ app: ScimApp; created: boolean; changes: string[] }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await retrying(async (session) => {
          await account(session, accountId);
          const existing = await session.scimApps.findByAccount(accountId);
          const now = clock.now();
          if (!existing) {
            const app: ScimApp = {
              id: newId(),
              accountId,
              uid: project.app.uid,
              name: project.app.name,
              description: project.app.description,
              scimUid: project.scim.uid,
              roleSyncEnabled: project.scim.roleSyncEnabled,
              installedAt: null,
              createdAt: now,
              updatedAt: now,
              version: 1,
            };
            await session.scimApps.insert(app);
            return { app, created: true, changes: [] };
          }
          if (existing.uid !== project.app.uid) {
            throw new DirectoryError(
              'scim_app.limit_reached',
              `this account already has a SCIM app, '${existing.uid}', and an account can have ` +
                `only one. To change it, upload its project again with uid '${existing.uid}' ` +
                `in app-hsmeta.json; to replace it, uninstall and remove '${existing.uid}' first`,
            );
          }
          const changes = describeChanges(existing, project);
          if (changes.length === 0) return { app: existing, created: false, changes };
          const app = await write(session, existing, {
            ...existing,
            name: project.app.name,
            description: project.app.description,
            scimUid: project.scim.uid,
            roleSyncEnabled: project.scim.roleSyncEnabled,
          });
          return { app, created: false, changes };
        });
      } catch (error) {
        // Two first uploads raced: the loser now finds the winner's app and compares uids.
        if (error instanceof ConflictError && attempt < ATTEMPTS) continue;
        throw error;
      }
    }
  }

  return {
    /** The account's SCIM app, if one was uploaded. */
    async find(accountId: string): Promise<ScimApp | undefined> {
      await account(store, accountId);
      return store.scimApps.findByAccount(accountId);
    },

    /**
     * Validates the project's files and makes them the account's SCIM app, or updates it when
     * it is the same app (same uid in app-hsmeta.json). `changes` lists what changed, in words.
     */
    async upload(
      accountId: string,
      files: ProjectFiles,
    ): Promise<{ app: ScimApp; created: boolean; changes: string[] }> {
      const uploaded = await uploadProject(accountId, parse(files));
      onChange(accountId);
      return uploaded;
    },

    /**
     * Installs the uploaded app and issues its first access token. The account must be on a
     * plan with SCIM and have SSO enabled. `warnings` name what still stops provisioning (no
     * verified domain yet).
     */
    async install(
      accountId: string,
      { publicBase, actor }: { publicBase: string; actor: EventActor },
    ): Promise<{ app: ScimApp; issued: IssuedToken; warnings: string[] }> {
      const result = await retrying(async (session) => {
        const acct = await account(session, accountId);
        assertScimPrerequisites(acct);
        const app = await uploadedApp(session, accountId);
        assertThat(
          app.installedAt === null,
          'scim_app.already_installed',
          `the SCIM app '${app.uid}' is already installed; rotate its token to get a new one ` +
            '(roster token rotate)',
        );
        const installed = await write(session, app, { ...app, installedAt: clock.now() });
        const minted = mintToken(clock, accountId, app.id);
        await session.tokens.insert(minted.record);
        await session.events.append([
          newEvent(
            accountId,
            'scim_app.installed',
            `scim_app:${app.id}`,
            { appId: app.id, name: app.name },
            installed.installedAt ?? clock.now(),
            actor,
          ),
        ]);
        const domains = await session.domains.list(accountId);
        const warnings = acct.sandbox
          ? [
              'this account is a sandbox: users in any email domain are accepted, verified or ' +
                'not; the operator turns it off before production use',
            ]
          : domains.some((d) => d.state === 'verified')
            ? []
            : [
                'no domain is verified for this account yet: the IdP can connect, but users are ' +
                  'refused until their email domain is verified (roster domain add / verify)',
              ];
        return { app: installed, minted, warnings };
      }).catch(async (error: unknown) => {
        // The loser of racing installs sees the winner's installation, and says so.
        if (error instanceof DirectoryError && error.code === 'scim_app.contended') {
          const app = await store.scimApps.findByAccount(accountId);
          if (app?.installedAt) {
            throw new DirectoryError(
              'scim_app.already_installed',
              `the SCIM app '${app.uid}' is already installed; rotate its token to get a new one`,
            );
          }
        }
        throw error;
      });
      return {
        app: result.app,
        issued: {
          token: result.minted.token,
          record: view(result.minted.record),
          ...tenantUrls(publicBase),
        },
        warnings: result.warnings,
      };
    },

    /** Uninstalls the app and revokes all of its tokens; the uploaded project stays. */
    async uninstall(
      accountId: string,
      options: { actor: EventActor },
    ): Promise<{ app: ScimApp; revokedTokens: number }> {
      const result = await retrying(async (session) => {
        const app = await installedApp(session, accountId);
        const uninstalled = await write(session, app, { ...app, installedAt: null });
        const now = clock.now();
        const revoked = await session.tokens.revokeAllForApp(accountId, app.id, now);
        // Each revoked token has its own event, as when revoked alone, so a consumer that
        // reacts to `token.revoked` needs no second handler for uninstalls.
        await session.events.append([
          ...revoked.map((tokenId) =>
            newEvent(
              accountId,
              'token.revoked',
              `scim_app:${app.id}`,
              { appId: app.id, tokenId },
              now,
              options.actor,
            ),
          ),
          newEvent(
            accountId,
            'scim_app.uninstalled',
            `scim_app:${app.id}`,
            { appId: app.id, name: app.name },
            now,
            options.actor,
          ),
        ]);
        return { app: uninstalled, revokedTokens: revoked.length };
      });
      tokens.forgetCached();
      return result;
    },

    /** Removes an uninstalled app, so that a different one can be uploaded. */
    async remove(accountId: string): Promise<void> {
      await retrying(async (session) => {
        const app = await uploadedApp(session, accountId);
        assertThat(
          app.installedAt === null,
          'scim_app.installed',
          `the SCIM app '${app.uid}' is installed; uninstall it first (its tokens are revoked)`,
        );
        if (!(await session.scimApps.delete(accountId, app.id))) throw new LostRace();
      });
    },

    /** The account's tokens, oldest first, with their state now. */
    async listTokens(accountId: string): Promise<TokenView[]> {
      await account(store, accountId);
      const now = clock.now();
      return (await store.tokens.list(accountId)).map((token) => view(token, now));
    },

    /**
     * Issues a new token for the installed app. The token(s) it replaces — `tokenId`, or else
     * every active token of the app — keep working for `overlapSeconds` (default 24 hours; 0
     * ends them now), so the IdP can be switched over without a gap. With no active token left
     * (all revoked), it simply issues a new one.
     */
    async rotateToken(
      accountId: string,
      {
        publicBase,
        tokenId,
        overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS,
        actor,
      }: {
        publicBase: string;
        tokenId?: string | undefined;
        overlapSeconds?: number | undefined;
        actor: EventActor;
      },
    ): Promise<{ issued: IssuedToken; replaced: TokenView[] }> {
      assertThat(
        Number.isInteger(overlapSeconds) &&
          overlapSeconds >= 0 &&
          overlapSeconds <= MAX_ROTATION_OVERLAP_SECONDS,
        'token.invalid_overlap',
        `the overlap must be a whole number of seconds from 0 to ${MAX_ROTATION_OVERLAP_SECONDS} ` +
          `(30 days); got ${overlapSeconds}`,
      );
      const result = await retrying(async (session) => {
        const app = await installedApp(session, accountId);
        const now = clock.now();
        let targets: AccessToken[];
        if (tokenId !== undefined) {
          const token = await session.tokens.findById(accountId, tokenId);
          assertThat(
            token && token.appId === app.id,
            'token.not_found',
            `no token with id '${tokenId}'`,
          );
          const state = tokenState(token, now);
          // An expiring token was rotated already; rotating it again would leave two tokens
          // without an expiry.
          assertThat(
            state === 'active',
            'token.not_active',
            state === 'expiring'
              ? `the token ${token.prefix}… was already rotated and expires at ${token.expiresAt}`
              : `the token ${token.prefix}… is ${state}; only an active token can be rotated`,
          );
          targets = [token];
        } else {
          targets = (await session.tokens.list(accountId)).filter(
            (t) => t.appId === app.id && tokenState(t, now) === 'active',
          );
        }
        // The app's version orders rotations: a concurrent one starts over and then replaces
        // this rotation's new token, so one token without an expiry remains.
        await write(session, app, app);
        const until = addSeconds(now, overlapSeconds);
        const replaced: AccessToken[] = [];
        for (const target of targets) {
          await session.tokens.expire(accountId, target.id, until);
          replaced.push((await session.tokens.findById(accountId, target.id)) ?? target);
        }
        const minted = mintToken(clock, accountId, app.id);
        await session.tokens.insert(minted.record);
        await session.events.append([
          newEvent(
            accountId,
            'token.rotated',
            `scim_app:${app.id}`,
            {
              appId: app.id,
              tokenId: minted.record.id,
              replacedTokenIds: replaced.map((t) => t.id),
              replacedUntil: until,
            },
            now,
            actor,
          ),
        ]);
        return { minted, replaced };
      });
      tokens.forgetCached();
      const now = clock.now();
      return {
        issued: {
          token: result.minted.token,
          record: view(result.minted.record, now),
          ...tenantUrls(publicBase),
        },
        replaced: result.replaced.map((t) => view(t, now)),
      };
    },

    /** Revokes one token at once (other instances stop accepting it within 5 seconds). */
    async revokeToken(
      accountId: string,
      tokenId: string,
      options: { actor: EventActor },
    ): Promise<TokenView> {
      await account(store, accountId);
      const token = await store.tokens.findById(accountId, tokenId);
      assertThat(token, 'token.not_found', `no token with id '${tokenId}'`);
      await store.transaction(async (session) => {
        const now = clock.now();
        await session.tokens.revoke(token.id, now);
        // Revoking a revoked token keeps its first time and changes nothing: no event.
        if (token.revokedAt !== null) return;
        await session.events.append([
          newEvent(
            accountId,
            'token.revoked',
            `scim_app:${token.appId}`,
            { appId: token.appId, tokenId: token.id },
            now,
            options.actor,
          ),
        ]);
      });
      tokens.forgetCached();
      const stored = await store.tokens.findById(accountId, tokenId);
      return view(stored ?? token);
    },
  };
}

/** A compare-and-set lost to a concurrent write; the transaction starts over. */
class LostRace extends Error {
  override readonly name = 'LostRace';
}

export type ScimApps = ReturnType<typeof createScimApps>;
