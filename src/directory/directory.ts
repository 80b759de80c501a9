import type { Store } from '../store/store.ts';
import { createAccounts } from './accounts.ts';
import { type Clock, systemClock } from './clock.ts';
import { createDomains } from './domains.ts';
import { createNodeTxtLookup } from './node-txt-lookup.ts';
import { createProvisioningLog, type ProvisioningLogOptions } from './provisioning-log.ts';
import { createScimApps } from './scim-apps.ts';
import { createTokens } from './tokens.ts';
import type { TxtLookup } from './txt-lookup.ts';
import { createUsers } from './users.ts';

/** Everything every surface (SCIM, admin API, CLI) calls, wired over one store. */
export function createDirectory({
  store,
  clock = systemClock,
  log,
  dns = {},
  txtLookup = createNodeTxtLookup({ server: dns.resolver, timeoutMs: dns.timeoutMs ?? 5000 }),
}: {
  store: Store;
  clock?: Clock;
  log?: ProvisioningLogOptions;
  /** Where domain verification looks up TXT records: a resolver address, or the system's. */
  dns?: { readonly resolver?: string | undefined; readonly timeoutMs?: number | undefined };
  /** Replaces the node:dns lookup entirely. */
  txtLookup?: TxtLookup;
}) {
  const tokens = createTokens({ store, clock });
  return {
    store,
    clock,
    tokens,
    accounts: createAccounts({ store, clock, tokens }),
    users: createUsers({ store, clock }),
    domains: createDomains({ store, clock, txtLookup }),
    scimApps: createScimApps({ store, clock, tokens }),
    provisioningLog: createProvisioningLog(store, log),
    async close(): Promise<void> {
      await this.provisioningLog.close();
      await store.close();
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
