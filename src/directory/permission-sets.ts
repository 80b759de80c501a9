/**
 * Permission sets: names matched exactly (case and spaces matter), unique per account; the
 * built-in minimal set can be neither renamed nor deleted; on the classic pricing model a set may
 * carry a paid seat (seed 002, "Assigning seats").
 */
import { ConflictError } from '../store/errors.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { newId } from './ids.ts';
import type { PermissionSet, SeatType } from './model.ts';

export interface PermissionSetInput {
  readonly name: string;
  readonly permissions: readonly string[];
  readonly paidSeat?: SeatType | null | undefined;
}

function nameTaken(error: unknown, name: string): never {
  if (error instanceof ConflictError && error.constraint === 'permissionSet.name') {
    throw new DirectoryError(
      'permission_set.name_taken',
      `a permission set named '${name}' already exists in this account (names are exact: ` +
        'case and spaces matter)',
    );
  }
  throw error;
}

export function createPermissionSets({
  store,
  clock,
  onChange = () => {},
}: {
  store: Store;
  clock: Clock;
  /** Told after a set is renamed or deleted (the SCIM role names this instance caches). */
  onChange?: (accountId: string) => void;
}) {
  async function get(accountId: string, id: string): Promise<PermissionSet> {
    const set = await store.permissionSets.findById(accountId, id);
    assertThat(set, 'permission_set.not_found', `no permission set with id '${id}'`);
    return set;
  }

  return {
    get,
    list(accountId: string): Promise<PermissionSet[]> {
      return store.permissionSets.list(accountId);
    },

    async create(accountId: string, input: PermissionSetInput): Promise<PermissionSet> {
      const set: PermissionSet = {
        id: newId(),
        accountId,
        name: input.name,
        isMinimal: false,
        permissions: [...input.permissions],
        paidSeat: input.paidSeat ?? null,
        createdAt: clock.now(),
      };
      try {
        await store.permissionSets.insert(set);
      } catch (error) {
        nameTaken(error, input.name);
      }
      return set;
    },

    async update(
      accountId: string,
      id: string,
      changes: Partial<PermissionSetInput>,
    ): Promise<PermissionSet> {
      const current = await get(accountId, id);
      assertThat(
        !current.isMinimal || changes.name === undefined || changes.name === current.name,
        'permission_set.minimal_protected',
        `the built-in permission set '${current.name}' cannot be renamed`,
      );
      const next: PermissionSet = {
        ...current,
        name: changes.name ?? current.name,
        permissions: changes.permissions ? [...changes.permissions] : current.permissions,
        paidSeat: changes.paidSeat === undefined ? (current.paidSeat ?? null) : changes.paidSeat,
      };
      try {
        const written = await store.permissionSets.update(next);
        assertThat(written, 'permission_set.not_found', `no permission set with id '${id}'`);
      } catch (error) {
        nameTaken(error, next.name);
      }
      onChange(accountId);
      return next;
    },

    /** Refused for the minimal set and for a set users still hold (reassign them first). */
    async delete(accountId: string, id: string): Promise<void> {
      await store.transaction(async (session) => {
        const current = await session.permissionSets.findById(accountId, id);
        assertThat(current, 'permission_set.not_found', `no permission set with id '${id}'`);
        assertThat(
          !current.isMinimal,
          'permission_set.minimal_protected',
          `the built-in permission set '${current.name}' cannot be deleted`,
        );
        const holders = await session.users.countWithPermissionSet(accountId, id);
        assertThat(
          holders === 0,
          'permission_set.in_use',
          `${holders} user(s) hold the permission set '${current.name}'; give them another ` +
            'permission set first',
        );
        const mappings = (await session.groupPermissionSets.list(accountId)).filter(
          (mapping) => mapping.permissionSetId === id,
        );
        assertThat(
          mappings.length === 0,
          'permission_set.in_use',
          `${mappings.length} SCIM group mapping(s) give the permission set '${current.name}'; ` +
            'unmap those groups first (roster groups unmap)',
        );
        await session.permissionSets.delete(accountId, id);
      });
      onChange(accountId);
    },
  };
}

export type PermissionSets = ReturnType<typeof createPermissionSets>;
