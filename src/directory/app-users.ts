/**
 * Users as the app's admins manage them (admin API, CLI); `users.ts` is the IdP's side. Rules
 * (PRODUCT.md item 2, seed 002 "Limitations and user syncing"): a SCIM-managed user's name and
 * email belong to the IdP; its permission set is editable only while role sync is off; teams and
 * seats are assigned here only; deleting here never reaches the IdP.
 */
import { ConflictError } from '../store/errors.ts';
import type { Store, StoreSession } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { eventUser, newEvent, userUpdateEvents } from './events.ts';
import { newId } from './ids.ts';
import type {
  Account,
  AttributeElement,
  EventActor,
  SeatType,
  TeamMembership,
  User,
} from './model.ts';
import { assertSeatsModel } from './seat-pools.ts';
import type { UserPage, UserQuery } from './user-query.ts';

/** A user with what the app assigns it. */
export interface AppUser {
  readonly user: User;
  /** On the seats model the assigned seat; on the classic model the permission set's paid seat. */
  readonly seat: SeatType | null;
  readonly primaryTeamId: string | null;
  readonly secondaryTeamIds: readonly string[];
}

export interface AppUserFields {
  readonly email?: string | undefined;
  readonly givenName?: string | null | undefined;
  readonly familyName?: string | null | undefined;
  readonly displayName?: string | null | undefined;
  readonly permissionSetId?: string | undefined;
  readonly superAdmin?: boolean | undefined;
  /** Seats model only. */
  readonly seat?: SeatType | null | undefined;
  readonly primaryTeamId?: string | null | undefined;
  readonly secondaryTeamIds?: readonly string[] | undefined;
}

export type NewAppUser = AppUserFields & { readonly email: string };

const UPDATE_ATTEMPTS = 25;
const IDENTITY_FIELDS = ['email', 'givenName', 'familyName', 'displayName'] as const;

const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * (attempt + 1)));

/**
 * Why the app cannot change parts of a user, in words; absent parts can be changed. The one
 * statement of PRODUCT.md item 2: `change` enforces it, and the console shows it beside the
 * locked fields.
 */
export interface AppUserLocks {
  /** Email, given, family and display name. */
  readonly identity?: string;
  /** Deactivate and reactivate. */
  readonly active?: string;
  readonly permissionSet?: string;
}

export function appUserLocks(user: Pick<User, 'managedBy'>, roleSyncOn: boolean): AppUserLocks {
  if (user.managedBy !== 'scim') return {};
  return {
    identity:
      'this user is managed by your identity provider (SCIM), which owns its email and names: ' +
      'change them in the identity provider',
    active:
      'this user is managed by your identity provider (SCIM): deactivate or reactivate it ' +
      'there (deleting it here removes it from Roster only)',
    ...(roleSyncOn
      ? {
          permissionSet:
            "role sync is on: this SCIM-managed user's permission set follows its role in " +
            'your identity provider; change the role there, or turn role sync off',
        }
      : {}),
  };
}

/** Role sync counts only for an installed SCIM app; with none installed it is off. */
export async function isRoleSyncOn(session: StoreSession, accountId: string): Promise<boolean> {
  const app = await session.scimApps.findByAccount(accountId);
  return app !== undefined && app.installedAt !== null && app.roleSyncEnabled;
}

/** The user with identity fields changed, its SCIM representation (profile, emails) kept in step. */
function withIdentity(user: User, fields: AppUserFields): User {
  let next = user;
  if (fields.email !== undefined && fields.email !== user.email) {
    const emails = user.multiValued.emails ?? [];
    const primary = emails.findIndex((e) => e.primary === true);
    const at = Math.max(primary, 0);
    const replaced: AttributeElement[] =
      emails.length === 0
        ? [{ value: fields.email, type: 'work', primary: true }]
        : emails.map((e, i) => (i === at ? { ...e, value: fields.email } : e));
    // App users sign in with their email: the userName follows it when it was the email.
    const userName =
      user.userName.toLowerCase() === (user.email ?? '').toLowerCase()
        ? fields.email
        : user.userName;
    next = {
      ...next,
      email: fields.email,
      userName,
      multiValued: { ...next.multiValued, emails: replaced },
    };
  }
  const name = { ...((next.profile.name as Record<string, unknown> | undefined) ?? {}) };
  let profile = { ...next.profile };
  for (const key of ['givenName', 'familyName'] as const) {
    const value = fields[key];
    if (value === undefined) continue;
    if (value === null) delete name[key];
    else name[key] = value;
    next = { ...next, [key]: value };
  }
  profile = Object.keys(name).length > 0 ? { ...profile, name } : omit(profile, 'name');
  if (fields.displayName !== undefined) {
    profile =
      fields.displayName === null
        ? omit(profile, 'displayName')
        : { ...profile, displayName: fields.displayName };
    next = { ...next, displayName: fields.displayName };
  }
  return { ...next, profile };
}

