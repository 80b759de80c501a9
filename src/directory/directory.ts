import type { Store } from '../store/store.ts';
import { createAccounts } from './accounts.ts';
import { createAdminKeys } from './admin-keys.ts';
import { createAppUsers } from './app-users.ts';
import { createAudit } from './audit.ts';
import { type Clock, systemClock } from './clock.ts';
import { createPermissionSets } from './permission-sets.ts';
import { createProvisioningLog, type ProvisioningLogOptions } from './provisioning-log.ts';
import { createSeatPools } from './seat-pools.ts';
import { createTeams } from './teams.ts';
import { createTokens } from './tokens.ts';
import { createUsers } from './users.ts';

/** Everything every surface (SCIM, admin API, CLI) calls, wired over one store. */
export function createDirectory({
  store,
  clock = systemClock,
  log,
}: {
  store: Store;
  clock?: Clock;
  log?: ProvisioningLogOptions;
}) {
  const tokens = createTokens({ store, clock });
  return {
    store,
    clock,
    tokens,
    accounts: createAccounts({ store, clock, tokens }),
    users: createUsers({ store, clock }),
    provisioningLog: createProvisioningLog(store, log),
    // Administration (admin API, CLI).
    adminKeys: createAdminKeys({ store, clock }),
    audit: createAudit({ store, clock }),
    appUsers: createAppUsers({ store, clock }),
    permissionSets: createPermissionSets({ store, clock }),
    teams: createTeams({ store, clock }),
    seatPools: createSeatPools({ store }),
    async close(): Promise<void> {
      await this.provisioningLog.close();
      await store.close();
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
