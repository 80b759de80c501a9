/**
 * `/accounts/{accountId}/groups`: the SCIM groups an IdP pushed, read-only for admins (an IdP
 * owns them), so a mapping can name a group and tables can show its name beside its id.
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { GroupCondition } from '../../directory/group-query.ts';
import type { Group, GroupPermissionSet } from '../../directory/model.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, limitSchema } from './common-schemas.ts';
import { ApiProblem } from './problem-response.ts';

const groupSchema = named(
  'Group',
  z.object({
    id: z.string(),
    displayName: z.string(),
    externalId: z.string().nullable(),
    memberCount: z.number().int(),
    mapping: z
      .object({ permissionSetId: z.string(), priority: z.number().int() })
      .nullable()
      .describe('The permission set the group is mapped to, if any (roster groups map)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

const listSchema = named(
  'GroupList',
  z.object({
    items: z.array(groupSchema),
    total: z.number().int().describe('Groups matching the filters, as of the first page'),
    next: z.string().nullable().describe('Pass as `cursor` for the next page'),
  }),
);

const listQuery = z.strictObject({
  displayName: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('Exact display name, compared case-insensitively'),
  search: z.string().min(1).max(256).optional().describe('Part of the display name'),
  limit: limitSchema,
  cursor: z.string().max(2048).optional(),
});

const view = (group: Group, mapping: GroupPermissionSet | undefined) => ({
  id: group.id,
  displayName: group.displayName,
  externalId: group.externalId,
  memberCount: group.memberCount,
  mapping: mapping
    ? { permissionSetId: mapping.permissionSetId, priority: mapping.priority }
    : null,
  createdAt: group.createdAt,
  updatedAt: group.updatedAt,
});

function condition(query: z.output<typeof listQuery>): GroupCondition {
  const field = { kind: 'column', column: 'displayName' } as const;
  const all: GroupCondition[] = [];
  if (query.displayName !== undefined) {
    all.push({ kind: 'compare', field, op: 'eq', value: query.displayName, caseExact: false });
  }
  if (query.search !== undefined) {
    all.push({ kind: 'compare', field, op: 'co', value: query.search, caseExact: false });
  }
  return all.length === 0 ? { kind: 'all' } : { kind: 'and', conditions: all };
}

const base = '/accounts/{accountId}/groups';
const tag = 'Groups';

export function groupRoutes(directory: Directory, cursors: CursorCodec) {
  const { groups } = directory;
  const mappingsOf = async (accountId: string) =>
    new Map((await groups.permissionSetMappings(accountId)).map((m) => [m.groupId, m]));
  return [
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listGroups',
      summary: 'List the SCIM groups an IdP pushed (filter, paginate)',
      tag,
      access: 'account',
      params: idParams('accountId'),
      query: listQuery,
      success: { status: 200, description: 'Groups in creation order', schema: listSchema },
      async handler({ account, query }) {
        const { limit, cursor, ...filters } = query;
        // The cursor is bound to the account and filters it was issued for.
        const fingerprint = JSON.stringify(['admin-groups', account.id, filters]);
        let state: { position: string; total: number } | undefined;
        if (cursor !== undefined) {
          const decoded = cursors.decode(cursor, fingerprint, Date.now());
          if (!decoded.ok) {
            throw new ApiProblem(400, 'request.invalid_cursor', decoded.error.detail);
          }
          state = decoded.value;
        }
        const page = await groups.query({
          accountId: account.id,
          condition: condition(query),
          page: { kind: 'cursor', after: state?.position, limit },
          knownTotal: state?.total,
        });
        const mappings = await mappingsOf(account.id);
        const next = page.nextKey
          ? cursors.encode({ position: page.nextKey, total: page.total }, fingerprint, Date.now())
          : null;
        return {
          body: {
            items: page.groups.map((g) => view(g, mappings.get(g.id))),
            total: page.total,
            next,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/{groupId}`,
      operationId: 'getGroup',
      summary: 'One SCIM group, with its member count and mapping',
      tag,
      access: 'account',
      params: idParams('accountId', 'groupId'),
      success: { status: 200, description: 'The group', schema: groupSchema },
      async handler({ account, params }) {
        const group = await groups.get(account.id, params.groupId);
        return { body: view(group, (await mappingsOf(account.id)).get(group.id)) };
      },
    }),
  ];
}
