/**
 * The directory's records. These are what the store persists and what every surface (SCIM,
 * admin API, CLI) reads; no HTTP or SQL shapes leak in here.
 */

export type PlanTier = 'starter' | 'professional' | 'enterprise';
export type PricingModel = 'seats' | 'classic';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly tier: PlanTier;
  readonly pricingModel: PricingModel;
  readonly ssoEnabled: boolean;
  /**
   * A sandbox provisions users in any email domain, verified or not, so an IdP or a SCIM test
   * suite can be tried before a domain is verified (PRODUCT.md item 8). Set by the operator
   * only; the demo account is one. Every surface says so.
   */
  readonly sandbox: boolean;
  readonly createdAt: string;
}

/** Who owns a user's identity fields: the app's own admins, or the IdP through SCIM. */
export type ManagedBy = 'app' | 'scim';

/** One element of a multi-valued attribute (an email, a phone number, an address...). */
export type AttributeElement = Readonly<Record<string, unknown>>;

export interface User {
  /** Opaque and unguessable; also the SCIM `id`. */
  readonly id: string;
  readonly accountId: string;
  /** Sign-in name as the IdP sent it; unique per account, compared case-insensitively. */
  readonly userName: string;
  /** The IdP's own identifier for the user; compared case-exactly. */
  readonly externalId: string | null;
  /** Primary email as stored; unique per account, compared case-insensitively. */
  readonly email: string | null;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly active: boolean;
  readonly superAdmin: boolean;
  readonly permissionSetId: string;
  readonly managedBy: ManagedBy;
  /**
   * Set when the IdP deleted the user: the user is deactivated and unlinked from SCIM, kept with
   * its data, and invisible to SCIM until the IdP creates the same email again.
   */
  readonly deprovisionedAt: string | null;
  /**
   * Single-valued profile attributes in their SCIM shape (`name`, `displayName`, `title`,
   * `locale`, the enterprise extension under its URN...). Indexed copies of some of them live in
   * the fields above; this is the representation returned to clients.
   */
  readonly profile: Readonly<Record<string, unknown>>;
  /** Multi-valued attributes by canonical name (`emails`, `phoneNumbers`, `addresses`...). */
  readonly multiValued: Readonly<Record<string, readonly AttributeElement[]>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented on every change; the SCIM ETag. */
  readonly version: number;
}

export interface PermissionSet {
  readonly id: string;
  readonly accountId: string;
  /** Matched exactly: case and spaces matter. */
  readonly name: string;
  /** The built-in set every account has and every unmatched user falls back to. */
  readonly isMinimal: boolean;
  readonly permissions: readonly string[];
  /**
   * The paid seat that goes with the set, if any: on the classic pricing model the set gives it
   * to its users; on the seats model its users must already hold it (PRODUCT.md behaviour 4).
   */
  readonly paidSeat?: SeatType | null;
  readonly createdAt: string;
}

/**
 * A SCIM group the IdP pushes (PRODUCT.md: "SCIM group"). It never becomes a team. Its members
 * live in their own table, so the record carries only their count.
 */
export interface Group {
  /** Opaque and unguessable; also the SCIM `id`. */
  readonly id: string;
  readonly accountId: string;
  /** Unique per account, compared case-insensitively (Entra requires unique names). */
  readonly displayName: string;
  readonly externalId: string | null;
  /** Number of members, kept with every membership change. */
  readonly memberCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented on every change, membership included; the SCIM ETag. */
  readonly version: number;
}

/** One member of a group: a user of the same account. */
export interface GroupMember {
  readonly userId: string;
  /** The user's displayName, else userName: what SCIM shows as the member's `display`. */
  readonly display: string;
}

/** One group a user belongs to, for the User resource's read-only `groups`. */
export interface Membership {
  readonly userId: string;
  readonly groupId: string;
  readonly groupName: string;
  /** The group's version: it moves on renames, so a member's ETag can move with it. */
  readonly groupVersion: number;
}

/**
 * An admin's explicit mapping of a group (by id, so renames cannot break it) to a permission
 * set. Only mappings give groups any effect on permissions (see `groups.ts`).
 */
export interface GroupPermissionSet {
  readonly accountId: string;
  readonly groupId: string;
  readonly permissionSetId: string;
  /** Lower wins when a user is in several mapped groups. */
  readonly priority: number;
  readonly createdAt: string;
}

export type DomainState = 'pending' | 'verified' | 'failed';

