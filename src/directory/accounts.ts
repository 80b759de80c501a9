import type { Store, StoreSession } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { newId } from './ids.ts';
import type { Account, PlanTier, PricingModel } from './model.ts';
import type { Tokens } from './tokens.ts';

export const MINIMAL_PERMISSION_SET = 'Minimal';
export const DEMO_ACCOUNT_NAME = 'Demo';
export const DEMO_DOMAIN = 'example.com';

export interface NewAccount {
  readonly name: string;
  readonly tier: PlanTier;
  readonly pricingModel: PricingModel;
  readonly ssoEnabled: boolean;
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
  async function insertAccount(session: StoreSession, input: NewAccount): Promise<Account> {
    const now = clock.now();
    const account: Account = { id: newId(), createdAt: now, ...input };
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

  return {
    create(input: NewAccount): Promise<Account> {
      return store.transaction((session) => insertAccount(session, input));
    },

    findById(id: string): Promise<Account | undefined> {
      return store.accounts.findById(id);
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
      const existing = await store.accounts.list();
      let account = existing.find((a) => a.name === DEMO_ACCOUNT_NAME);
      if (existing.length > 0 && !account) return { account: undefined, freshToken: undefined };

      let appId: string;
      let freshToken: string | undefined;
      if (!account) {
        const now = clock.now();
        const created = await store.transaction(async (session) => {
          const demo = await insertAccount(session, {
            name: DEMO_ACCOUNT_NAME,
            tier: 'enterprise',
            pricingModel: 'classic',
            ssoEnabled: true,
          });
          await session.domains.insert({
            id: newId(),
            accountId: demo.id,
            domain: DEMO_DOMAIN,
            state: 'verified',
            challengeHost: `_roster-challenge.${DEMO_DOMAIN}`,
            challengeValue: 'roster-demo',
            lastCheckedAt: now,
            verifiedAt: now,
            failureReason: null,
            createdAt: now,
          });
          const app = {
            id: newId(),
            accountId: demo.id,
            uid: 'scim',
            name: 'scim app',
            roleSyncEnabled: false,
            installedAt: now,
            createdAt: now,
          };
          await session.scimApps.insert(app);
          return { demo, appId: app.id };
        });
        account = created.demo;
        appId = created.appId;
        if (!demoToken) freshToken = (await tokens.issue(account.id, appId)).token;
      } else {
        const app = await store.scimApps.findByAccount(account.id);
        if (!app) return { account, freshToken: undefined };
        appId = app.id;
      }
      if (demoToken && !(await tokens.authenticate(demoToken))) {
        await tokens.issue(account.id, appId, { value: demoToken });
      }
      return { account, freshToken };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
