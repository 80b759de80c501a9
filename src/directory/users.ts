import { domainToASCII } from 'node:url';
import { ConflictError } from '../store/errors.ts';
import type { Store, StoreSession } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { BrakeNeedsExclusive, type DeprovisionBrake } from './deprovision-brake.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { eventUser, newEvent, userUpdateEvents } from './events.ts';
import { newId } from './ids.ts';
import type { EventActor, Membership, PermissionSet, User } from './model.ts';
import { decidePermissionSet, type RoleClaim, type RoleDecision } from './role-sync.ts';
import type { UserPage, UserQuery } from './user-query.ts';

/** What a provisioning client says a user should look like: the fields the IdP owns. */
export type UserDraft = Pick<
  User,
  | 'userName'
  | 'externalId'
  | 'email'
  | 'displayName'
  | 'givenName'
  | 'familyName'
  | 'active'
  | 'profile'
  | 'multiValued'
>;

/** A draft plus the role the IdP sent with it, if any (role sync; `role-sync.ts`). */
export type UserChange = UserDraft & { readonly roleClaim?: RoleClaim | undefined };

type ProvisionPlan =
  | {
      readonly kind: 'adopt';
      readonly match: User;
      readonly permissionSetId: string;
      readonly warning?: string | undefined;
      readonly appId?: string | undefined;
      readonly decision?: RoleDecision | undefined;
    }
  | {
      readonly kind: 'create';
      readonly permissionSetId: string;
      readonly warning?: string | undefined;
      readonly decision?: RoleDecision | undefined;
    };

/** What a SCIM create of one user would do (the adoption preview). */
export interface ProvisioningPreview {
  readonly userName: string;
  readonly email: string | null;
  /**
   * `match`: the user is already provisioned under this userName; an IdP finds it by userName
   * (its matching attribute) and updates it rather than creating it.
   */
  readonly outcome: 'create' | 'adopt' | 'match' | 'refused';
  /** The app user that would be adopted, or the provisioned user an IdP would match. */
  readonly existingUserId: string | null;
  /** Adoption: the permission set the user holds now. */
  readonly permissionSetBefore: string | null;
  /** The permission set the user would end up with (its name). */
  readonly permissionSet: string | null;
  readonly warning: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** What a SCIM write did, with a warning for the provisioning log when there is one. */
export interface ProvisionResult {
  readonly user: User;
  readonly adopted: boolean;
  readonly warning?: string | undefined;
}

/** A compare-and-set loser retries this often before giving up with a retryable error. */
const UPDATE_ATTEMPTS = 25;

/** After a lost compare-and-set: a short random pause, growing with each attempt, so writers
 * racing on one user (possibly from several instances) spread out instead of colliding again. */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * (attempt + 1)));
}

/** RFC 7644 §3.14 If-Match: the write proceeds only from a version the client has seen. */
function assertVersion(user: User, ifMatch: readonly number[] | undefined): void {
  assertThat(
    ifMatch === undefined || ifMatch.includes(user.version),
    'user.version_mismatch',
    `the user is at version ${user.version} (ETag W/"${user.version}"), not the version in If-Match`,
  );
}

/**
 * JSON with object keys sorted: stored profiles come back with their keys in another order
 * (PostgreSQL's jsonb sorts them), which must not count as a change.
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** The fields compared by value; `profile` and `multiValued` are compared as canonical JSON. */
const SCALAR_FIELDS = [
  'id',
  'accountId',
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
  'createdAt',
] as const satisfies readonly (keyof User)[];

/** A field added to User but not to SCALAR_FIELDS (nor compared as JSON) fails to compile. */
type Uncompared = Exclude<
  keyof User,
  (typeof SCALAR_FIELDS)[number] | 'profile' | 'multiValued' | 'updatedAt' | 'version'
>;
const everyFieldCompared: [Uncompared] extends [never] ? true : never = true;
void everyFieldCompared;

/**
 * Equal but for the bookkeeping every write changes (`updatedAt`, `version`). The scalars first:
 * a deactivation differs in `active` and is known changed before any JSON is built.
 */
