/**
 * Kysely's view of the schema created by `migrations/`. Column types cover both dialects:
 * booleans are 0/1 on SQLite and boolean on PostgreSQL; JSON is text on SQLite and jsonb on
 * PostgreSQL (written as JSON text, read back parsed by pg); bigint counters come back as strings
 * from pg. The noun modules convert rows to records so callers never see these differences.
 */
import type { ColumnType, Generated } from 'kysely';

export type DbBool = ColumnType<boolean | number, boolean | number, boolean | number>;
/** Written as JSON text; read as text (SQLite) or an already parsed value (PostgreSQL). */
export type DbJson = ColumnType<unknown, string, string>;

export interface AccountsTable {
  id: string;
  name: string;
  tier: string;
  pricing_model: string;
  sso_enabled: DbBool;
  /** Provisions users in any email domain (an operator's setting; migration 0012). */
  sandbox: DbBool;
  created_at: string;
}

export interface UsersTable {
  /** Creation order and keyset tie-breaker. */
  seq: Generated<number | string>;
  id: string;
  account_id: string;
  user_name: string;
  user_name_lower: string;
  external_id: string | null;
  email: string | null;
  email_lower: string | null;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  active: DbBool;
  super_admin: DbBool;
  permission_set_id: string;
  managed_by: string;
  deprovisioned_at: string | null;
  profile: DbJson;
  multi_valued: DbJson;
  created_at: string;
  updated_at: string;
  version: number;
}

/** One element of a multi-valued attribute. */
export interface UserValuesTable {
  user_id: string;
  account_id: string;
  attribute: string;
  position: number;
  value: string | null;
  value_lower: string | null;
  type: string | null;
  is_primary: DbBool;
  display: string | null;
  data: DbJson;
}

export interface PermissionSetsTable {
  id: string;
  account_id: string;
  name: string;
  is_minimal: DbBool;
  permissions: DbJson;
  /** Added by 0004; null: no paid seat. */
  paid_seat: string | null;
  created_at: string;
}

export interface DomainsTable {
  id: string;
  account_id: string;
  domain: string;
  state: string;
  challenge_host: string;
  challenge_value: string;
  last_checked_at: string | null;
  verified_at: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  check_until: string | null;
  /** 0/1 on SQLite. */
  sharing_allowed: boolean | number;
  created_at: string;
}

export interface ScimAppsTable {
  id: string;
  account_id: string;
  uid: string;
  name: string;
  description: string;
  scim_uid: string;
  role_sync_enabled: DbBool;
  installed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface AccessTokensTable {
  id: string;
  account_id: string;
  app_id: string;
  prefix: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface ProvisioningEventsTable {
  /** Insertion order; breaks ties between events with the same `at`. */
  seq: Generated<number | string>;
  id: string;
  account_id: string | null;
  at: string;
  idp: string;
  method: string;
  path: string;
  operation: string;
  user_id: string | null;
  group_id: string | null;
  status: number;
  outcome: string;
  scim_type: string | null;
  explanation: string | null;
  request_body: string | null;
  response_body: string | null;
  duration_ms: number;
  /** The account was a sandbox when the request ran (migration 0012; SQLite log version 2). */
  sandbox: DbBool;
  /** The request's `X-Request-Id` (migration 0016; SQLite log version 4); null before. */
  request_id: string | null;
}

/** Failed authentications per minute; '' stands for "none" in key columns. */
export interface AuthFailuresTable {
  minute: string;
  account_id: string;
  token_prefix: string;
  reason: string;
  idp: string;
  source: string;
  count: number | string;
}

/** Users per account and manager, and the `~shifts` of positions (migration 0011). */
export interface UserCountsTable {
  account_id: string;
  managed_by: string;
  shard: number;
  n: number | string;
}

export interface GroupsTable {
  /** Creation order and keyset tie-breaker. */
  seq: Generated<number | string>;
  id: string;
  account_id: string;
  display_name: string;
  display_name_lower: string;
  external_id: string | null;
  member_count: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  account_id: string;
}

export interface GroupPermissionSetsTable {
  group_id: string;
  account_id: string;
  permission_set_id: string;
  priority: number;
  created_at: string;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  user_values: UserValuesTable;
  permission_sets: PermissionSetsTable;
  domains: DomainsTable;
  scim_apps: ScimAppsTable;
  access_tokens: AccessTokensTable;
  provisioning_events: ProvisioningEventsTable;
  auth_failures: AuthFailuresTable;
  user_counts: UserCountsTable;
  settings: SettingsTable;
  deactivations: DeactivationsTable;
  deprovision_brakes: DeprovisionBrakesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_permission_sets: GroupPermissionSetsTable;
  admin_keys: AdminKeysTable;
  audit_entries: AuditEntriesTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  seat_pools: SeatPoolsTable;
  seat_assignments: SeatAssignmentsTable;
  console_sessions: ConsoleSessionsTable;
  events: EventsTable;
  event_counters: EventCountersTable;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface DeactivationsTable {
  id: string;
  account_id: string;
  user_id: string;
  at: string;
}

export interface DeprovisionBrakesTable {
  account_id: string;
  released_at: string;
}

export interface AdminKeysTable {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditEntriesTable {
  seq: Generated<number | string>;
  id: string;
  account_id: string | null;
  at: string;
  actor_kind: string;
  actor_key_id: string | null;
  actor_prefix: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  status: number;
  outcome: string;
  error_code: string | null;
  request: string | null;
}

export interface TeamsTable {
  id: string;
  account_id: string;
  name: string;
  created_at: string;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  account_id: string;
  is_primary: DbBool;
}

export interface SeatPoolsTable {
  account_id: string;
  seat_type: string;
  purchased: number;
  assigned: number;
}

export interface SeatAssignmentsTable {
  user_id: string;
  account_id: string;
  seat_type: string;
  assigned_at: string;
}

export interface ConsoleSessionsTable {
  id_hash: string;
  key_hash: string;
  account_id: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** The events outbox (migration 0015). */
export interface EventsTable {
  /** Insertion order, global; the sequencer's order. */
  position: Generated<number | string>;
  id: string;
  account_id: string;
  /** Per account; NULL until the sequencer gives it one. */
  sequence: number | string | null;
  type: string;
  occurred_at: string;
  actor: DbJson;
  subject: string;
  data: DbJson;
}

export interface EventCountersTable {
  account_id: string;
  last_sequence: number | string;
}
