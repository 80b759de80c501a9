/**
 * How an account's users show their role over SCIM: with role sync on, each user's permission
 * set is their one primary role (checklist 57), so IdPs comparing what they sent with what they
 * read see no difference; with it off, permissions are not the IdP's business and no role is
 * shown. Read on every SCIM read, so kept per account for up to `ACCOUNT_ROLES_CACHE_MS`: like
 * the token cache, an instance may show a renamed set's old name, or a role sync change, that
 * long after it happened elsewhere.
 */
import type { Store } from '../store/store.ts';

export const ACCOUNT_ROLES_CACHE_MS = 5_000;
/** Accounts remembered at once; past this the cache starts over (bounded memory). */
const CACHE_LIMIT = 10_000;

export interface AccountRoles {
  readonly roleSyncEnabled: boolean;
  /** Permission set names by id. */
  readonly names: ReadonlyMap<string, string>;
}

const NO_ROLES: AccountRoles = { roleSyncEnabled: false, names: new Map() };

export function createAccountRoles({ store }: { store: Store }) {
  const cache = new Map<string, { fetchedAt: number; roles: AccountRoles }>();
  return {
    async of(accountId: string): Promise<AccountRoles> {
      const nowMs = Date.now();
      const entry = cache.get(accountId);
      if (entry && nowMs - entry.fetchedAt <= ACCOUNT_ROLES_CACHE_MS) return entry.roles;
      const app = await store.scimApps.findByAccount(accountId);
      const roles: AccountRoles = app?.roleSyncEnabled
        ? {
            roleSyncEnabled: true,
            names: new Map(
              (await store.permissionSets.list(accountId)).map((set) => [set.id, set.name]),
            ),
          }
        : NO_ROLES;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(accountId, { fetchedAt: nowMs, roles });
      return roles;
    },
    /** Forget what this instance remembers (after a change made through it). */
    forget(accountId: string): void {
      cache.delete(accountId);
    },
  };
}

export type AccountRolesCache = ReturnType<typeof createAccountRoles>;