function sameContent(a: User, b: User): boolean {
  for (const field of SCALAR_FIELDS) if (a[field] !== b[field]) return false;
  return (
    canonicalJson(a.profile) === canonicalJson(b.profile) &&
    canonicalJson(a.multiValued) === canonicalJson(b.multiValued)
  );
}

/** Whether SCIM may see the user at all: IdP-deleted users are gone until re-created. */
export function isVisibleToScim(user: User): boolean {
  return user.managedBy === 'scim' || user.deprovisionedAt === null;
}

/**
 * Identity values are indexed: they must fit an index entry on both stores (PostgreSQL's btree
 * entries stop near 2.7 kB), and no real sign-in name or email comes close to these limits.
 */
const MAX_IDENTITY_LENGTH = 512;
const MAX_ELEMENT_VALUE_BYTES = 2048;

function assertIndexable(draft: UserDraft): void {
  for (const [name, value] of [
    ['userName', draft.userName],
    ['email', draft.email],
    ['externalId', draft.externalId],
  ] as const) {
    assertThat(
      value === null || value.length <= MAX_IDENTITY_LENGTH,
      'user.value_too_long',
      `${name} is ${value?.length} characters long; at most ${MAX_IDENTITY_LENGTH} are allowed`,
    );
  }
  for (const [attribute, elements] of Object.entries(draft.multiValued)) {
    for (const element of elements) {
      const value = element.value;
      assertThat(
        typeof value !== 'string' || Buffer.byteLength(value) <= MAX_ELEMENT_VALUE_BYTES,
        'user.value_too_long',
        `a value of ${attribute} is longer than ${MAX_ELEMENT_VALUE_BYTES} bytes`,
      );
    }
  }
}

/** Ids are opaque, but no id Roster issues is empty, long, or holds control characters. */
function isPlausibleId(id: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return id.length > 0 && id.length <= 128 && !/[\u0000-\u001f]/.test(id);
}

/** The address's domain as domains are stored: lower case, internationalised names in punycode. */
function domainOf(address: string | null): string | undefined {
  if (!address) return undefined;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at >= address.length - 1) return undefined;
  const domain = address.slice(at + 1).toLowerCase();
  // ASCII names are used as they are; others through IDNA (empty when not a valid name).
  return /^[\x21-\x7e]*$/.test(domain) ? domain : domainToASCII(domain) || domain;
}

function conflictToDirectoryError(error: unknown, draft: UserDraft): never {
  if (error instanceof ConflictError && error.constraint === 'user.email') {
    throw new DirectoryError(
      'user.email_taken',
      `email '${draft.email}' already belongs to another user of this account`,
    );
  }
  if (error instanceof ConflictError) {
    throw new DirectoryError(
      'user.user_name_taken',
      `userName '${draft.userName}' already belongs to another user of this account`,
    );
  }
  throw error;
}

