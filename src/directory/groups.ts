/**
 * SCIM groups (PRODUCT.md: "SCIM group"; issue 5). Rules:
 * - displayName is unique per account, case-insensitively.
 * - Members are users of the account that SCIM can see. A member id that names no such user is
 *   skipped and reported (`unknownMemberIds`); the rest of the change still applies, so one
 *   stale id never costs the other members their membership (peers.md §3 item 9).
 * - Adding a member twice, or removing one who is absent, succeeds and changes nothing.
 * - Every write holds the group's row for its transaction (`GroupStore.lock`), so concurrent
 *   writers of one group, on any instance, apply one after the other and none is lost. A write
 *   touches only the members it names; the row's version and member count move with it.
 * - Groups never become teams and never touch permission sets, except through an admin's
 *   explicit mapping of a group id to a permission set (`mapPermissionSet`), and only while the
 *   account's role sync is on: then the IdP owns permission sets (PRODUCT.md items 2, 3). A user
 *   in mapped groups gets the set of the mapping with the lowest priority; a user who leaves the
 *   last mapped group falls back to the minimal set. Mapped groups outrank roles (`mappedPermissionSet`).
 */
import { ConflictError } from '../store/errors.ts';
import type { Store, StoreSession } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { eventGroup, newEvent } from './events.ts';
import type { GroupPage, GroupQuery } from './group-query.ts';
import { newId } from './ids.ts';
import type { EventActor, Group, GroupMember, GroupPermissionSet, Membership } from './model.ts';

export interface GroupDraft {
  readonly displayName: string;
  readonly externalId: string | null;
}

/** One membership step of a write, applied in order. */
export type MembershipChange =
  | { readonly kind: 'add'; readonly userIds: readonly string[] }
  | { readonly kind: 'remove'; readonly userIds: readonly string[] }
  | { readonly kind: 'removeAll' }
  /** Removes the members `matches` selects: reads every member, for filters other than ids. */
  | { readonly kind: 'removeMatching'; readonly matches: (member: GroupMember) => boolean }
  /** Exactly these members afterwards. */
  | { readonly kind: 'replace'; readonly userIds: readonly string[] };

export interface GroupChange {
  /** The group's own attributes after the change (unchanged values as they are). */
  readonly draft: GroupDraft;
  readonly membership: readonly MembershipChange[];
}

export interface GroupWrite {
  readonly group: Group;
  readonly changed: boolean;
  /** Ids named to be added that are no users of the account SCIM can see: skipped. */
  readonly unknownMemberIds: readonly string[];
}

/** Members per read when a group's members are walked (listing, replace, mapping). */
export const MEMBER_PAGE = 1000;

const MAX_NAME_LENGTH = 512;

function assertDraft(draft: GroupDraft): void {
  assertThat(
    draft.displayName.trim() !== '',
    'group.display_name_missing',
    'a group needs a displayName',
  );
  for (const [name, value] of [
    ['displayName', draft.displayName],
    ['externalId', draft.externalId],
  ] as const) {
    assertThat(
      value === null || value.length <= MAX_NAME_LENGTH,
      'group.value_too_long',
      `${name} is ${value?.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`,
    );
  }
}

/** RFC 7644 §3.14 If-Match. */
function assertVersion(group: Group, ifMatch: readonly number[] | undefined): void {
  assertThat(
    ifMatch === undefined || ifMatch.includes(group.version),
    'group.version_mismatch',
    `the group is at version ${group.version} (ETag W/"${group.version}"), not the version in If-Match`,
  );
}

function isPlausibleId(id: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return id.length > 0 && id.length <= 128 && !/[\u0000-\u001f]/.test(id);
}

function nameTaken(error: unknown, draft: GroupDraft): never {
  if (error instanceof ConflictError && error.constraint === 'group.displayName') {
    throw new DirectoryError(
      'group.display_name_taken',
      `a group named '${draft.displayName}' already exists in this account`,
    );
  }
  throw error;
}

const unique = (ids: readonly string[]) => [...new Set(ids)];

