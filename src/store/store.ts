/**
 * The storage contract, shaped by the directory. SQLite and PostgreSQL implement it with the same
 * Kysely code (`sql/`); the directory imports only these types.
 *
 * Rules every implementation keeps (and `test/store/store-contract.ts` checks):
 * - userName and email are unique per account, compared case-insensitively, stored as given;
 *   a write that breaks this rejects with `ConflictError`, never a driver error.
 * - `users.update` is compare-and-set on `version`: it writes only when the stored version equals
 *   `expectedVersion`, and reports whether it did.
 * - Every method of a `StoreSession` obtained from `transaction` runs in that one transaction.
 * - Group displayName is unique per account, case-insensitively (`ConflictError`
 *   'group.displayName'). Membership writes touch only the members they name.
 */
import type { GroupPage, GroupQuery } from '../directory/group-query.ts';
import type {
  AccessToken,
  Account,
  AdminKey,
  AuditEntry,
  ConsoleSession,
  DirectoryEvent,
  Domain,
  DomainState,
  Group,
  GroupMember,
  GroupPermissionSet,
  Membership,
  NewDirectoryEvent,
  PermissionSet,
  ProvisioningEvent,
  ProvisioningOutcome,
  ScimApp,
  SeatPool,
  SeatType,
  Team,
  TeamMembership,
  User,
  WebhookDelivery,
  WebhookEndpoint,
} from '../directory/model.ts';
import type { UserPage, UserQuery } from '../directory/user-query.ts';

export interface AccountStore {
  insert(account: Account): Promise<void>;
  findById(id: string): Promise<Account | undefined>;
  /** All accounts, oldest first. */
  list(): Promise<Account[]>;
  /** Writes name, tier, pricing model, SSO and sandbox; false when the account does not exist. */
  update(account: Account): Promise<boolean>;
}

export interface UserStore {
  insert(user: User): Promise<void>;
  /** Bulk load for seeding and imports: one statement per chunk, in one transaction. */
  insertMany(users: readonly User[]): Promise<void>;
  findById(accountId: string, id: string): Promise<User | undefined>;
  /**
   * `findById` with the user's groups, in the order `GroupMemberStore.groupsOf` gives, read in
   * one statement: on PostgreSQL every statement is a round trip, and a read by id needs both.
   */
  findByIdWithGroups(
    accountId: string,
    id: string,
  ): Promise<{ readonly user: User; readonly memberships: Membership[] } | undefined>;
  /**
   * Users of the account whose userName equals `userName`, or whose email equals `email`, both
   * compared case-insensitively. At most two users can match (one per unique key).
   */
  findByIdentity(
    accountId: string,
    identity: { readonly userName?: string | undefined; readonly email?: string | undefined },
  ): Promise<User[]>;
  /**
   * Compare-and-set on version; the stored row takes `user` as given (including its version).
   * With `previous` (the user as read at `expectedVersion`), only what differs is written: a
   * deactivation touches three columns and no element rows.
   */
  update(user: User, expectedVersion: number, previous?: User): Promise<boolean>;
  /**
   * Gives the user `permissionSetId` unless they already have it, bumping version and
   * updatedAt; returns whether it changed anything. A single-column write, so group membership
   * changes need not read the user.
   */
  assignPermissionSet(
    accountId: string,
    id: string,
    permissionSetId: string,
    at: string,
  ): Promise<boolean>;
  query(query: UserQuery): Promise<UserPage>;
  count(accountId: string): Promise<number>;
  /** Users of the account that are active (SCIM-managed or not). */
  countActive(accountId: string): Promise<number>;
  /** Deletes the user and what hangs off it (elements, team memberships, seat assignment). */
  delete(accountId: string, id: string): Promise<boolean>;
  /** How many users of the account hold the permission set. */
  countWithPermissionSet(accountId: string, permissionSetId: string): Promise<number>;
}

