import type { Store } from '../store/store.ts';
import { createAccountRoles } from './account-roles.ts';
import { createAccounts } from './accounts.ts';
import { createAdminKeys } from './admin-keys.ts';
import { createAppUsers } from './app-users.ts';
import { createAudit } from './audit.ts';
import { type Clock, systemClock } from './clock.ts';
import { type ConsoleSessionPolicy, createConsoleSessions } from './console-sessions.ts';
import { createDeprovisionBrake, type DeprovisionBrakePolicy } from './deprovision-brake.ts';
import { createDomains } from './domains.ts';
import { createEventFeed } from './event-feed.ts';
import { createEventSequencer } from './event-sequencer.ts';
import { createGroups } from './groups.ts';
import { createNodeTxtLookup } from './node-txt-lookup.ts';
import { createPermissionSets } from './permission-sets.ts';
import { createProvisioningLog } from './provisioning-log.ts';
import { createRetention, type RetentionPolicy } from './retention.ts';
import { createScimApps } from './scim-apps.ts';
import { createSeatPools } from './seat-pools.ts';
import { createTeams } from './teams.ts';
import { createTokens } from './tokens.ts';
import type { TxtLookup } from './txt-lookup.ts';
import { createUsers } from './users.ts';
import { createWebhookDelivery, type WebhookDeliveryOptions } from './webhook-delivery.ts';
import { httpWebhookSender } from './webhook-sender.ts';
import { createWebhooks } from './webhooks.ts';

/** Everything every surface (SCIM, admin API, CLI) calls, wired over one store. */
export function createDirectory({
  store: rawStore,
  clock = systemClock,
  deprovisionBrake,
  retention = { provisioningLogDays: 90, auditDays: 365, eventDays: 30 },
  eventTickMs = 250,
  onEventError,
  dns = {},
  consoleSessions,
  txtLookup = createNodeTxtLookup({ server: dns.resolver, timeoutMs: dns.timeoutMs ?? 5000 }),
  webhooks = {},
}: {
  store: Store;
  clock?: Clock;
  deprovisionBrake?: DeprovisionBrakePolicy;
  retention?: RetentionPolicy;
  /** How long web console sessions last. */
  consoleSessions?: ConsoleSessionPolicy;
  /** Where domain verification looks up TXT records: a resolver address, or the system's. */
  dns?: { readonly resolver?: string | undefined; readonly timeoutMs?: number | undefined };
  /** Replaces the node:dns lookup entirely. */
  txtLookup?: TxtLookup;
  /** The webhook delivery engine's settings (started by `serve`, not here). */
  webhooks?: Partial<Omit<WebhookDeliveryOptions, 'store' | 'clock'>>;
  /** How often the sequencer looks for events other instances committed. */
  eventTickMs?: number;
  /** A background sequencer run failed (it is retried on the next tick). */
  onEventError?: (error: unknown) => void;
}) {
  const sequencer = createEventSequencer({
    store: rawStore,
    intervalMs: eventTickMs,
    onError: onEventError,
  });
  // Every write goes through this store: once a transaction that appended events commits, they
  // are sequenced at once (coalesced with other commits), not a tick later, and their readers
  // wake. Transactions without events leave the sequencer alone.
  const store: Store = {
    ...rawStore,
    transaction: (work) => {
      let accountIds: Set<string> | undefined;
      return rawStore
        .transaction((session) =>
          work({
            ...session,
            events: {
              ...session.events,
              append(events) {
                for (const event of events) {
                  accountIds ??= new Set();
                  accountIds.add(event.accountId);
                }
                return session.events.append(events);
              },
            },
          }),
        )
        .then((value) => {
          if (accountIds !== undefined) sequencer.committed(accountIds);
          return value;
        });
    },
  };
  const tokens = createTokens({ store, clock });
  const accountRoles = createAccountRoles({ store });
  const forgetRoles = (accountId: string) => accountRoles.forget(accountId);
  const brake = createDeprovisionBrake({ clock, policy: deprovisionBrake });
  const groups = createGroups({ store, clock });
  const provisioningLog = createProvisioningLog(store, clock);
  const adminKeys = createAdminKeys({ store, clock });
  // The raw store: the engine's own writes emit no events, so they need not nudge the
  // sequencer.
  const webhookDelivery = createWebhookDelivery({
    sender: httpWebhookSender,
    ...webhooks,
    store: rawStore,
    clock,
  });
  // Right after this instance sequences events, due endpoints are claimed (no tick's wait).
  sequencer.onSequenced((accountIds) => webhookDelivery.wake(accountIds));
  return {
    store,
    clock,
    tokens,
    accounts: createAccounts({ store, clock, tokens }),
    users: createUsers({
      store,
      clock,
      brake,
      leaveGroups: (session, accountId, userId, writeUser, actor) =>
        groups.removeUserFromAll(session, accountId, userId, writeUser, actor),
    }),
    groups,
    deprovisionBrake: brake,
    accountRoles,
    domains: createDomains({ store, clock, txtLookup }),
    scimApps: createScimApps({ store, clock, tokens, onChange: forgetRoles }),
    provisioningLog,
    retention: createRetention({ store, log: provisioningLog, clock, policy: retention }),
    /** The events outbox's sequencer (started by `serve`) and the feed it makes readable. */
    eventSequencer: sequencer,
    events: createEventFeed({ store, sequencer }),
    // Administration (admin API, CLI).
    adminKeys,
    consoleSessions: createConsoleSessions({
      store,
      clock,
      adminKeys,
      policy: consoleSessions,
    }),
    audit: createAudit({ store, clock }),
    appUsers: createAppUsers({ store, clock }),
    permissionSets: createPermissionSets({ store, clock, onChange: forgetRoles }),
    teams: createTeams({ store, clock }),
    seatPools: createSeatPools({ store }),
    /** Webhook endpoints (admin) and the delivery engine (`serve` starts it). */
    webhooks: createWebhooks({ store, clock, engine: webhookDelivery }),
    webhookDelivery,
    async close(): Promise<void> {
      await webhookDelivery.stop();
      await sequencer.stop();
      await this.provisioningLog.close();
      await store.close();
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