/** Why a domain check did not verify; `failureReason` says the same in words. */
export type DomainFailureCode =
  | 'no_record'
  | 'wrong_value'
  | 'nxdomain'
  | 'timeout'
  | 'resolver_error'
  /** The record is there, but another account verified the domain first (`domains.ts`). */
  | 'claimed';

export interface Domain {
  readonly id: string;
  readonly accountId: string;
  /** Lower-case domain name, internationalised names in their ASCII (punycode) form. */
  readonly domain: string;
  readonly state: DomainState;
  readonly challengeHost: string;
  readonly challengeValue: string;
  readonly lastCheckedAt: string | null;
  readonly verifiedAt: string | null;
  /** Why the last check did not verify (also while still pending); null once verified. */
  readonly failureCode: DomainFailureCode | null;
  readonly failureReason: string | null;
  /** Until when a pending domain is re-checked; null once verified or failed. */
  readonly checkUntil: string | null;
  /**
   * The operator allows this account to verify the domain although another account holds it.
   * Without it, a domain is verified for one account at most: the first to verify it.
   */
  readonly sharingAllowed: boolean;
  readonly createdAt: string;
}

export interface ScimApp {
  readonly id: string;
  readonly accountId: string;
  /** `uid` of the project's `app-hsmeta.json`: the app's identity across uploads. */
  readonly uid: string;
  readonly name: string;
  readonly description: string;
  /** `uid` of the project's `scim/scim-hsmeta.json`. */
  readonly scimUid: string;
  readonly roleSyncEnabled: boolean;
  /** Set while the app is installed; installing issues its access token. */
  readonly installedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented on every change; writes are compare-and-set on it. */
  readonly version: number;
}

