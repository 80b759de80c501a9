/**
 * The events of an account's directory (issue 11; docs/events.md): a closed set of types with
 * their data, who made the change, and the builders the directory's write functions use. An
 * event is appended in the transaction of the change it reports (`EventStore.append`), so a
 * committed change always has its event and a rolled-back one never does.
 *
 * Who acted is known at the surface (a SCIM token, an admin key, the console), not in the
 * directory functions, which every surface shares. The surface runs its request inside
 * `withActor`, and the builders read it from there: every directory write then records its
 * actor without each of its dozens of call sites passing one along. Outside any surface
 * (retention, background checks) the actor is `system`.
 */
import { newId } from './ids.ts';
import type { EventActor, NewDirectoryEvent, User } from './model.ts';

/** The user as events show it: identity and state, never profile blobs or secrets. */
export interface EventUser {
  readonly id: string;
  readonly userName: string;
  readonly email: string | null;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly active: boolean;
  readonly permissionSetId: string;
  readonly managedBy: 'app' | 'scim';
}

/** One changed field of `user.updated`. */
export interface FieldChange {
  readonly before: unknown;
  readonly after: unknown;
}

export interface EventGroup {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
}

/** Every event type and the shape of its `data`. */
export interface EventDataByType {
  'user.created': { readonly user: EventUser };
  /** An existing app user the IdP created again: linked, keeps its id (PRODUCT.md item 7). */
  'user.adopted': {
    readonly user: EventUser;
    readonly permissionSetBefore: string;
    readonly permissionSetAfter: string;
  };
  /**
   * Fields that changed, before and after. Covers the permission set (`permissionSetId`), the
   * seat (`seat`) and teams (`teams`) too: one type for every change to a user's record, so a
   * consumer that mirrors users needs one handler. `active` changes also get their own
   * `user.deactivated` / `user.reactivated` event, after this one.
   */
  'user.updated': {
    readonly userId: string;
    readonly userName: string;
    readonly changes: Readonly<Record<string, FieldChange>>;
  };
  'user.deactivated': { readonly user: EventUser };
  'user.reactivated': { readonly user: EventUser };
  /** The IdP deleted the user: deactivated (its own event) and no longer SCIM-managed. */
  'user.unlinked': { readonly user: EventUser };
  /** An admin deleted an app user and its data. */
  'user.deleted': { readonly userId: string; readonly userName: string };
  'group.created': { readonly group: EventGroup; readonly memberIds: readonly string[] };
  'group.renamed': { readonly before: EventGroup; readonly after: EventGroup };
  'group.deleted': { readonly group: EventGroup; readonly memberCount: number };
  'group.members_added': { readonly groupId: string; readonly userIds: readonly string[] };
  'group.members_removed': { readonly groupId: string; readonly userIds: readonly string[] };
  /** Role sync chose a permission set for a user from the IdP's role (or fell back). */
  'role_sync.decided': {
    readonly userId: string;
    readonly permissionSetId: string;
    /** True when no role matched and the user got the minimal permission set. */
    readonly fallback: boolean;
    readonly warning: string | null;
  };
  'scim_app.installed': { readonly appId: string; readonly name: string };
  'scim_app.uninstalled': { readonly appId: string; readonly name: string };
  /** A new token; the replaced ones keep working until `replacedUntil` (the overlap). */
  'token.rotated': {
    readonly appId: string;
    readonly tokenId: string;
    readonly replacedTokenIds: readonly string[];
    readonly replacedUntil: string;
  };
  'token.revoked': { readonly appId: string; readonly tokenId: string };
  'domain.verified': { readonly domain: string };
}

export type EventType = keyof EventDataByType;

/** The closed set, in the order docs/events.md lists it. */
export const EVENT_TYPES = [
  'user.created',
  'user.adopted',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.unlinked',
  'user.deleted',
  'group.created',
  'group.renamed',
  'group.deleted',
  'group.members_added',
  'group.members_removed',
  'role_sync.decided',
  'scim_app.installed',
  'scim_app.uninstalled',
  'token.rotated',
  'token.revoked',
  'domain.verified',
] as const satisfies readonly EventType[];

/** A type missing from EVENT_TYPES fails to compile. */
type Unlisted = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const everyTypeListed: [Unlisted] extends [never] ? true : never = true;
void everyTypeListed;

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The author of changes no request made: retention, domain rechecks, the sequencer. Every
 * surface passes its own actor explicitly to the directory's writes. (An AsyncLocalStorage
 * would carry it for free in the code, but on Node 20 it turns on promise hooks for the whole
 * process: measured 15–35% more CPU per SCIM create, and every read paid too.)
 */