export interface GroupStore {
  insert(group: Group): Promise<void>;
  findById(accountId: string, id: string): Promise<Group | undefined>;
  /**
   * `findById` that also holds the group's row until the transaction ends, so concurrent writers
   * of one group (from any instance) run one after the other: PostgreSQL `FOR UPDATE`; SQLite
   * runs one write transaction at a time anyway. Outside a transaction it is `findById`.
   */
  lock(accountId: string, id: string): Promise<Group | undefined>;
  /** Compare-and-set on version; the stored row takes `group` as given. */
  update(group: Group, expectedVersion: number): Promise<boolean>;
  /** Deletes the group with its memberships and mapping; false when there was none. */
  delete(accountId: string, id: string): Promise<boolean>;
  query(query: GroupQuery): Promise<GroupPage>;
}

export interface GroupMemberStore {
  /**
   * The users among `userIds` that can be members: users of the account that SCIM can see
   * (not deleted by the IdP), with their member `display`. Unknown ids are simply absent.
   */
  candidates(accountId: string, userIds: readonly string[]): Promise<GroupMember[]>;
  /** Adds the memberships that do not exist yet; returns how many were added. */
  add(accountId: string, groupId: string, userIds: readonly string[]): Promise<number>;
  /** Removes the memberships that exist; returns how many were removed. */
  remove(accountId: string, groupId: string, userIds: readonly string[]): Promise<number>;
  /** Empties the group; returns how many memberships were removed. */
  removeAll(accountId: string, groupId: string): Promise<number>;
  /** Members after `afterUserId` (exclusive) in user id order, at most `limit`. */
  page(
    accountId: string,
    groupId: string,
    afterUserId: string | undefined,
    limit: number,
  ): Promise<GroupMember[]>;
  /** Which of `userIds` are members of the group. */
  membersAmong(accountId: string, groupId: string, userIds: readonly string[]): Promise<string[]>;
  /** The groups of each of `userIds`, ordered by user then group name. */
  groupsOf(accountId: string, userIds: readonly string[]): Promise<Membership[]>;
  /** Removes the user from every group; returns the ids of the groups they left. */
  removeUser(accountId: string, userId: string): Promise<string[]>;
}

export interface GroupPermissionSetStore {
  /** Inserts or replaces the mapping of `mapping.groupId`. */
  put(mapping: GroupPermissionSet): Promise<void>;
  remove(accountId: string, groupId: string): Promise<boolean>;
  list(accountId: string): Promise<GroupPermissionSet[]>;
  /** Whether the account has any mapping at all: without one, groups never touch permissions. */
  any(accountId: string): Promise<boolean>;
  /**
   * For each of `userIds`, the mapping that decides their permission set: of the mapped groups
   * they belong to, the one with the lowest priority (then oldest). Users in no mapped group are
   * absent from the map.
   */
  decisive(accountId: string, userIds: readonly string[]): Promise<Map<string, GroupPermissionSet>>;
}

export interface PermissionSetStore {
  insert(permissionSet: PermissionSet): Promise<void>;
  findById(accountId: string, id: string): Promise<PermissionSet | undefined>;
  findMinimal(accountId: string): Promise<PermissionSet | undefined>;
  list(accountId: string): Promise<PermissionSet[]>;
  /** Writes name, permissions and paid seat; false when the set does not exist. */
  update(permissionSet: PermissionSet): Promise<boolean>;
  delete(accountId: string, id: string): Promise<boolean>;
}

export interface TeamStore {
  insert(team: Team): Promise<void>;
  /** Renames; false when the team does not exist. */
  update(team: Team): Promise<boolean>;
  /** Deletes the team and its memberships. */
  delete(accountId: string, id: string): Promise<boolean>;
  findById(accountId: string, id: string): Promise<Team | undefined>;
  list(accountId: string): Promise<Team[]>;
  /** Members per team id (teams without members are absent). */
  memberCounts(accountId: string): Promise<Map<string, number>>;
  membershipsOf(accountId: string, userIds: readonly string[]): Promise<TeamMembership[]>;
  /** Replaces every membership of the user with `memberships`. */
  setMemberships(
    accountId: string,
    userId: string,
    memberships: readonly TeamMembership[],
  ): Promise<void>;
}