function omit(record: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

/** App users sign in with their email, so a clash on either unique key is the email's. */
function conflictToDirectoryError(error: unknown, email: string | undefined): never {
  if (
    error instanceof ConflictError &&
    (error.constraint === 'user.email' || error.constraint === 'user.userName')
  ) {
    throw new DirectoryError(
      'user.email_taken',
      `'${email}' already belongs to another user of this account (as its email or sign-in name)`,
    );
  }
  throw error;
}

class Contended extends Error {}

export function createAppUsers({ store, clock }: { store: Store; clock: Clock }) {
  async function accountOf(session: StoreSession, accountId: string): Promise<Account> {
    const account = await session.accounts.findById(accountId);
    assertThat(account, 'account.not_found', `no account with id '${accountId}'`);
    return account;
  }

  async function assertPermissionSet(session: StoreSession, accountId: string, id: string) {
    const set = await session.permissionSets.findById(accountId, id);
    assertThat(
      set,
      'user.permission_set_unknown',
      `permissionSetId '${id}' names no permission set of this account`,
    );
  }

  async function memberships(
    session: StoreSession,
    accountId: string,
    userId: string,
    primaryTeamId: string | null,
    secondaryTeamIds: readonly string[],
  ): Promise<TeamMembership[]> {
    const wanted = new Map<string, boolean>();
    for (const teamId of secondaryTeamIds) wanted.set(teamId, false);
    if (primaryTeamId !== null) wanted.set(primaryTeamId, true);
    for (const teamId of wanted.keys()) {
      assertThat(
        await session.teams.findById(accountId, teamId),
        'user.team_unknown',
        `team '${teamId}' does not exist in this account`,
      );
    }
    return [...wanted].map(([teamId, isPrimary]) => ({ teamId, userId, accountId, isPrimary }));
  }

  /** Moves the user's seat; a full pool refuses, naming it (concurrency: see SeatPoolStore). */
  async function moveSeat(
    session: StoreSession,
    accountId: string,
    userId: string,
    from: SeatType | null,
    to: SeatType | null,
  ): Promise<void> {
    if (from === to) return;
    if (to !== null && !(await session.seatPools.take(accountId, to))) {
      const pool = (await session.seatPools.list(accountId)).find((p) => p.seatType === to);
      throw new DirectoryError(
        'seat.pool_full',
        pool && pool.purchased > 0
          ? `the ${to} seat pool is full (${pool.assigned} of ${pool.purchased} seats assigned): ` +
              `buy more ${to} seats or free one first`
          : `no ${to} seats have been purchased for this account`,
      );
    }
    if (from !== null) await session.seatPools.release(accountId, from);
    await session.seatPools.setSeat(accountId, userId, to, clock.now());
  }

  async function views(accountId: string, users: readonly User[]): Promise<AppUser[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [account, seats, teamRows, sets] = await Promise.all([
      store.accounts.findById(accountId),
      store.seatPools.seatsOf(accountId, ids),
      store.teams.membershipsOf(accountId, ids),
      store.permissionSets.list(accountId),
    ]);
    const paidSeats = new Map(sets.map((s) => [s.id, s.paidSeat ?? null]));
    return users.map((user) => {
      const own = teamRows.filter((m) => m.userId === user.id);
      return {
        user,
        seat:
          account?.pricingModel === 'classic'
            ? (paidSeats.get(user.permissionSetId) ?? null)
            : (seats.get(user.id) ?? null),
        primaryTeamId: own.find((m) => m.isPrimary)?.teamId ?? null,
        secondaryTeamIds: own.filter((m) => !m.isPrimary).map((m) => m.teamId),
      };
    });
  }

  async function find(accountId: string, id: string): Promise<User> {
    const user = await store.users.findById(accountId, id);
    assertThat(user, 'user.not_found', `no user with id '${id}'`);
    return user;
  }

  async function get(accountId: string, id: string): Promise<AppUser> {
    return (await views(accountId, [await find(accountId, id)]))[0] as AppUser;
  }

  /**
   * Read-check-write with compare-and-set on the user's version, as the SCIM side does; seat and
   * team changes commit in the same transaction, so they serialise on the user row too.
   */
  async function change(
    accountId: string,
    id: string,
    fields: AppUserFields & { readonly active?: boolean },
    actor: EventActor,
  ): Promise<AppUser> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const current = await get(accountId, id);
      const { user } = current;
      const locks = appUserLocks(user, false);
      const locked = IDENTITY_FIELDS.filter(
        (key) => fields[key] !== undefined && fields[key] !== user[key],
      );
      if (locks.identity !== undefined && locked.length > 0) {
        throw new DirectoryError(
          'user.managed_by_idp',
          `${locks.identity} (this request would change its ${locked.join(', ')})`,
        );
      }
      assertThat(
        locks.active === undefined || fields.active === undefined || fields.active === user.active,
        'user.managed_by_idp',
        locks.active ?? '',
      );
      try {
        const written = await store.transaction(async (session) => {
          const account = await accountOf(session, accountId);
          if (
            fields.permissionSetId !== undefined &&
            fields.permissionSetId !== user.permissionSetId
          ) {
            const lock =
              user.managedBy === 'scim' && (await isRoleSyncOn(session, accountId))
                ? appUserLocks(user, true).permissionSet
                : undefined;
            assertThat(lock === undefined, 'user.role_sync_enabled', lock ?? '');
            await assertPermissionSet(session, accountId, fields.permissionSetId);
          }
          const now = clock.now();
          let next: User = withIdentity(user, fields);
          if (fields.permissionSetId !== undefined) {
            next = { ...next, permissionSetId: fields.permissionSetId };
          }
          if (fields.superAdmin !== undefined) next = { ...next, superAdmin: fields.superAdmin };
          if (fields.active !== undefined && fields.active !== user.active) {
            // Reactivated in the app: a live app user again, visible to SCIM as such.
            next = { ...next, active: fields.active, deprovisionedAt: null };
          }
          const seatChanges = fields.seat !== undefined && fields.seat !== current.seat;
          if (seatChanges) assertSeatsModel(account);
          const primary =
            fields.primaryTeamId === undefined ? current.primaryTeamId : fields.primaryTeamId;
          // A team is either the primary one or a secondary one, once.
          const secondary = [
            ...new Set(fields.secondaryTeamIds ?? current.secondaryTeamIds),
          ].filter((teamId) => teamId !== primary);
          const teamsChange =
            primary !== current.primaryTeamId ||
            JSON.stringify([...secondary].sort()) !==
              JSON.stringify([...current.secondaryTeamIds].sort());
          const userChanges = JSON.stringify(next) !== JSON.stringify(user);
          if (!userChanges && !seatChanges && !teamsChange) return false;
          next = { ...next, updatedAt: now, version: user.version + 1 };
          if (!(await session.users.update(next, user.version))) throw new Contended();
          if (teamsChange) {
            const rows = await memberships(session, accountId, id, primary, secondary);
            await session.teams.setMemberships(accountId, id, rows);
          }
          if (seatChanges) {
            await moveSeat(session, accountId, id, current.seat, fields.seat ?? null);
          }
          await session.events.append(
            userUpdateEvents(user, next, now, actor, {
              ...(seatChanges
                ? { seat: { before: current.seat, after: fields.seat ?? null } }
                : {}),
              ...(teamsChange
                ? {
                    teams: {
                      before: {
                        primaryTeamId: current.primaryTeamId,
                        secondaryTeamIds: [...current.secondaryTeamIds].sort(),
                      },
                      after: { primaryTeamId: primary, secondaryTeamIds: [...secondary].sort() },
                    },
                  }
                : {}),
            }),
          );
          return true;
        });
        // Read back whole: the seat shown depends on the pricing model and permission set.
        return written ? await get(accountId, id) : current;
      } catch (error) {
        if (!(error instanceof Contended)) conflictToDirectoryError(error, fields.email);
      }
      await backOff(attempt);
    }
    throw new DirectoryError(
      'user.update_contended',
      `user '${id}' is being changed by other requests at the same time; retry`,
    );
  }

  return {
    get,

    /** What of the user the app cannot change now, and why (`appUserLocks`). */
    async locks(accountId: string, user: Pick<User, 'managedBy'>): Promise<AppUserLocks> {
      return appUserLocks(
        user,
        user.managedBy === 'scim' && (await isRoleSyncOn(store, accountId)),
      );
    },

    async list(query: UserQuery): Promise<{ page: UserPage; users: AppUser[] }> {
      const page = await store.users.query(query);
      return { page, users: await views(query.accountId, page.users) };
    },

    /** An app-managed user: Roster identifies it by email, which is also its sign-in name. */
    async create(
      accountId: string,
      input: NewAppUser,
      options: { actor: EventActor },
    ): Promise<AppUser> {
      const id = newId();
      try {
        await store.transaction(async (session) => {
          const account = await accountOf(session, accountId);
          const minimal = await session.permissionSets.findMinimal(accountId);
          assertThat(minimal, 'account.not_found', `no account with id '${accountId}'`);
          const permissionSetId = input.permissionSetId ?? minimal.id;
          await assertPermissionSet(session, accountId, permissionSetId);
          if (input.seat !== undefined && input.seat !== null) assertSeatsModel(account);
          const now = clock.now();
          const blank: User = {
            id,
            accountId,
            userName: input.email,
            externalId: null,
            email: null,
            displayName: null,
            givenName: null,
            familyName: null,
            active: true,
            superAdmin: input.superAdmin ?? false,
            permissionSetId,
            managedBy: 'app',
            deprovisionedAt: null,
            profile: {},
            multiValued: {},
            createdAt: now,
            updatedAt: now,
            version: 1,
          };
          const created = withIdentity(blank, input);
          await session.users.insert(created);
          await session.events.append([
            newEvent(
              accountId,
              'user.created',
              `user:${id}`,
              { user: eventUser(created) },
              now,
              options.actor,
            ),
          ]);
          const rows = await memberships(
            session,
            accountId,
            id,
            input.primaryTeamId ?? null,
            input.secondaryTeamIds ?? [],
          );
          if (rows.length > 0) await session.teams.setMemberships(accountId, id, rows);
          await moveSeat(session, accountId, id, null, input.seat ?? null);
        });
      } catch (error) {
        conflictToDirectoryError(error, input.email);
      }
      return get(accountId, id);
    },

    update: (
      accountId: string,
      id: string,
      fields: AppUserFields,
      options: { actor: EventActor },
    ) => change(accountId, id, fields, options.actor),
    deactivate: (accountId: string, id: string, options: { actor: EventActor }) =>
      change(accountId, id, { active: false }, options.actor),
    reactivate: (accountId: string, id: string, options: { actor: EventActor }) =>
      change(accountId, id, { active: true }, options.actor),

    /** Removes the user from Roster only; the IdP is never told (PRODUCT.md item 6). */
    async delete(accountId: string, id: string, options: { actor: EventActor }): Promise<void> {
      await store.transaction(async (session) => {
        const user = await session.users.findById(accountId, id);
        assertThat(user, 'user.not_found', `no user with id '${id}'`);
        const seat = (await session.seatPools.seatsOf(accountId, [id])).get(id);
        if (seat !== undefined) await session.seatPools.release(accountId, seat);
        await session.users.delete(accountId, id);
        await session.events.append([
          newEvent(
            accountId,
            'user.deleted',
            `user:${id}`,
            { userId: id, userName: user.userName },
            clock.now(),
            options.actor,
          ),
        ]);
      });
    },
  };
}

export type AppUsers = ReturnType<typeof createAppUsers>;
