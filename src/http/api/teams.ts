/** `/accounts/{accountId}/teams`: teams are assigned in the app only (an IdP never does). */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { TeamWithMembers } from '../../directory/teams.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, nameSchema } from './common-schemas.ts';

export const teamSchema = named(
  'Team',
  z.object({
    id: z.string(),
    name: z.string(),
    memberCount: z.number().int(),
    createdAt: z.string(),
  }),
);

const listSchema = named('TeamList', z.object({ items: z.array(teamSchema) }));
const teamBody = z.strictObject({ name: nameSchema });

const view = (team: TeamWithMembers) => ({
  id: team.id,
  name: team.name,
  memberCount: team.memberCount,
  createdAt: team.createdAt,
});

const base = '/accounts/{accountId}/teams';
const tag = 'Teams';

export function teamRoutes(directory: Directory) {
  const { teams } = directory;
  return [
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listTeams',
      summary: 'List teams with their member counts',
      tag,
      access: 'account',
      params: idParams('accountId'),
      success: { status: 200, description: 'Oldest first', schema: listSchema },
      async handler({ account }) {
        return { body: { items: (await teams.list(account.id)).map(view) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: base,
      operationId: 'createTeam',
      summary: 'Create a team',
      tag,
      access: 'account',
      params: idParams('accountId'),
      body: teamBody,
      success: { status: 201, description: 'The new team', schema: teamSchema },
      errors: [409],
      audit: { action: 'team.create', targetType: 'team', request: 'redacted' },
      async handler({ account, body }) {
        const team = await teams.create(account.id, body.name);
        return {
          body: view(team),
          targetId: team.id,
          headers: { Location: `/api/v1/accounts/${account.id}/teams/${team.id}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/{teamId}`,
      operationId: 'getTeam',
      summary: 'Read a team',
      tag,
      access: 'account',
      params: idParams('accountId', 'teamId'),
      success: { status: 200, description: 'The team', schema: teamSchema },
      async handler({ account, params }) {
        return { body: view(await teams.get(account.id, params.teamId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/{teamId}`,
      operationId: 'renameTeam',
      summary: 'Rename a team',
      tag,
      access: 'account',
      params: idParams('accountId', 'teamId'),
      body: teamBody,
      success: { status: 200, description: 'The team as renamed', schema: teamSchema },
      errors: [409],
      audit: { action: 'team.update', targetType: 'team', request: 'redacted' },
      async handler({ account, params, body }) {
        return { body: view(await teams.rename(account.id, params.teamId, body.name)) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/{teamId}`,
      operationId: 'deleteTeam',
      summary: 'Delete a team (its members stay, without it)',
      tag,
      access: 'account',
      params: idParams('accountId', 'teamId'),
      success: { status: 204, description: 'Deleted' },
      audit: { action: 'team.delete', targetType: 'team', request: 'redacted' },
      async handler({ account, params }) {
        await teams.delete(account.id, params.teamId);
        return {};
      },
    }),
  ];
}