export function createUsers({
  store,
  clock,
  brake,
  leaveGroups,
}: {
  store: Store;
  clock: Clock;
  brake: DeprovisionBrake;
  /**
   * Runs `writeUser` (which stores the deprovisioned user) and removes the user from every
   * group, in the deprovisioning transaction; see `Groups.removeUserFromAll`.
   */
  leaveGroups?: (
    session: StoreSession,
    accountId: string,
    userId: string,
    writeUser: () => Promise<boolean>,
    actor: EventActor,
  ) => Promise<boolean>;
}) {
  // The built-in minimal set never changes once its account exists, so every instance may
  // remember its id.
  const minimalIds = new Map<string, string>();
  async function minimalPermissionSetId(session: StoreSession, accountId: string): Promise<string> {
    let id = minimalIds.get(accountId);
    if (id === undefined) {
      const minimal = await session.permissionSets.findMinimal(accountId);
      assertThat(minimal, 'account.not_found', `account '${accountId}' does not exist`);
      id = minimal.id;
      minimalIds.set(accountId, id);
    }
    return id;
  }

  /** Rule: SCIM users' email domains must be verified for the account (PRODUCT.md, item 8). */
  async function assertDomainsVerified(
    session: StoreSession,
    accountId: string,
    draft: UserDraft,
    previous?: User,
  ): Promise<void> {
    const addresses = new Set<string>();
    // Only identity values that change are checked, so a user whose domain later lapses can
    // still be updated and, above all, deactivated.
    if (draft.email !== previous?.email) addresses.add(draft.email ?? '');
    if (draft.userName !== previous?.userName && draft.userName.includes('@')) {
      addresses.add(draft.userName);
    }
    let sandbox: boolean | undefined;
    for (const address of addresses) {
      const domain = domainOf(address);
      if (!domain) continue;
      const record = await session.domains.find(accountId, domain);
      if (record?.state === 'verified') continue;
      // A sandbox account takes any domain (PRODUCT.md item 8); read only when it matters.
      sandbox ??= (await session.accounts.findById(accountId))?.sandbox ?? false;
      if (sandbox) return;
      throw new DirectoryError(
        'user.domain_unverified',
        `the email domain '${domain}' of '${address}' is not verified for this account; ` +
          `add and verify '${domain}' (a DNS TXT record) before provisioning its users`,
      );
    }
  }

  /**
   * Role sync (PRODUCT.md behaviour 3): whether the account's SCIM app syncs roles, and the
   * permission set the claim gives when it does. Nothing is read when there is nothing to decide.
   */
  async function roleSync(
    session: StoreSession,
    accountId: string,
    claim: RoleClaim | undefined,
    user: User | undefined,
    always = false,
  ): Promise<{ enabled: boolean; decision?: RoleDecision | undefined; appId?: string }> {
    const claimed = claim !== undefined && claim.kind !== 'unchanged';
    if (!claimed && !always) return { enabled: false };
    const app = await session.scimApps.findByAccount(accountId);
    if (!app?.roleSyncEnabled) return { enabled: false, appId: app?.id };
    if (!claimed) return { enabled: true, appId: app.id };
    const sets = await session.permissionSets.list(accountId);
    // An admin's group mapping outranks the role (groups.ts): a mapped member keeps its set.
    const mapped = user
      ? (await session.groupPermissionSets.decisive(accountId, [user.id])).get(user.id)
      : undefined;
    const mappedSet = mapped && sets.find((set) => set.id === mapped.permissionSetId);
    if (mappedSet) {
      const ignored: RoleDecision = {
        permissionSet: mappedSet,
        warning:
          `the role is not applied: the user's permission set '${mappedSet.name}' comes from ` +
          `a group mapped to it (group ${mapped.groupId}), and group mappings outrank roles`,
      };
      return { enabled: true, decision: ignored, appId: app.id };
    }
    const decision = decidePermissionSet(claim, sets);
    if (decision) await assertSeatHeld(session, accountId, decision.permissionSet, user);
    return { enabled: true, decision, appId: app.id };
  }

  /**
   * PRODUCT.md behaviour 4 on the seats pricing model: a role cannot give a seat, so a permission
   * set that needs one can only go to a user who already holds it (seats are assigned in the app).
   * On the classic model the set's paid seat comes with it, and nothing is checked here.
   */
  async function assertSeatHeld(
    session: StoreSession,
    accountId: string,
    set: PermissionSet,
    user: User | undefined,
  ): Promise<void> {
    if (!set.paidSeat) return;
    const account = await session.accounts.findById(accountId);
    if (account?.pricingModel !== 'seats') return;
    const held = user
      ? (await session.seatPools.seatsOf(accountId, [user.id])).get(user.id)
      : undefined;
    if (held === set.paidSeat) return;
    const who = user ? `user '${user.userName}'` : 'a new user';
    throw new DirectoryError(
      'user.seat_required',
      `permission set '${set.name}' needs a ${set.paidSeat} seat, and ${who} ` +
        `${held ? `has a ${held} seat` : 'has no seat'}. On the seats pricing model an IdP role ` +
        `cannot assign seats: an admin must ${user ? "change the user's seat" : 'create the user and assign the seat'} ` +
        'in Roster first; the next update from the IdP then applies the role',
    );
  }

  /** The draft of a SCIM create, checked before anything is read. */
  function validated(change: UserChange): { draft: UserDraft } {
    const { roleClaim: _claim, ...draft } = change;
    assertIndexable(draft);
    assertThat(
      draft.email,
      'user.email_missing',
      'Roster identifies users by email: send a work email in emails[].value, or an email ' +
        'address as userName',
    );
    return { draft };
  }

  /**
   * What a SCIM create of `change` will do: create a user, or adopt the existing app user with
   * the same userName or email (PRODUCT.md items 5, 7), with which permission set; or a
   * DirectoryError saying why it cannot. Reads only, so the adoption preview runs it as is.
   */
  async function planProvision(
    session: StoreSession,
    accountId: string,
    change: UserChange,
  ): Promise<ProvisionPlan> {
    const { roleClaim, ...draft } = change;
    await assertDomainsVerified(session, accountId, draft);
    const matches = await session.users.findByIdentity(accountId, {
      userName: draft.userName,
      email: draft.email ?? undefined,
    });
    const managed = matches.find((m) => m.managedBy === 'scim');
    if (managed) {
      const sameName = managed.userName.toLowerCase() === draft.userName.toLowerCase();
      throw new DirectoryError(
        sameName ? 'user.user_name_taken' : 'user.email_taken',
        sameName
          ? `userName '${draft.userName}' is already provisioned (user ${managed.id})`
          : `email '${draft.email}' is already provisioned (user ${managed.id})`,
      );
    }
    const [match, other] = matches;
    if (match) {
      assertThat(
        !other,
        'user.identity_ambiguous',
        `userName '${draft.userName}' and email '${draft.email}' belong to two different ` +
          `existing users (${match.id}, ${other?.id}); change one of them in the app first`,
      );
      // PRODUCT.md item 7: with role sync on, the role names the set (or minimal); with it off,
      // the adopted user keeps the permissions they had.
      const roles = await roleSync(session, accountId, roleClaim, match, true);
      const permissionSetId = roles.enabled
        ? (roles.decision?.permissionSet.id ?? (await minimalPermissionSetId(session, accountId)))
        : match.permissionSetId;
      return {
        kind: 'adopt',
        match,
        permissionSetId,
        warning: roles.decision?.warning,
        appId: roles.appId,
        decision: roles.decision,
      };
    }
    const roles = await roleSync(session, accountId, roleClaim, undefined);
    const permissionSetId =
      roles.decision?.permissionSet.id ?? (await minimalPermissionSetId(session, accountId));
    return {
      kind: 'create',
      permissionSetId,
      warning: roles.decision?.warning,
      decision: roles.decision,
    };
  }

  /**
   * One attempt at a SCIM create, in one transaction: plan, then create or adopt. Undefined when
   * the adopted user changed after the plan read it (its version check lost): another writer,
   * often the same create sent to another instance, got there first, and the caller plans again
   * from what is stored now, so it answers what that writer's result means (409 when it made
   * the user SCIM-managed) rather than a retryable 503.
   */
  async function provisionOnce(
    session: StoreSession,
    accountId: string,
    change: UserChange,
    draft: UserDraft,
    restore: ((existing: User) => UserChange) | undefined,
    actor: EventActor,
  ): Promise<ProvisionResult | undefined> {
    const plan = await planProvision(session, accountId, change);
    const now = clock.now();
    if (plan.kind === 'adopt') {
      const { match } = plan;
      const { draft: kept } = validated(restore ? restore(match) : change);
      // The restored draft may carry stored values the create did not send (its emails): the
      // user becomes the IdP's, so every identity value must be in a verified domain.
      if (restore) await assertDomainsVerified(session, accountId, kept);
      const adopted: User = {
        ...applyDraft(match, kept, now),
        permissionSetId: plan.permissionSetId,
        managedBy: 'scim',
        deprovisionedAt: null,
      };
      if (!(await session.users.update(adopted, match.version))) return undefined;
      // Issue 4: every adoption is in the audit trail, written with the adoption itself.
      await session.audit.insert({
        id: newId(),
        accountId,
        at: now,
        actor: { kind: 'scim-app', appId: plan.appId ?? '' },
        action: 'user.adopt',
        targetType: 'user',
        targetId: match.id,
        status: 201,
        outcome: 'success',
        errorCode: null,
        request: JSON.stringify({
          userName: draft.userName,
          email: draft.email,
          permissionSetBefore: match.permissionSetId,
          permissionSetAfter: plan.permissionSetId,
        }),
      });
      await session.events.append([
        newEvent(
          accountId,
          'user.adopted',
          `user:${match.id}`,
          {
            user: eventUser(adopted),
            permissionSetBefore: match.permissionSetId,
            permissionSetAfter: adopted.permissionSetId,
          },
          now,
          actor,
        ),
        ...roleDecisionEvent(accountId, match.id, plan.decision, change.roleClaim, now, actor),
      ]);
      return { user: adopted, adopted: true, warning: plan.warning };
    }
    const user: User = {
      ...draft,
      id: newId(),
      accountId,
      superAdmin: false,
      permissionSetId: plan.permissionSetId,
      managedBy: 'scim',
      deprovisionedAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await session.users.insert(user);
    await session.events.append([
      newEvent(accountId, 'user.created', `user:${user.id}`, { user: eventUser(user) }, now, actor),
      ...roleDecisionEvent(accountId, user.id, plan.decision, change.roleClaim, now, actor),
    ]);
    return { user, adopted: false, warning: plan.warning };
  }

  /** `role_sync.decided` for a decision the IdP's role led to (not a group mapping's). */
  function roleDecisionEvent(
    accountId: string,
    userId: string,
    decision: RoleDecision | undefined,
    claim: RoleClaim | undefined,
    at: string,
    actor: EventActor,
  ) {
    if (decision === undefined || claim === undefined || claim.kind === 'unchanged') return [];
    return [
      newEvent(
        accountId,
        'role_sync.decided',
        `user:${userId}`,
        {
          userId,
          permissionSetId: decision.permissionSet.id,
          fallback:
            claim.kind === 'roles' &&
            decision.permissionSet.isMinimal &&
            decision.warning !== undefined,
          warning: decision.warning ?? null,
        },
        at,
        actor,
      ),
    ];
  }

  /** A SCIM read's 404: no such user, or one SCIM does not see (deleted by the IdP). */
  function assertFound(id: string, user: User | undefined): asserts user is User {
    assertThat(user && isVisibleToScim(user), 'user.not_found', `no user with id '${id}'`);
  }

  function applyDraft(user: User, draft: UserDraft, now: string): User {
    return {
      ...user,
      ...draft,
      updatedAt: now,
      version: user.version + 1,
    };
  }

  return {
    async get(accountId: string, id: string): Promise<User> {
      const user = isPlausibleId(id) ? await store.users.findById(accountId, id) : undefined;
      assertFound(id, user);
      return user;
    },

    /** `get` with the user's groups, which a read needs for its `groups` and its ETag. */
    async getWithGroups(
      accountId: string,
      id: string,
    ): Promise<{ readonly user: User; readonly memberships: readonly Membership[] }> {
      const found = isPlausibleId(id)
        ? await store.users.findByIdWithGroups(accountId, id)
        : undefined;
      const user = found?.user;
      assertFound(id, user);
      return { user, memberships: found?.memberships ?? [] };
    },

    query(query: UserQuery): Promise<UserPage> {
      return store.users.query(query);
    },

    /**
     * SCIM create. A user of the account who is not SCIM-managed (created in the app, or deleted
     * by the IdP earlier) and has the same userName or email is adopted: it keeps its id and
     * data and becomes SCIM-managed (PRODUCT.md items 5, 7). A SCIM-managed one is a conflict.
     * `restore` gives the change to write over an adopted user: by default `change` itself;
     * SCIM passes one that keeps what the create does not send (docs/idp-compatibility.md).
     */
    async provision(
      accountId: string,
      change: UserChange,
      options: { actor: EventActor; restore?: (existing: User) => UserChange },
    ): Promise<ProvisionResult> {
      const { draft } = validated(change);
      for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
        let result: ProvisionResult | undefined;
        try {
          result = await store.transaction((session) =>
            provisionOnce(session, accountId, change, draft, options.restore, options.actor),
          );
        } catch (error) {
          return conflictToDirectoryError(error, draft);
        }
        if (result) return result;
        await backOff(attempt);
      }
      throw new DirectoryError(
        'user.update_contended',
        `the user '${draft.userName}' is being changed by other requests at the same time; retry`,
      );
    },

    /**
     * What creating each of these users through SCIM would do, without doing it: the same plan
     * `provision` follows (issue 4's adoption preview), read-only.
     */
    async previewProvisioning(
      accountId: string,
      changes: readonly UserChange[],
    ): Promise<ProvisioningPreview[]> {
      const sets = new Map(
        (await store.permissionSets.list(accountId)).map((set) => [set.id, set.name]),
      );
      const previews: ProvisioningPreview[] = [];
      // An IdP looks a user up by userName before creating it (Okta, Entra: `filter=userName
      // eq`); one it already provisioned is found and updated, never created again.
      const provisionedUnder = async (userName: string) =>
        (await store.users.findByIdentity(accountId, { userName })).find(
          (user) =>
            user.managedBy === 'scim' && user.userName.toLowerCase() === userName.toLowerCase(),
        );
      for (const change of changes) {
        const identity = { userName: change.userName, email: change.email };
        try {
          validated(change);
          const matched = await provisionedUnder(change.userName);
          if (matched) {
            // What the IdP's update would do to the permission set (role sync on, a role sent).
            const { decision } = await roleSync(store, accountId, change.roleClaim, matched);
            previews.push({
              ...identity,
              outcome: 'match',
              existingUserId: matched.id,
              permissionSetBefore: sets.get(matched.permissionSetId) ?? null,
              permissionSet:
                decision?.permissionSet.name ??
                sets.get(matched.permissionSetId) ??
                matched.permissionSetId,
              warning: decision?.warning ?? null,
              error: null,
            });
            continue;
          }
          const plan = await planProvision(store, accountId, change);
          previews.push({
            ...identity,
            outcome: plan.kind,
            existingUserId: plan.kind === 'adopt' ? plan.match.id : null,
            permissionSetBefore:
              plan.kind === 'adopt' ? (sets.get(plan.match.permissionSetId) ?? null) : null,
            permissionSet: sets.get(plan.permissionSetId) ?? plan.permissionSetId,
            warning: plan.warning ?? null,
            error: null,
          });
        } catch (error) {
          if (!(error instanceof DirectoryError)) throw error;
          previews.push({
            ...identity,
            outcome: 'refused',
            existingUserId: null,
            permissionSetBefore: null,
            permissionSet: null,
            warning: null,
            error: { code: error.code, message: error.message },
          });
        }
      }
      return previews;
    },

    /**
     * Read-modify-write of one user through the IdP (PUT, PATCH). `change` computes the new
     * draft from the current user; it runs again if another writer got in first. `ifMatch` is
     * the version the client last saw (RFC 7644 §3.14); without it the update always proceeds.
     * The first SCIM write to an app-managed user makes it SCIM-managed.
     */
    async update(
      accountId: string,
      id: string,
      change: (current: User) => UserChange | Promise<UserChange>,
      options: {
        actor: EventActor;
        ifMatch?: readonly number[] | undefined;
        /**
         * Also return the user's groups, read with the user before the write (an update never
         * changes them), so that a response needs no read after it.
         */
        withGroups?: boolean | undefined;
      },
    ): Promise<{
      user: User;
      changed: boolean;
      warning?: string | undefined;
      memberships?: readonly Membership[] | undefined;
    }> {
      for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
        const { user: current, memberships } = options.withGroups
          ? await this.getWithGroups(accountId, id)
          : { user: await this.get(accountId, id), memberships: undefined };
        assertVersion(current, options.ifMatch);
        const { roleClaim, ...draft } = await change(current);
        assertIndexable(draft);
        // Decided before the write: the compare-and-set below rejects it if the user moved on.
        const { decision } = await roleSync(store, accountId, roleClaim, current);
        const next: User = {
          ...applyDraft(current, draft, clock.now()),
          managedBy: 'scim',
          permissionSetId: decision?.permissionSet.id ?? current.permissionSetId,
        };
        const warning = decision?.warning;
        const changed = current.managedBy !== 'scim' || !sameContent(current, next);
        if (!changed) return { user: current, changed: false, warning, memberships };
        try {
          const written = await store.transaction(async (session) => {
            await assertDomainsVerified(session, accountId, draft, current);
            const done = await session.users.update(next, current.version, current);
            if (done) {
              await session.events.append([
                ...userUpdateEvents(current, next, next.updatedAt, options.actor),
                ...(next.permissionSetId !== current.permissionSetId
                  ? roleDecisionEvent(
                      accountId,
                      id,
                      decision,
                      roleClaim,
                      next.updatedAt,
                      options.actor,
                    )
                  : []),
              ]);
            }
            // Last before the commit, in its transaction: a held deactivation rolls it all
            // back, and the brake's lock (PostgreSQL) is held for as few statements as can be.
            if (done && current.active && !next.active) await brake.admit(session, accountId, id);
            return done;
          });
          if (written) return { user: next, changed: true, warning, memberships };
        } catch (error) {
          // Near the brake's limit: everything rolled back; go again, taking the brake alone.
          if (error instanceof BrakeNeedsExclusive) continue;
          conflictToDirectoryError(error, draft);
        }
        await backOff(attempt);
      }
      throw new DirectoryError(
        'user.update_contended',
        `user '${id}' is being changed by other requests at the same time; retry`,
      );
    },

    /**
     * SCIM DELETE: deactivate, keep every piece of data, drop the SCIM link (PRODUCT.md item 5).
     * Later SCIM reads answer 404 until the IdP creates the same email again.
     */
    async deprovision(
      accountId: string,
      id: string,
      options: { actor: EventActor; ifMatch?: readonly number[] | undefined },
    ): Promise<User> {
      for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
        const current = await this.get(accountId, id);
        assertVersion(current, options.ifMatch);
        const now = clock.now();
        const next: User = {
          ...current,
          active: false,
          managedBy: 'app',
          externalId: null,
          deprovisionedAt: now,
          updatedAt: now,
          version: current.version + 1,
        };
        // Deleted by the IdP, the user leaves its groups too (docs/idp-compatibility.md): a
        // later create restores the user, and the IdP re-adds the memberships it wants.
        let written = false;
        try {
          written = await store.transaction(async (session) => {
            const writeUser = () => session.users.update(next, current.version, current);
            const done = await (leaveGroups
              ? leaveGroups(session, accountId, id, writeUser, options.actor)
              : writeUser());
            if (done) {
              const subject = `user:${id}`;
              await session.events.append([
                ...(current.active
                  ? [
                      newEvent(
                        accountId,
                        'user.deactivated',
                        subject,
                        { user: eventUser(next) },
                        now,
                        options.actor,
                      ),
                    ]
                  : []),
                newEvent(
                  accountId,
                  'user.unlinked',
                  subject,
                  { user: eventUser(next) },
                  now,
                  options.actor,
                ),
              ]);
            }
            // Last before the commit, in its transaction: a held deactivation rolls it all
            // back, and the brake's lock (PostgreSQL) is held for as few statements as can be.
            if (done && current.active) await brake.admit(session, accountId, id);
            return done;
          });
        } catch (error) {
          // Near the brake's limit: everything rolled back; go again, taking the brake alone.
          if (error instanceof BrakeNeedsExclusive) continue;
          // A group gained the user meanwhile: everything rolled back; go again.
          if (!(error instanceof DirectoryError && error.code === 'group.update_contended')) {
            throw error;
          }
        }
        if (written) return next;
        await backOff(attempt);
      }
      throw new DirectoryError(
        'user.update_contended',
        `user '${id}' is being changed by other requests at the same time; retry`,
      );
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
