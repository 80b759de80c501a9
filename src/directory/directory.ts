import type { Store } from '../store/store.ts';
import { createAccountRoles } from './account-roles.ts';
import { createAccounts } from './accounts.ts';
import { createAdminKeys } from './admin-keys.ts';
import { createAppUsers } from './app-users.ts';
import { createAudit } from './audit.ts';
import { type Clock, systemClock } from './clock.ts';
import { createDeprovisionBrake, type DeprovisionBrakePolicy } from './deprovision-brake.ts';
import { createDomains } from './domains.ts';
import { createGroups } from './groups.ts';
import { createNodeTxtLookup } from './node-txt-lookup.ts';
import { createPermissionSets } from './permission-sets.ts';
import { createProvisioningLog, type ProvisioningLogOptions } from './provisioning-log.ts';
import { createScimApps } from './scim-apps.ts';
import { createSeatPools } from './seat-pools.ts';
import { createTeams } from './teams.ts';
import { createTokens } from './tokens.ts';
import type { TxtLookup } from './txt-lookup.ts';
import { createUsers } from './users.ts';

/** Everything every surface (SCIM, admin API, CLI) calls, wired over one store. */
export function createDirectory({
  store,
  clock = systemClock,
  log,
  deprovisionBrake,
  dns = {},
  txtLookup = createNodeTxtLookup({ server: dns.resolver, timeoutMs: dns.timeoutMs ?? 5000 }),
}: {
  store: Store;
  clock?: Clock;
  log?: ProvisioningLogOptions;
  deprovisionBrake?: DeprovisionBrakePolicy;
  /** Where domain verification looks up TXT records: a resolver address, or the system's. */
  dns?: { readonly resolver?: string | undefined; readonly timeoutMs?: number | undefined };
  /** Replaces the node:dns lookup entirely. */
  txtLookup?: TxtLookup;
}) {
  const tokens = createTokens({ store, clock });
  const accountRoles = createAccountRoles({ store });
  const forgetRoles = (accountId: string) => accountRoles.forget(accountId);
  const brake = createDeprovisionBrake({ clock, policy: deprovisionBrake });
  const groups = createGroups({ store, clock });
  return {
    store,
    clock,
    tokens,
    accounts: createAccounts({ store, clock, tokens }),
    users: createUsers({
      store,
      clock,
      brake,
      leaveGroups: (session, accountId, userId, writeUser) =>
        groups.removeUserFromAll(session, accountId, userId, writeUser),
    }),
    groups,
    deprovisionBrake: brake,
    accountRoles,
    domains: createDomains({ store, clock, txtLookup }),
    scimApps: createScimApps({ store, clock, tokens, onChange: forgetRoles }),
    provisioningLog: createProvisioningLog(store, log),
    // Administration (admin API, CLI).
    adminKeys: createAdminKeys({ store, clock }),
    audit: createAudit({ store, clock }),
    appUsers: createAppUsers({ store, clock }),
    permissionSets: createPermissionSets({ store, clock, onChange: forgetRoles }),
    teams: createTeams({ store, clock }),
    seatPools: createSeatPools({ store }),
    async close(): Promise<void> {
      await this.provisioningLog.close();
      await store.close();
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