/**
 * Seat pools and who holds their seats. `take` and `release` are single conditional statements,
 * so concurrent assignments can never hand out more seats than were purchased.
 */
export interface SeatPoolStore {
  list(accountId: string): Promise<SeatPool[]>;
  /**
   * Sets the purchased count, creating the pool if needed. False (nothing written) when more
   * seats than `purchased` are already assigned.
   */
  setPurchased(accountId: string, seatType: SeatType, purchased: number): Promise<boolean>;
  /** Takes one seat if one is free; false when the pool is full or does not exist. */
  take(accountId: string, seatType: SeatType): Promise<boolean>;
  release(accountId: string, seatType: SeatType): Promise<void>;
  /** Seat types held, per user id (users without a seat are absent). */
  seatsOf(accountId: string, userIds: readonly string[]): Promise<Map<string, SeatType>>;
  /** Records the user's seat (null: none). Pool counts are the caller's business (take/release). */
  setSeat(accountId: string, userId: string, seatType: SeatType | null, at: string): Promise<void>;
}

export interface AdminKeyStore {
  insert(key: AdminKey): Promise<void>;
  findByHash(hash: string): Promise<AdminKey | undefined>;
  list(accountId: string): Promise<AdminKey[]>;
  touch(id: string, at: string): Promise<void>;
  /** False when the account has no such key; revoking twice keeps the first time. */
  revoke(accountId: string, id: string, at: string): Promise<boolean>;
}

export interface AuditFilter {
  /** Undefined: every account's entries and those of no account. */
  readonly accountId?: string | undefined;
  /** Entries strictly older than this entry, for paging backwards. */
  readonly before?: string | undefined;
  readonly action?: string | undefined;
  readonly limit: number;
}

export interface AuditStore {
  insert(entry: AuditEntry): Promise<void>;
  /** The entry with this id, in any account. */
  find(id: string): Promise<AuditEntry | undefined>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEntry[]>;
  /** Deletes entries older than `before` (ISO); returns how many. */
  prune(before: string): Promise<number>;
}

export interface DomainStore {
  insert(domain: Domain): Promise<void>;
  /**
   * Writes `domain` over the stored record. With `expected`, compare-and-set: writes only while
   * the stored state and lastCheckedAt still equal those given, and says whether it wrote (a
   * check that raced another check, possibly on another instance, must not undo its result).
   * A domain is verified without `sharingAllowed` for one account at most: a write that would
   * make a second rejects with `ConflictError` 'domain.claimed' (a unique index, so instances
   * racing on one database cannot both win).
   */
  update(
    domain: Domain,
    expected?: { readonly state: DomainState; readonly lastCheckedAt: string | null },
  ): Promise<boolean>;
  list(accountId: string): Promise<Domain[]>;
  /** The account's domain record for a lower-case domain name, in any state. */
  find(accountId: string, domain: string): Promise<Domain | undefined>;
  /** Domains of every account in `state`, least recently checked (never checked) first. */
  listByState(state: DomainState, limit: number): Promise<Domain[]>;
  /** Every account's verified record of a lower-case domain name, oldest verification first. */
  listVerified(domain: string): Promise<Domain[]>;
  /** Deletes the account's record for a lower-case domain name; says whether there was one. */
  delete(accountId: string, domain: string): Promise<boolean>;
}

export interface ScimAppStore {
  insert(app: ScimApp): Promise<void>;
  /** Compare-and-set on version: writes `app` only while the stored version is `expectedVersion`. */
  update(app: ScimApp, expectedVersion: number): Promise<boolean>;
  findByAccount(accountId: string): Promise<ScimApp | undefined>;
  /** Deletes the account's app with this id; says whether there was one. */
  delete(accountId: string, id: string): Promise<boolean>;
}

