import { ConflictError } from '../store/errors.ts';
import type { Store, StoreSession } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { assertThat } from './errors.ts';
import { newId } from './ids.ts';
import type { Account, PlanTier, PricingModel } from './model.ts';
import { TOKEN_CACHE_MS, type Tokens } from './tokens.ts';

export const MINIMAL_PERMISSION_SET = 'Minimal';
export const DEMO_ACCOUNT_NAME = 'Demo';
export const DEMO_DOMAIN = 'example.com';
/** Settings key holding the demo account's id, once an instance has claimed it. */
const DEMO_SETTING = 'demo-account';

export interface NewAccount {
  readonly name: string;
  readonly tier: PlanTier;
  readonly pricingModel: PricingModel;
  readonly ssoEnabled: boolean;
  /** Users in any email domain are accepted (the operator's to set; see `Account.sandbox`). */
  readonly sandbox?: boolean | undefined;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, inner]) => inner !== undefined),
  ) as Partial<T>;
}

export function createAccounts({
  store,
  clock,
  tokens,
}: {
  store: Store;
  clock: Clock;
  tokens: Tokens;
}) {
  async function insertAccount(
    session: StoreSession,
    input: NewAccount,
    id: string = newId(),
  ): Promise<Account> {
    const now = clock.now();
    const account: Account = { id, createdAt: now, ...input, sandbox: input.sandbox ?? false };
    await session.accounts.insert(account);
    // Every account has the built-in minimal set: unmatched and new users fall back to it.
    await session.permissionSets.insert({
      id: newId(),
      accountId: account.id,
      name: MINIMAL_PERMISSION_SET,
      isMinimal: true,
      permissions: [],
      createdAt: now,
    });
    return account;
  }

  async function createDemoAccount(
    session: StoreSession,
    id: string,
  ): Promise<{ account: Account; appId: string }> {
    const now = clock.now();
    const account = await insertAccount(
      session,
      // A sandbox: an IdP or a test suite can be tried with any email domain at once.
      {
        name: DEMO_ACCOUNT_NAME,
        tier: 'enterprise',
        pricingModel: 'classic',
        ssoEnabled: true,
        sandbox: true,
      },
      id,
    );
    await session.domains.insert({
      id: newId(),
      accountId: account.id,
      domain: DEMO_DOMAIN,
      state: 'verified',
      challengeHost: `_roster-challenge.${DEMO_DOMAIN}`,
      challengeValue: 'roster-demo',
      lastCheckedAt: now,
      verifiedAt: now,
      failureCode: null,
      failureReason: null,
      checkUntil: null,
      sharingAllowed: false,
      createdAt: now,
    });
    const appId = newId();
    await session.scimApps.insert({
      id: appId,
      accountId: account.id,
      uid: 'scim-app',
      name: 'scim app',
      description: 'A private app for integrating an IdP with SCIM.',
      scimUid: 'scim',
      roleSyncEnabled: false,
      installedAt: now,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    return { account, appId };
  }

  // Whether an account is a sandbox, for every SCIM request's log entry: remembered as long as a
  // token lookup (a change reaches other instances within that), forgotten here on update.
  const sandboxes = new Map<string, { readonly at: number; readonly sandbox: boolean }>();

  return {
    /** Whether the account is a sandbox, as of at most TOKEN_CACHE_MS ago. */
    async isSandbox(accountId: string): Promise<boolean> {
      const now = Date.now();
      const known = sandboxes.get(accountId);
      if (known && now - known.at <= TOKEN_CACHE_MS) return known.sandbox;
      const sandbox = (await store.accounts.findById(accountId))?.sandbox ?? false;
      if (sandboxes.size >= 10_000) sandboxes.clear();
      sandboxes.set(accountId, { at: now, sandbox });
      return sandbox;
    },

    create(input: NewAccount): Promise<Account> {
      return store.transaction((session) => insertAccount(session, input));
    },

    findById(id: string): Promise<Account | undefined> {
      return store.accounts.findById(id);
    },

    list(): Promise<Account[]> {
      return store.accounts.list();
    },

    /** Changes the given fields; the account must exist. */
    async update(id: string, changes: Partial<NewAccount>): Promise<Account> {
      const current = await store.accounts.findById(id);
      assertThat(current, 'account.not_found', `no account with id '${id}'`);
      const next: Account = { ...current, ...stripUndefined(changes) };
      assertThat(
        await store.accounts.update(next),
        'account.not_found',
        `no account with id '${id}'`,
      );
      sandboxes.delete(id);
      return next;
    },

    /**
     * On an empty database, creates the demo account (enterprise, SSO on, example.com verified,
     * SCIM app installed) and issues its token. `demoToken` makes the demo account accept that
     * exact token, also on later starts.
     */
    async ensureDemoAccount(demoToken?: string): Promise<{
      account: Account | undefined;
      /** The token to print: only when it was issued just now and not chosen by the caller. */
      freshToken: string | undefined;
    }> {
      let demoId = await store.settings.get(DEMO_SETTING);
      let freshToken: string | undefined;
      if (demoId === undefined) {
        const existing = await store.accounts.list();
        const named = existing.find((a) => a.name === DEMO_ACCOUNT_NAME);
        // A database from before the claim was recorded: its demo account is the one named so.
        if (named) await store.settings.insertIfAbsent(DEMO_SETTING, named.id);
        // Otherwise only an empty database gets a demo account.
        else if (existing.length > 0) return { account: undefined, freshToken };
        demoId = await store.settings.get(DEMO_SETTING);
      }
      if (demoId === undefined) {
        const candidate = newId();
        // Instances starting together on one database race here: the claim and the account
        // commit together, so exactly one creates the demo account.
        const created = await store.transaction(async (session) => {
          if (!(await session.settings.insertIfAbsent(DEMO_SETTING, candidate))) return undefined;
          return createDemoAccount(session, candidate);
        });
        if (created && !demoToken) {
          freshToken = (await tokens.issue(created.account.id, created.appId)).token;
        }
        demoId = created ? candidate : await store.settings.get(DEMO_SETTING);
      }
      const account = demoId === undefined ? undefined : await store.accounts.findById(demoId);
      if (!account) return { account: undefined, freshToken };
      if (demoToken && !(await tokens.authenticate(demoToken))) {
        const app = await store.scimApps.findByAccount(account.id);
        if (app) {
          try {
            await tokens.issue(account.id, app.id, { value: demoToken });
          } catch (error) {
            // Another instance issued the same token a moment ago: that is the outcome wanted.
            if (!(error instanceof ConflictError)) throw error;
          }
        }
      }
      return { account, freshToken };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