export interface AccessToken {
  readonly id: string;
  readonly accountId: string;
  readonly appId: string;
  /** First characters of the token, shown to admins to tell tokens apart. */
  readonly prefix: string;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  readonly hash: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export type ProvisioningOutcome = 'success' | 'failure' | 'warning';

/** One SCIM request, as recorded in the provisioning log. */
export interface ProvisioningEvent {
  readonly id: string;
  readonly accountId: string | null;
  readonly at: string;
  /** Detected from the User-Agent: 'okta', 'entra', 'google', ... or 'unknown'. */
  readonly idp: string;
  readonly method: string;
  readonly path: string;
  /** What the request did, in words: 'create user', 'deactivate user', 'list users'... */
  readonly operation: string;
  readonly userId: string | null;
  /** The group the request was about (`/Groups/{id}`, a created group), if any. */
  readonly groupId: string | null;
  readonly status: number;
  readonly outcome: ProvisioningOutcome;
  readonly scimType: string | null;
  /** Plain-language explanation of a failure or warning. */
  readonly explanation: string | null;
  /** Request and response bodies, JSON with secrets redacted, or null. */
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  readonly durationMs: number;
  /** The account was a sandbox when the request ran (its users' domains were not checked). */
  readonly sandbox: boolean;
  /** The request's id (`X-Request-Id`, http/request-id.ts); null for events logged before ids. */
  readonly requestId: string | null;
}

/** Seat types on the seats pricing model (PRODUCT.md, "Seat"). */
export const SEAT_TYPES = ['core', 'sales', 'service', 'view-only'] as const;
export type SeatType = (typeof SEAT_TYPES)[number];

export interface Team {
  readonly id: string;
  readonly accountId: string;
  /** Unique per account, compared exactly. */
  readonly name: string;
  readonly createdAt: string;
}

/** A user's place in a team: at most one team per user is primary. */
export interface TeamMembership {
  readonly teamId: string;
  readonly userId: string;
  readonly accountId: string;
  readonly isPrimary: boolean;
}

/** Seats of one type bought by an account on the seats model, and how many are in use. */
export interface SeatPool {
  readonly accountId: string;
  readonly seatType: SeatType;
  readonly purchased: number;
  readonly assigned: number;
}

/** An account-scoped admin API key. The key itself is shown once and never stored. */
export interface AdminKey {
  readonly id: string;
  readonly accountId: string;
  /** What the admin called it, to tell keys apart. */
  readonly name: string;
  /** First characters of the key. */
  readonly prefix: string;
  /** SHA-256 of the key, hex. */
  readonly hash: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** Who made an admin API call: the operator key, or one account's admin key. */
export type AuditActor =
  | { readonly kind: 'operator' }
  | { readonly kind: 'admin-key'; readonly keyId: string; readonly prefix: string }
  /** The installed SCIM app, acting for the IdP (adoptions). */
  | { readonly kind: 'scim-app'; readonly appId: string };

/** One mutating admin call, as kept in the audit trail. */
export interface AuditEntry {
  readonly id: string;
  /** The account acted on (or, for a refused call, the caller's own); null for operator calls
   * that reached no account. */
  readonly accountId: string | null;
  readonly at: string;
  readonly actor: AuditActor;
  /** A stable name for the action: 'account.update', 'user.deactivate'... */
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly status: number;
  readonly outcome: 'success' | 'failure';
  /** The error code of a failed call. */
  readonly errorCode: string | null;
  /** The request body as JSON text, bounded, or null. */
  readonly request: string | null;
}

/**
 * A web console session: an admin key exchanged for a cookie. Only hashes are kept; the caller
 * is derived from the key's hash on every request, so a revoked key ends its sessions at once.
 */
export interface ConsoleSession {
  /** SHA-256 of the session id the browser holds, hex. */
  readonly idHash: string;
  /** SHA-256 of the admin key it was opened with (the operator's or an account's), hex. */
  readonly keyHash: string;
  /** The account shown: an account key's own; the operator's choice, or null for none yet. */
  readonly accountId: string | null;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** The session ends then, however active (idle sessions end sooner: `console-sessions.ts`). */
  readonly expiresAt: string;
}

/**
 * Who made a change an event reports (issue 11): the IdP through the SCIM app's token, an
 * account's admin key (admin API and CLI), the console (signed in with an admin key, or with
 * the operator key: `keyId` null), the operator key, or Roster itself.
 */
export type EventActor =
  | {
      readonly kind: 'idp';
      readonly appId: string;
      readonly tokenId: string;
      /** The IdP as detected from its requests (`okta`, `entra`…; `unknown`). */
      readonly idp: string;
    }
  | { readonly kind: 'admin_key'; readonly keyId: string }
  | { readonly kind: 'console'; readonly keyId: string | null }
  | { readonly kind: 'operator' }
  | { readonly kind: 'system' };

/**
 * One event of an account's feed as stored. `type` and `data` are checked by the directory
 * (`directory/events.ts` holds the closed set); the store keeps them as given.
 */
export interface DirectoryEvent {
  /** Stable public id (`evt_…`). */
  readonly id: string;
  readonly accountId: string;
  /** Per account, from 1, gap-free, in commit order. */
  readonly sequence: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: EventActor;
  /** What the event is about: `user:<id>`, `group:<id>`, `account:<id>`. */
  readonly subject: string;
  readonly data: unknown;
}

/** An event as a change appends it: not sequenced yet. */
export type NewDirectoryEvent = Omit<DirectoryEvent, 'sequence'>;

/**
 * A webhook endpoint of an account (issue 11; docs/webhooks.md). `secret` signs deliveries
 * (Standard Webhooks), so it is kept as issued, unlike tokens and keys: it is never logged and
 * shown only at creation and rotation. `cursor` is the account's event sequence delivered last;
 * the delivery engine moves it only after a 2xx, one event at a time.
 */
export interface WebhookEndpoint {
  readonly id: string;
  readonly accountId: string;
  readonly url: string;
  readonly description: string | null;
  /** The event types sent; empty means every type. */
  readonly eventTypes: readonly string[];
  readonly secret: string;
  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: string | null;
  readonly enabled: boolean;
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
  readonly cursor: number;
  /** Failed attempts at the event after the cursor, since the last success. */
  readonly attempts: number;
  /** When the engine may try again (after a failure); null: at once. */
  readonly nextAttemptAt: string | null;
  /** The first failure of the current run of failures; null while healthy. */
  readonly failingSince: string | null;
  readonly lastError: string | null;
  /** The instance delivering to it, until `leaseExpiresAt`. */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type WebhookTrigger = 'automatic' | 'redelivery' | 'test';

/** One attempt to deliver one event (or the test event) to one endpoint. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly accountId: string;
  readonly eventId: string;
  readonly eventType: string;
  /** Null for the test event, which is not in the feed. */
  readonly eventSequence: number | null;
  /** 1 for the first try of an event, counting the automatic retries after it. */
  readonly attempt: number;
  readonly trigger: WebhookTrigger;
  readonly statusCode: number | null;
  /** Why it failed without a status (`timeout`, `connection refused`…), or null. */
  readonly error: string | null;
  readonly latencyMs: number;
  /** The start of the response body as text, sanitised; null when there was none. */
  readonly responseExcerpt: string | null;
  readonly deliveredAt: string;
  readonly success: boolean;
}
