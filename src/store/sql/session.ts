/** A `StoreSession` over a Kysely handle: the store itself, or one transaction of it. */
import type { StoreSession } from '../store.ts';
import { accountStore } from './accounts.ts';
import { adminKeyStore } from './admin-keys.ts';
import { auditStore } from './audit-entries.ts';
import { consoleSessionStore } from './console-sessions.ts';
import type { SqlContext } from './context.ts';
import { deprovisionBrakeStore } from './deprovision-brake.ts';
import { domainStore } from './domains.ts';
import { eventStore } from './events.ts';
import { groupMemberStore } from './group-members.ts';
import { groupPermissionSetStore } from './group-permission-sets.ts';
import { groupStore } from './groups.ts';
import { permissionSetStore } from './permission-sets.ts';
import { scimAppStore } from './scim-apps.ts';
import { seatPoolStore } from './seat-pools.ts';
import { settingStore } from './settings.ts';
import { teamStore } from './teams.ts';
import { tokenStore } from './tokens.ts';
import { userStore } from './users.ts';
import { webhookStore } from './webhooks.ts';

export function sessionFor(ctx: SqlContext): StoreSession {
  return {
    accounts: accountStore(ctx),
    users: userStore(ctx),
    permissionSets: permissionSetStore(ctx),
    domains: domainStore(ctx),
    scimApps: scimAppStore(ctx),
    tokens: tokenStore(ctx),
    settings: settingStore(ctx),
    deprovisionBrake: deprovisionBrakeStore(ctx),
    groups: groupStore(ctx),
    groupMembers: groupMemberStore(ctx),
    groupPermissionSets: groupPermissionSetStore(ctx),
    teams: teamStore(ctx),
    seatPools: seatPoolStore(ctx),
    adminKeys: adminKeyStore(ctx),
    audit: auditStore(ctx),
    consoleSessions: consoleSessionStore(ctx),
    events: eventStore(ctx),
    webhooks: webhookStore(ctx),
  };
}