export interface TokenStore {
  insert(token: AccessToken): Promise<void>;
  findByHash(hash: string): Promise<AccessToken | undefined>;
  /** The account's token with this id, never another account's. */
  findById(accountId: string, id: string): Promise<AccessToken | undefined>;
  list(accountId: string): Promise<AccessToken[]>;
  touch(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
  /** Revokes every unrevoked token of the app; returns the ids it revoked. */
  revokeAllForApp(accountId: string, appId: string, at: string): Promise<string[]>;
  /**
   * Makes an unrevoked token expire at `at`, unless it already expires earlier (rotation
   * overlap never extends a token's life); says whether the token now expires at `at`.
   */
  expire(accountId: string, id: string, at: string): Promise<boolean>;
}

export interface ProvisioningEventFilter {
  readonly accountId?: string | undefined;
  /**
   * Events strictly older than this event, for paging backwards. The event must belong to
   * `accountId` when one is given: another account's event is no anchor (the store reports
   * `anchorNotFound`).
   */
  readonly before?: string | undefined;
  /** Inclusive lower and exclusive upper bound on `at` (ISO 8601). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly idp?: string | undefined;
  readonly operation?: string | undefined;
  readonly outcome?: ProvisioningOutcome | undefined;
  readonly userId?: string | undefined;
  readonly groupId?: string | undefined;
  /** The events of one request (its `X-Request-Id`). */
  readonly requestId?: string | undefined;
  readonly limit: number;
}

/** A page of the provisioning log, or the reason there is none. */
export type ProvisioningEventPage =
  | { readonly ok: true; readonly events: ProvisioningEvent[] }
  | { readonly ok: false; readonly reason: 'anchorNotFound' };

/**
 * Failed SCIM authentications, counted per minute and per what an admin needs to tell them
 * apart. Nothing a client sends in bulk (paths, queries, bodies) is kept.
 */
export interface AuthFailureCount {
  /** The minute, as an ISO timestamp with zero seconds (`2026-12-04T17:03:00.000Z`). */
  readonly minute: string;
  /** The account of a known (revoked or expired) token; null for an unknown token. */
  readonly accountId: string | null;
  /** The stored prefix of a known token; null otherwise. */
  readonly tokenPrefix: string | null;
  readonly reason: AuthFailureReason;
  readonly idp: string;
  /** The client's address as the server saw it, or 'unknown'. */
  readonly source: string;
  readonly count: number;
}

/**
 * Why no account answered for a request: its credential was missing, malformed, unknown,
 * revoked or expired; its address was throttled for failing too often; it was refused before
 * authentication (a token in the query); or it needed none (discovery without a token).
 */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'unknown'
  | 'revoked'
  | 'expired'
  | 'throttled'
  | 'refused'
  | 'anonymous';

export interface AuthFailureFilter {
  /** Undefined: every account's failures and those of unknown tokens (operator view). */
  readonly accountId?: string | undefined;
  /** Inclusive lower and exclusive upper bound on `minute`. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
}

/**
 * One identity provider's requests to an account, for the console's connection status. Each
 * figure is read from an index (`account_id, idp, outcome, at`), so it costs the same at any
 * size of the log.
 */
export interface IdpActivity {
  readonly idp: string;
  /** When this IdP last called, however long ago (within the log's retention). */
  readonly lastAt: string;
  /** Its requests at or after `since`, by outcome. */
  readonly requests: number;
  readonly failures: number;
  readonly warnings: number;
  /** Its newest failed request, however long ago. */
  readonly lastFailure: ProvisioningEvent | null;
}

/**
 * The provisioning log: one event per SCIM request, kept apart from the directory's own tables.
 * Appending never waits for a database: events are queued and written in batches by a writer
 * off the request path (on SQLite a thread with its own database file, on PostgreSQL multi-row
 * inserts). What is queued but unwritten when the process dies is lost, never a directory write;
 * each implementation states its bound.
 */
export interface ProvisioningLogStore {
  /** Queues one event. */
  append(event: ProvisioningEvent): void;
  /** Queues counts of failed authentications; counts of the same key add up. */
  appendAuthFailures(counts: readonly AuthFailureCount[]): void;
  /** Resolves when everything queued before the call is written. */
  flush(): Promise<void>;
  /** Newest first; flushes first, so a reader sees its own requests. */
  list(filter: ProvisioningEventFilter): Promise<ProvisioningEventPage>;
  findById(accountId: string, id: string): Promise<ProvisioningEvent | undefined>;
  /** Newest minute first. */
  listAuthFailures(filter: AuthFailureFilter): Promise<AuthFailureCount[]>;
  /** Every IdP that has called the account, most recent first; counts from `since` (ISO). */
  idpActivity(accountId: string, since: string): Promise<IdpActivity[]>;
  /** Deletes events and failure counts older than `before` (ISO); returns how many events. */
  prune(before: string): Promise<number>;
  /** Events queued and not yet written: the writer's backlog. */
  backlog(): number;
  /** Writes what is queued, then stops the writer. */
  close(): Promise<void>;
}

export interface SettingStore {
  /**
   * The stored value of `key`; if there is none yet, stores `value` and returns it. Instances
   * racing on an empty database all get the one value that was stored first.
   */
  getOrInsert(key: string, value: string): Promise<string>;
  /**
   * Stores `value` under `key` unless the key exists, and says whether this call stored it.
   * Inside a transaction this is a claim: a concurrent claimant waits for the first to commit
   * (or roll back) and then loses (or wins).
   */
  insertIfAbsent(key: string, value: string): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
}

/** One deactivation an IdP made, as the brake records it. */
export interface Deactivation {
  readonly id: string;
  readonly accountId: string;
  readonly userId: string;
  readonly at: string;
}

/** What the mass-deprovisioning brake counts (`directory/deprovision-brake.ts`). */
export interface DeprovisionBrakeStore {
  /**
   * Inside a transaction: holds the account's brake until the transaction ends. `exclusive`:
   * alone, so concurrent deactivations (from any instance) count and record one after the
   * other and the limit holds exactly. `shared`: beside other shared holders, never beside an
   * exclusive one. Returns how many other transactions may be in flight beside this one at
   * most: PostgreSQL, a transaction-level advisory lock, answers `max_connections` − 1 (each
   * transaction holds a connection); SQLite runs one write transaction at a time already and
   * answers 0. Outside a transaction it holds nothing.
   */
  lock(accountId: string, mode: 'shared' | 'exclusive'): Promise<number>;
  recordDeactivation(deactivation: Deactivation): Promise<void>;
  /** Deactivations of the account recorded strictly after `since` (an ISO timestamp). */
  countDeactivationsSince(accountId: string, since: string, atMost?: number): Promise<number>;
  /**
   * The account's window in one read: when an admin last released its brake, if ever, and its
   * deactivations recorded strictly after the later of that release and `windowStart` (a
   * release starts a fresh window), counted up to `atMost` when given.
   */
  countWindow(
    accountId: string,
    windowStart: string,
    atMost?: number,
  ): Promise<{ readonly releasedAt: string | undefined; readonly count: number }>;
  /**
   * Records the deactivation only if the window's count (as `countWindow` counts it) plus
   * `margin` stays under `limit`, in one statement; whether it recorded.
   */
  recordIfBelow(
    deactivation: Deactivation,
    windowStart: string,
    limit: number,
    margin: number,
  ): Promise<boolean>;
  release(accountId: string, at: string): Promise<void>;
}

/** Web console sessions, by the hash of their id. */
export interface ConsoleSessionStore {
  insert(session: ConsoleSession): Promise<void>;
  find(idHash: string): Promise<ConsoleSession | undefined>;
  /** Writes the last-seen time and the account shown; false when the session is gone. */
  update(
    idHash: string,
    changes: { readonly lastSeenAt?: string; readonly accountId?: string | null },
  ): Promise<boolean>;
  delete(idHash: string): Promise<boolean>;
  /** Deletes sessions whose `expiresAt` or last-seen time is before the given times. */
  prune(expiredBefore: string, idleBefore: string): Promise<number>;
}

/** What one run of the sequencer did. */
export interface SequencedBatch {
  /** Events that got their sequence in this run. */
  readonly count: number;
  /** The accounts they belong to (so waiting readers of those accounts wake up). */
  readonly accountIds: readonly string[];
  /** PostgreSQL, without `wait`: another caller held the sequencer's lock, so nothing was tried. */
  readonly busy: boolean;
}

/**
 * The events outbox and feed (issue 11; migration 0015). Events are appended inside the change's
 * transaction and commit with it. On PostgreSQL they are appended unsequenced and sequenced once
 * committed; on SQLite, whose transactions commit one after the other in the order they run, a
 * transaction numbers its events itself. Readers see sequenced events only.
 */
export interface EventStore {
  /**
   * Whether `append` inside a transaction also gives the events their sequences (SQLite): once
   * it commits they are readable, and the sequencer has nothing to do for them.
   */
  readonly sequencesOnAppend: boolean;
  /**
   * Inserts events; inside a transaction they commit with it. Unsequenced, unless the store
   * `sequencesOnAppend` and this runs in a transaction.
   */
  append(events: readonly NewDirectoryEvent[]): Promise<void>;
  /**
   * Gives committed, unsequenced events (at most `limit`, oldest insertion first) the next
   * sequences of their accounts, in one transaction. Only one caller sequences at a time across
   * every instance: PostgreSQL takes a transaction-level advisory lock, and with `wait` false a
   * caller that does not get it at once returns an empty batch instead of waiting (another
   * instance is sequencing). SQLite serializes writers anyway.
   */
  sequencePending(limit: number, options?: { readonly wait?: boolean }): Promise<SequencedBatch>;
  /** Sequenced events of the account after `afterSequence`, in sequence order. */
  listAfter(
    accountId: string,
    afterSequence: number,
    options: { readonly types?: readonly string[] | undefined; readonly limit: number },
  ): Promise<DirectoryEvent[]>;
  /** The account's last given sequence; 0 before its first event. */
  latestSequence(accountId: string): Promise<number>;
  /** The lowest sequence the account still keeps, or undefined when it keeps none. */
  oldestRetained(accountId: string): Promise<number | undefined>;
  /** Committed events waiting for a sequence, and when the oldest of them occurred. */
  pending(): Promise<{ readonly count: number; readonly oldestOccurredAt: string | null }>;
  /**
   * Deletes sequenced events that occurred before `before` (ISO), except each account's newest
   * event, so a cursor at the end stays valid; returns how many.
   */
  prune(before: string): Promise<number>;
}

/** What a change to an endpoint may set; absent fields keep their value. */
export type WebhookEndpointChanges = Partial<
  Omit<WebhookEndpoint, 'id' | 'accountId' | 'createdAt' | 'leaseOwner' | 'leaseExpiresAt'>
>;

/**
 * Webhook endpoints, their delivery log and the delivery engine's leases (issue 11; migration
 * 0017). An endpoint's row is its work item: the engine claims due endpoints with a lease and
 * writes the outcome of each attempt only while it still holds that lease.
 */
export interface WebhookStore {
  insertEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  findEndpoint(accountId: string, id: string): Promise<WebhookEndpoint | undefined>;
  /** Oldest first; an account has few endpoints (the directory caps them). */
  listEndpoints(accountId: string): Promise<WebhookEndpoint[]>;
  /** Applies `changes`; the endpoint as changed, or undefined when there is none. */
  updateEndpoint(
    accountId: string,
    id: string,
    changes: WebhookEndpointChanges,
  ): Promise<WebhookEndpoint | undefined>;
  /** Deletes the endpoint and its delivery log; false when there was none. */
  deleteEndpoint(accountId: string, id: string): Promise<boolean>;
  /** The accounts that have at least one enabled endpoint (the engine wakes only for them). */
  accountsWithEnabledEndpoints(): Promise<string[]>;
  /**
   * Leases up to `limit` endpoints that are due: enabled, not leased (or their lease expired
   * before `now`), not waiting for a retry after `now`, and behind their account's latest
   * event. Each gets `owner` until `leaseUntil`. On PostgreSQL rows another instance is
   * claiming are skipped (`FOR UPDATE SKIP LOCKED`), so no two instances claim one endpoint;
   * SQLite has one writer.
   */
  claimDue(claim: {
    readonly owner: string;
    readonly now: string;
    readonly leaseUntil: string;
    readonly limit: number;
  }): Promise<WebhookEndpoint[]>;
  /**
   * Applies `changes` and extends the lease to `leaseUntil` (null: releases it), only while
   * `owner` still holds the lease; false when it lost it (expired and taken over), in which
   * case nothing is written.
   */
  updateLeased(
    id: string,
    owner: string,
    changes: WebhookEndpointChanges,
    leaseUntil: string | null,
  ): Promise<boolean>;
  /** The sequenced event `eventId` of the account, for redelivery. */
  findEvent(accountId: string, eventId: string): Promise<DirectoryEvent | undefined>;
  insertDelivery(delivery: WebhookDelivery): Promise<void>;
  findDelivery(
    accountId: string,
    endpointId: string,
    id: string,
  ): Promise<WebhookDelivery | undefined>;
  /** The endpoint's delivery log, newest first, older than the delivery `before` when given. */
  listDeliveries(
    accountId: string,
    endpointId: string,
    page: { readonly before?: string | undefined; readonly limit: number },
  ): Promise<WebhookDelivery[]>;
  /** Deletes log entries delivered before `before` (ISO); returns how many. */
  pruneDeliveries(before: string): Promise<number>;
  /**
   * What enabled endpoints have not received yet: events between their cursor and their
   * account's latest (not counting type filters), and when the oldest of those occurred.
   */
  backlog(): Promise<{ readonly events: number; readonly oldestOccurredAt: string | null }>;
}

export interface StoreSession {
  readonly accounts: AccountStore;
  readonly users: UserStore;
  readonly permissionSets: PermissionSetStore;
  readonly domains: DomainStore;
  readonly scimApps: ScimAppStore;
  readonly tokens: TokenStore;
  readonly settings: SettingStore;
  readonly deprovisionBrake: DeprovisionBrakeStore;
  readonly groups: GroupStore;
  readonly groupMembers: GroupMemberStore;
  readonly groupPermissionSets: GroupPermissionSetStore;
  readonly teams: TeamStore;
  readonly seatPools: SeatPoolStore;
  readonly adminKeys: AdminKeyStore;
  readonly audit: AuditStore;
  readonly consoleSessions: ConsoleSessionStore;
  readonly events: EventStore;
  readonly webhooks: WebhookStore;
}

export interface Store extends StoreSession {
  readonly dialect: 'sqlite' | 'postgres';
  /** Not part of transactions: on SQLite it is another database file. */
  readonly log: ProvisioningLogStore;
  /** Runs `work` in one transaction: all of its writes commit together or not at all. */
  transaction<T>(work: (session: StoreSession) => Promise<T>): Promise<T>;
  /** Applies pending migrations; safe when several instances start at once. */
  migrate(): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  /**
   * Refreshes the query planner's statistics where the database needs to be told (SQLite's
   * `pragma optimize`; PostgreSQL's autovacuum does it by itself). The store also does this
   * every few minutes while it is open.
   */
  refreshStatistics(): Promise<void>;
  close(): Promise<void>;
}
