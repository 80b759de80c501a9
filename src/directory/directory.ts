import type { Store } from '../store/store.ts';
import { createAccountRoles } from './account-roles.ts';
import { createAccounts } from './accounts.ts';
import { type Clock, systemClock } from './clock.ts';
import { createDeprovisionBrake, type DeprovisionBrakePolicy } from './deprovision-brake.ts';
import { createProvisioningLog, type ProvisioningLogOptions } from './provisioning-log.ts';
import { createTokens } from './tokens.ts';
import { createUsers } from './users.ts';

/** Everything every surface (SCIM, admin API, CLI) calls, wired over one store. */
export function createDirectory({
  store,
  clock = systemClock,
  log,
  deprovisionBrake,
}: {
  store: Store;
  clock?: Clock;
  log?: ProvisioningLogOptions;
  deprovisionBrake?: DeprovisionBrakePolicy;
}) {
  const tokens = createTokens({ store, clock });
  const brake = createDeprovisionBrake({ clock, policy: deprovisionBrake });
  return {
    store,
    clock,
    tokens,
    accounts: createAccounts({ store, clock, tokens }),
    users: createUsers({ store, clock, brake }),
    deprovisionBrake: brake,
    accountRoles: createAccountRoles({ store }),
    provisioningLog: createProvisioningLog(store, log),
    async close(): Promise<void> {
      await this.provisioningLog.close();
      await store.close();
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