export const SYSTEM_ACTOR: EventActor = { kind: 'system' };

export function eventUser(user: User): EventUser {
  return {
    id: user.id,
    userName: user.userName,
    email: user.email,
    externalId: user.externalId,
    displayName: user.displayName,
    givenName: user.givenName,
    familyName: user.familyName,
    active: user.active,
    permissionSetId: user.permissionSetId,
    managedBy: user.managedBy,
  };
}

export function eventGroup(group: {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
}): EventGroup {
  return { id: group.id, displayName: group.displayName, externalId: group.externalId };
}

/** A new, unsequenced event of `type`, by the current actor. */
export function newEvent<T extends EventType>(
  accountId: string,
  type: T,
  subject: string,
  data: EventDataByType[T],
  occurredAt: string,
  actor: EventActor,
): NewDirectoryEvent {
  return {
    id: `evt_${newId()}`,
    accountId,
    type,
    occurredAt,
    actor,
    subject,
    data,
  };
}

/**
 * Identity fields compared for `user.updated`, with profile and multi-valued attributes (as
 * JSON). `updatedAt` and `version` are bookkeeping, not changes.
 */
const USER_FIELDS = [
  'userName',
  'externalId',
  'email',
  'displayName',
  'givenName',
  'familyName',
  'active',
  'superAdmin',
  'permissionSetId',
  'managedBy',
  'deprovisionedAt',
] as const satisfies readonly (keyof User)[];

/** JSON with object keys sorted, so stored jsonb key order never counts as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/**
 * The profile without what the user's own fields already report (`displayName`, the given and
 * family name), so one change is not listed twice.
 */
function mirrorless(profile: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { displayName: _shown, name, ...others } = profile;
  const rest: Record<string, unknown> = { ...others };
  if (name && typeof name === 'object' && !Array.isArray(name)) {
    const { givenName: _given, familyName: _family, ...more } = name as Record<string, unknown>;
    if (Object.keys(more).length > 0) rest.name = more;
  }
  return rest;
}

/** What changed between two versions of a user, field by field. */
export function userChanges(before: User, after: User): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const field of USER_FIELDS) {
    if (before[field] !== after[field]) {
      changes[field] = { before: before[field], after: after[field] };
    }
  }
  const before_ = mirrorless(before.profile);
  const after_ = mirrorless(after.profile);
  const profileKeys = new Set([...Object.keys(before_), ...Object.keys(after_)]);
  for (const key of [...profileKeys].sort()) {
    const a = before_[key];
    const b = after_[key];
    if (canonical(a) !== canonical(b)) {
      changes[`profile.${key}`] = { before: a ?? null, after: b ?? null };
    }
  }
  const multiKeys = new Set([
    ...Object.keys(before.multiValued),
    ...Object.keys(after.multiValued),
  ]);
  for (const key of [...multiKeys].sort()) {
    const a = before.multiValued[key];
    const b = after.multiValued[key];
    if (canonical(a ?? []) !== canonical(b ?? [])) {
      changes[key] = { before: a ?? [], after: b ?? [] };
    }
  }
  return changes;
}

/**
 * The events of a change to a user: `user.updated` with the fields that changed, then
 * `user.deactivated` / `user.reactivated` when `active` flipped. None when nothing changed.
 */
export function userUpdateEvents(
  before: User,
  after: User,
  at: string,
  actor: EventActor,
  /** Changes kept outside the user's row: `seat`, `teams`. */
  more: Readonly<Record<string, FieldChange>> = {},
): NewDirectoryEvent[] {
  const changes = { ...userChanges(before, after), ...more };
  if (Object.keys(changes).length === 0) return [];
  const subject = `user:${after.id}`;
  const events = [
    newEvent(
      after.accountId,
      'user.updated',
      subject,
      { userId: after.id, userName: after.userName, changes },
      at,
      actor,
    ),
  ];
  if (before.active && !after.active) {
    events.push(
      newEvent(after.accountId, 'user.deactivated', subject, { user: eventUser(after) }, at, actor),
    );
  }
  if (!before.active && after.active) {
    events.push(
      newEvent(after.accountId, 'user.reactivated', subject, { user: eventUser(after) }, at, actor),
    );
  }
  return events;
}
