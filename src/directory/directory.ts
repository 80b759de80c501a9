import type { Store } from '../store/store.ts';
import { createAccounts } from './accounts.ts';
import { type Clock, systemClock } from './clock.ts';
import { createGroups } from './groups.ts';
import { createProvisioningLog, type ProvisioningLogOptions } from './provisioning-log.ts';
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
  const groups = createGroups({ store, clock });
  return {
    store,
    clock,
    tokens,
    accounts: createAccounts({ store, clock, tokens }),
    users: createUsers({
      store,
      clock,
      leaveGroups: (session, accountId, userId, writeUser) =>
        groups.removeUserFromAll(session, accountId, userId, writeUser),
    }),
    groups,
    provisioningLog: createProvisioningLog(store, log),
    async close(): Promise<void> {
      await this.provisioningLog.close();
      await store.close();
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