export function createGroups({ store, clock }: { store: Store; clock: Clock }) {
  /** Every member of a group, page by page, in user id order. */
  async function* walk(
    session: StoreSession,
    accountId: string,
    groupId: string,
  ): AsyncGenerator<GroupMember[]> {
    let after: string | undefined;
    for (;;) {
      const page = await session.groupMembers.page(accountId, groupId, after, MEMBER_PAGE);
      if (page.length === 0) return;
      yield page;
      if (page.length < MEMBER_PAGE) return;
      after = page.at(-1)?.userId;
    }
  }

  /** The known members among `ids`, and the ids that name no member-able user. */
  async function resolve(session: StoreSession, accountId: string, ids: readonly string[]) {
    const wanted = unique(ids);
    const known = await session.groupMembers.candidates(accountId, wanted.filter(isPlausibleId));
    const found = new Set(known.map((m) => m.userId));
    return { known, unknown: wanted.filter((id) => !found.has(id)) };
  }

  /** Whether membership of `groupId` decides permission sets right now. */
  async function mappingApplies(session: StoreSession, accountId: string, groupId: string) {
    // Mappings first: most accounts have none, and then one indexed read settles it.
    const mappings = await session.groupPermissionSets.list(accountId);
    if (!mappings.some((m) => m.groupId === groupId)) return false;
    const app = await session.scimApps.findByAccount(accountId);
    return app?.roleSyncEnabled === true;
  }

  /** Gives each user the set their mapped groups decide, or the minimal set when none does. */
  async function applyMappings(
    session: StoreSession,
    accountId: string,
    userIds: Iterable<string>,
    actor: EventActor,
  ): Promise<void> {
    const ids = [...userIds];
    if (ids.length === 0) return;
    const minimal = await session.permissionSets.findMinimal(accountId);
    assertThat(minimal, 'account.not_found', `account '${accountId}' does not exist`);
    const decided = await session.groupPermissionSets.decisive(accountId, ids);
    const now = clock.now();
    for (const id of ids) {
      const setId = decided.get(id)?.permissionSetId ?? minimal.id;
      // Read first, for the event's before; this runs only while a mapping applies.
      const before = await session.users.findById(accountId, id);
      if (!(await session.users.assignPermissionSet(accountId, id, setId, now))) continue;
      await session.events.append([
        newEvent(
          accountId,
          'user.updated',
          `user:${id}`,
          {
            userId: id,
            userName: before?.userName ?? '',
            changes: {
              permissionSetId: { before: before?.permissionSetId ?? null, after: setId },
            },
          },
          now,
          actor,
        ),
      ]);
    }
  }

  async function locked(
    session: StoreSession,
    accountId: string,
    id: string,
    ifMatch: readonly number[] | undefined,
  ): Promise<Group> {
    const group = isPlausibleId(id) ? await session.groups.lock(accountId, id) : undefined;
    assertThat(group, 'group.not_found', `no group with id '${id}'`);
    assertVersion(group, ifMatch);
    return group;
  }

  /**
   * Applies membership steps in order inside the caller's transaction. Returns the member
   * count delta, the skipped ids, and (when `track`) every user whose membership changed.
   */
  async function applyMembership(
    session: StoreSession,
    accountId: string,
    groupId: string,
    steps: readonly MembershipChange[],
    track: boolean,
  ) {
    let delta = 0;
    /** Rows added or removed: a removal and an addition may cancel out in `delta`. */
    let affected = 0;
    const unknown = new Set<string>();
    const touched = new Set<string>();
    // Who joined and who left, for the group's events (a member removed then added again in
    // one write is in neither: the change cancels out).
    const joined = new Set<string>();
    const left = new Set<string>();
    const note = (ids: Iterable<string>) => {
      if (track) for (const id of ids) touched.add(id);
    };
    const removeIds = async (ids: readonly string[]) => {
      if (ids.length === 0) return;
      const present = await session.groupMembers.membersAmong(accountId, groupId, ids);
      const removed = await session.groupMembers.remove(accountId, groupId, ids);
      delta -= removed;
      affected += removed;
      note(present);
      for (const id of present) {
        if (joined.has(id)) joined.delete(id);
        else left.add(id);
      }
    };
    const addIds = async (ids: readonly string[]) => {
      const { known, unknown: missing } = await resolve(session, accountId, ids);
      for (const id of missing) unknown.add(id);
      const knownIds = known.map((m) => m.userId);
      const already = new Set(
        await session.groupMembers.membersAmong(accountId, groupId, knownIds),
      );
      const added = await session.groupMembers.add(accountId, groupId, knownIds);
      delta += added;
      affected += added;
      const fresh = knownIds.filter((id) => !already.has(id));
      note(fresh);
      for (const id of fresh) {
        if (left.has(id)) left.delete(id);
        else joined.add(id);
      }
    };

    for (const step of steps) {
      switch (step.kind) {
        case 'add':
          await addIds(step.userIds);
          break;
        case 'remove':
          await removeIds(unique(step.userIds).filter(isPlausibleId));
          break;
        case 'removeAll': {
          for await (const page of walk(session, accountId, groupId)) {
            const ids = page.map((m) => m.userId);
            note(ids);
            for (const id of ids) {
              if (joined.has(id)) joined.delete(id);
              else left.add(id);
            }
          }
          const removed = await session.groupMembers.removeAll(accountId, groupId);
          delta -= removed;
          affected += removed;
          break;
        }
        case 'removeMatching':
        case 'replace': {
          // Walk the members once; deleting behind the walk's position never skips anyone.
          const keep = step.kind === 'replace' ? new Set(step.userIds) : undefined;
          for await (const page of walk(session, accountId, groupId)) {
            const leaving = page
              .filter((m) =>
                keep ? !keep.has(m.userId) : step.kind === 'removeMatching' && step.matches(m),
              )
              .map((m) => m.userId);
            await removeIds(leaving);
          }
          if (keep) await addIds([...keep]);
          break;
        }
      }
    }
    return { delta, affected, unknown: [...unknown], touched, joined, left };
  }

  return {
    async get(accountId: string, id: string): Promise<Group> {
      const group = isPlausibleId(id) ? await store.groups.findById(accountId, id) : undefined;
      assertThat(group, 'group.not_found', `no group with id '${id}'`);
      return group;
    },

    query(query: GroupQuery): Promise<GroupPage> {
      return store.groups.query(query);
    },

    /** The group's members page by page (MEMBER_PAGE each): never the whole group at once. */
    members(accountId: string, groupId: string): AsyncGenerator<GroupMember[]> {
      return walk(store, accountId, groupId);
    },

    /** The groups each of `userIds` belongs to, for the User resource's `groups`. */
    async groupsOf(accountId: string, userIds: readonly string[]): Promise<Membership[]> {
      return userIds.length === 0 ? [] : store.groupMembers.groupsOf(accountId, userIds);
    },

    /** SCIM create, members included (peers.md §3 item 8: members in a POST are applied). */
    async create(
      accountId: string,
      draft: GroupDraft,
      memberIds: readonly string[],
      options: { actor: EventActor },
    ): Promise<GroupWrite & { members: readonly GroupMember[] }> {
      assertDraft(draft);
      try {
        return await store.transaction(async (session) => {
          const { known, unknown: missing } = await resolve(session, accountId, memberIds);
          const now = clock.now();
          const group: Group = {
            id: newId(),
            accountId,
            ...draft,
            memberCount: known.length,
            createdAt: now,
            updatedAt: now,
            version: 1,
          };
          await session.groups.insert(group);
          const joined = known.map((m) => m.userId);
          await session.groupMembers.add(accountId, group.id, joined);
          await session.events.append([
            newEvent(
              accountId,
              'group.created',
              `group:${group.id}`,
              { group: eventGroup(group), memberIds: joined },
              now,
              options.actor,
            ),
          ]);
          return { group, changed: true, unknownMemberIds: missing, members: known };
        });
      } catch (error) {
        return nameTaken(error, draft);
      }
    },

    /**
     * Read-modify-write of one group (PUT, PATCH): `change` gets the current group, held for
     * the transaction, and says what to do; its membership steps touch only the members they
     * name. `ifMatch` is the version the client last saw (RFC 7644 §3.14).
     */
    async update(
      accountId: string,
      id: string,
      change: (current: Group) => GroupChange,
      options: { actor: EventActor; ifMatch?: readonly number[] | undefined },
    ): Promise<GroupWrite> {
      let draft: GroupDraft | undefined;
      try {
        return await store.transaction(async (session) => {
          const current = await locked(session, accountId, id, options.ifMatch);
          const planned = change(current);
          draft = planned.draft;
          assertDraft(draft);
          const track = await mappingApplies(session, accountId, id);
          const { delta, affected, unknown, touched, joined, left } = await applyMembership(
            session,
            accountId,
            id,
            planned.membership,
            track,
          );
          const renamed =
            draft.displayName !== current.displayName || draft.externalId !== current.externalId;
          const changed = renamed || affected > 0;
          if (!changed) return { group: current, changed: false, unknownMemberIds: unknown };
          const next: Group = {
            ...current,
            ...draft,
            memberCount: current.memberCount + delta,
            updatedAt: clock.now(),
            version: current.version + 1,
          };
          const written = await session.groups.update(next, current.version);
          assertThat(
            written,
            'group.update_contended',
            `group '${id}' is being changed by other requests at the same time; retry`,
          );
          if (track) await applyMappings(session, accountId, touched, options.actor);
          const subject = `group:${id}`;
          const at = next.updatedAt;
          await session.events.append([
            ...(renamed
              ? [
                  newEvent(
                    accountId,
                    'group.renamed',
                    subject,
                    { before: eventGroup(current), after: eventGroup(next) },
                    at,
                    options.actor,
                  ),
                ]
              : []),
            ...(joined.size > 0
              ? [
                  newEvent(
                    accountId,
                    'group.members_added',
                    subject,
                    { groupId: id, userIds: [...joined].sort() },
                    at,
                    options.actor,
                  ),
                ]
              : []),
            ...(left.size > 0
              ? [
                  newEvent(
                    accountId,
                    'group.members_removed',
                    subject,
                    { groupId: id, userIds: [...left].sort() },
                    at,
                    options.actor,
                  ),
                ]
              : []),
          ]);
          return { group: next, changed: true, unknownMemberIds: unknown };
        });
      } catch (error) {
        return draft ? nameTaken(error, draft) : Promise.reject(error);
      }
    },

    async delete(
      accountId: string,
      id: string,
      options: { actor: EventActor; ifMatch?: readonly number[] | undefined },
    ): Promise<void> {
      await store.transaction(async (session) => {
        const group = await locked(session, accountId, id, options.ifMatch);
        const members = new Set<string>();
        if (await mappingApplies(session, accountId, id)) {
          for await (const page of walk(session, accountId, id)) {
            for (const m of page) members.add(m.userId);
          }
        }
        await session.groups.delete(accountId, id);
        await applyMappings(session, accountId, members, options.actor);
        await session.events.append([
          newEvent(
            accountId,
            'group.deleted',
            `group:${id}`,
            { group: eventGroup(group), memberCount: group.memberCount },
            clock.now(),
            options.actor,
          ),
        ]);
      });
    },

    /**
     * Called when the IdP deletes a user (deprovision): `writeUser` stores the deprovisioned
     * user, and the user leaves every group in the same transaction, each group held and its
     * version bumped, so group ETags change with it. The groups are held before the user's row,
     * the order group writers use (group row, then the users they name), so the two never wait
     * on each other in a cycle. A group that gained the user after the groups were read is
     * noticed and the whole transaction is retried (`group.update_contended`).
     */
    async removeUserFromAll(
      session: StoreSession,
      accountId: string,
      userId: string,
      writeUser: () => Promise<boolean>,
      actor: EventActor,
    ): Promise<boolean> {
      const memberships = await session.groupMembers.groupsOf(accountId, [userId]);
      const held = new Map<string, Group>();
      for (const groupId of unique(memberships.map((m) => m.groupId)).sort()) {
        const group = await session.groups.lock(accountId, groupId);
        if (group) held.set(groupId, group);
      }
      if (!(await writeUser())) return false;
      const left = await session.groupMembers.removeUser(accountId, userId);
      assertThat(
        left.every((groupId) => held.has(groupId)),
        'group.update_contended',
        `user '${userId}' joined a group while being deleted; retry`,
      );
      const now = clock.now();
      await session.events.append(
        left.map((groupId) =>
          newEvent(
            accountId,
            'group.members_removed',
            `group:${groupId}`,
            { groupId, userIds: [userId] },
            now,
            actor,
          ),
        ),
      );
      for (const groupId of left) {
        const group = held.get(groupId) as Group;
        await session.groups.update(
          {
            ...group,
            memberCount: group.memberCount - 1,
            updatedAt: now,
            version: group.version + 1,
          },
          group.version,
        );
      }
      return true;
    },

    /**
     * The permission set a user's mapped groups give them, if the account's role sync is on and
     * they are in a mapped group. Role sync consults this first: a mapped group outranks a role.
     */
    async mappedPermissionSet(accountId: string, userId: string): Promise<string | undefined> {
      const app = await store.scimApps.findByAccount(accountId);
      if (!app?.roleSyncEnabled) return undefined;
      const decided = await store.groupPermissionSets.decisive(accountId, [userId]);
      return decided.get(userId)?.permissionSetId;
    },

    /**
     * Admin: map a group (by id, so renames cannot break it) to a permission set. Lower
     * `priority` wins for users in several mapped groups. Applies to current members at once
     * when role sync is on.
     */
    async mapPermissionSet(
      accountId: string,
      groupId: string,
      permissionSetId: string,
      options: { actor: EventActor; priority?: number },
    ): Promise<GroupPermissionSet> {
      return store.transaction(async (session) => {
        await locked(session, accountId, groupId, undefined);
        const set = await session.permissionSets.findById(accountId, permissionSetId);
        assertThat(
          set,
          'permission_set.not_found',
          `no permission set with id '${permissionSetId}'`,
        );
        const mapping: GroupPermissionSet = {
          accountId,
          groupId,
          permissionSetId,
          priority: options.priority ?? 100,
          createdAt: clock.now(),
        };
        await session.groupPermissionSets.put(mapping);
        await this.reapply(session, accountId, groupId, options.actor);
        return mapping;
      });
    },

    /** Admin: remove a group's mapping; its members are re-evaluated (role sync on). */
    async unmapPermissionSet(
      accountId: string,
      groupId: string,
      options: { actor: EventActor },
    ): Promise<boolean> {
      return store.transaction(async (session) => {
        await locked(session, accountId, groupId, undefined);
        const removed = await session.groupPermissionSets.remove(accountId, groupId);
        // The members' sets are decided again without this group.
        if (removed) await this.reapply(session, accountId, groupId, options.actor, true);
        return removed;
      });
    },

    permissionSetMappings(accountId: string): Promise<GroupPermissionSet[]> {
      return store.groupPermissionSets.list(accountId);
    },

    /** Re-evaluates every member of a group (after its mapping changed). */
    async reapply(
      session: StoreSession,
      accountId: string,
      groupId: string,
      actor: EventActor,
      force = false,
    ) {
      const app = await session.scimApps.findByAccount(accountId);
      if (!app?.roleSyncEnabled) return;
      if (!force && !(await mappingApplies(session, accountId, groupId))) return;
      for await (const page of walk(session, accountId, groupId)) {
        await applyMappings(
          session,
          accountId,
          page.map((m) => m.userId),
          actor,
        );
      }
    },
  };
}

export type Groups = ReturnType<typeof createGroups>;
