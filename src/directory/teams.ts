/** Teams: named per account, assigned only in the app (an IdP never assigns teams). */
import { ConflictError } from '../store/errors.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { newId } from './ids.ts';
import type { Team } from './model.ts';

export interface TeamWithMembers extends Team {
  readonly memberCount: number;
}

function nameTaken(error: unknown, name: string): never {
  if (error instanceof ConflictError && error.constraint === 'team.name') {
    throw new DirectoryError('team.name_taken', `a team named '${name}' already exists`);
  }
  throw error;
}

export function createTeams({ store, clock }: { store: Store; clock: Clock }) {
  async function get(accountId: string, id: string): Promise<TeamWithMembers> {
    const team = await store.teams.findById(accountId, id);
    assertThat(team, 'team.not_found', `no team with id '${id}'`);
    const counts = await store.teams.memberCounts(accountId);
    return { ...team, memberCount: counts.get(team.id) ?? 0 };
  }

  return {
    get,
    async list(accountId: string): Promise<TeamWithMembers[]> {
      const [teams, counts] = await Promise.all([
        store.teams.list(accountId),
        store.teams.memberCounts(accountId),
      ]);
      return teams.map((team) => ({ ...team, memberCount: counts.get(team.id) ?? 0 }));
    },

    async create(accountId: string, name: string): Promise<TeamWithMembers> {
      const team: Team = { id: newId(), accountId, name, createdAt: clock.now() };
      try {
        await store.teams.insert(team);
      } catch (error) {
        nameTaken(error, name);
      }
      return { ...team, memberCount: 0 };
    },

    async rename(accountId: string, id: string, name: string): Promise<TeamWithMembers> {
      const current = await get(accountId, id);
      try {
        await store.teams.update({ ...current, name });
      } catch (error) {
        nameTaken(error, name);
      }
      return { ...current, name };
    },

    /** Members leave the team; the users stay. */
    async delete(accountId: string, id: string): Promise<void> {
      assertThat(
        await store.teams.delete(accountId, id),
        'team.not_found',
        `no team with id '${id}'`,
      );
    },
  };
}

export type Teams = ReturnType<typeof createTeams>;
