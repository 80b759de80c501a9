/**
 * `/accounts/{accountId}/group-mappings`: an admin's explicit mapping of a SCIM group (by id, so
 * renames cannot break it) to a permission set. Off unless set here, and it decides permission
 * sets only while role sync is on; a mapped group outranks the role an IdP sends
 * (`directory/groups.ts`).
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import { DirectoryError } from '../../directory/errors.ts';
import type { GroupPermissionSet } from '../../directory/model.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, idSchema } from './common-schemas.ts';

export const groupMappingSchema = named(
  'GroupMapping',
  z.object({
    groupId: z.string(),
    permissionSetId: z.string(),
    priority: z.number().int().describe('Lower wins for users in several mapped groups'),
    createdAt: z.string(),
  }),
);

const listSchema = named('GroupMappingList', z.object({ items: z.array(groupMappingSchema) }));

const putBody = z.strictObject({
  permissionSetId: idSchema,
  priority: z.number().int().min(0).max(1_000_000).optional().describe('Default 100'),
});

const view = (mapping: GroupPermissionSet) => ({
  groupId: mapping.groupId,
  permissionSetId: mapping.permissionSetId,
  priority: mapping.priority,
  createdAt: mapping.createdAt,
});

const base = '/accounts/{accountId}/group-mappings';
const tag = 'Group mappings';

export function groupMappingRoutes(directory: Directory) {
  const { groups } = directory;
  return [
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listGroupMappings',
      summary: 'List the groups mapped to permission sets',
      tag,
      access: 'account',
      params: idParams('accountId'),
      success: { status: 200, description: 'Every mapping of the account', schema: listSchema },
      async handler({ account }) {
        return { body: { items: (await groups.permissionSetMappings(account.id)).map(view) } };
      },
    }),
    defineRoute({
      method: 'put',
      path: `${base}/{groupId}`,
      operationId: 'mapGroup',
      summary: 'Map a group to a permission set (applies to its members while role sync is on)',
      tag,
      access: 'account',
      params: idParams('accountId', 'groupId'),
      body: putBody,
      success: { status: 200, description: 'The mapping', schema: groupMappingSchema },
      audit: { action: 'group_mapping.put', targetType: 'group', request: 'redacted' },
      async handler({ account, params, body, actor }) {
        const mapping = await groups.mapPermissionSet(
          account.id,
          params.groupId,
          body.permissionSetId,
          { actor, priority: body.priority },
        );
        return { body: view(mapping) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/{groupId}`,
      operationId: 'unmapGroup',
      summary: "Remove a group's mapping; its members' permission sets are decided again",
      tag,
      access: 'account',
      params: idParams('accountId', 'groupId'),
      success: { status: 204, description: 'Unmapped' },
      audit: { action: 'group_mapping.delete', targetType: 'group', request: 'redacted' },
      async handler({ account, params, actor }) {
        if (!(await groups.unmapPermissionSet(account.id, params.groupId, { actor }))) {
          throw new DirectoryError(
            'group.not_mapped',
            `group '${params.groupId}' is not mapped to a permission set`,
          );
        }
        return { status: 204 };
      },
    }),
  ];
}
