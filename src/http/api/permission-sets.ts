/** `/accounts/{accountId}/permission-sets`: exact names, the built-in minimal set, paid seats. */
import { z } from 'zod';
import { didYouMean } from '../../directory/did-you-mean.ts';
import type { Directory } from '../../directory/directory.ts';
import { type PermissionSet, SEAT_TYPES } from '../../directory/model.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, nameSchema } from './common-schemas.ts';
import { ApiProblem } from './problem-response.ts';

export const seatTypeSchema = z.enum(SEAT_TYPES);

export const permissionSetSchema = named(
  'PermissionSet',
  z.object({
    id: z.string(),
    name: z.string().describe('Matched exactly by role sync: case and spaces matter'),
    isMinimal: z.boolean().describe('The built-in set; it cannot be renamed or deleted'),
    permissions: z.array(z.string()),
    paidSeat: seatTypeSchema
      .nullable()
      .describe(
        'The seat that goes with the set: on the classic pricing model the set gives it; on the seats model its users must already hold it (an IdP role cannot assign seats)',
      ),
    createdAt: z.string(),
  }),
);

const listSchema = named('PermissionSetList', z.object({ items: z.array(permissionSetSchema) }));

const permissionsSchema = z.array(nameSchema).max(500);

const createBody = z.strictObject({
  name: nameSchema,
  permissions: permissionsSchema.default([]),
  paidSeat: seatTypeSchema.nullable().optional(),
});

const updateBody = z.strictObject({
  name: nameSchema.optional(),
  permissions: permissionsSchema.optional(),
  paidSeat: seatTypeSchema.nullable().optional(),
});

const view = (set: PermissionSet) => ({
  id: set.id,
  name: set.name,
  isMinimal: set.isMinimal,
  permissions: [...set.permissions],
  paidSeat: set.paidSeat ?? null,
  createdAt: set.createdAt,
});

const catalogSchema = named(
  'PermissionCatalog',
  z.object({
    items: z.array(z.string()).describe('The permissions permission sets may name'),
    next: z.null(),
    declared: z
      .boolean()
      .describe('Whether ROSTER_PERMISSIONS declares them; if not, any name is accepted'),
  }),
);

const base = '/accounts/{accountId}/permission-sets';
const tag = 'Permission sets';

export function permissionSetRoutes(directory: Directory, catalog: readonly string[] = []) {
  const sets = directory.permissionSets;
  const known = new Set(catalog);
  /** With a declared catalog, every permission must be one of it (a typo grants nothing). */
  function assertKnown(permissions: readonly string[] | undefined): void {
    if (known.size === 0 || permissions === undefined) return;
    const errors = permissions.flatMap((permission, index) =>
      known.has(permission)
        ? []
        : [
            {
              pointer: `/permissions/${index}`,
              message: `'${permission}' is not a known permission${didYouMean(permission, catalog)}`,
            },
          ],
    );
    if (errors.length > 0) {
      throw new ApiProblem(
        400,
        'permission_set.unknown_permission',
        `${errors.map((e) => e.message).join('; ')}; the known permissions are ${catalog.join(', ')}`,
        { errors },
      );
    }
  }
  return [
    defineRoute({
      method: 'get',
      path: '/permissions',
      operationId: 'listPermissions',
      summary: 'The permissions permission sets may name (ROSTER_PERMISSIONS)',
      tag,
      access: 'any',
      success: { status: 200, description: 'The catalog, as declared', schema: catalogSchema },
      async handler() {
        return { body: { items: [...catalog], next: null, declared: catalog.length > 0 } };
      },
    }),
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listPermissionSets',
      summary: 'List permission sets',
      tag,
      access: 'account',
      params: idParams('accountId'),
      success: { status: 200, description: 'Oldest first', schema: listSchema },
      async handler({ account }) {
        return { body: { items: (await sets.list(account.id)).map(view) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: base,
      operationId: 'createPermissionSet',
      summary: 'Create a permission set',
      tag,
      access: 'account',
      params: idParams('accountId'),
      body: createBody,
      success: { status: 201, description: 'The new set', schema: permissionSetSchema },
      errors: [409],
      audit: { action: 'permission_set.create', targetType: 'permission_set', request: 'redacted' },
      async handler({ account, body }) {
        assertKnown(body.permissions);
        const set = await sets.create(account.id, body);
        return {
          body: view(set),
          targetId: set.id,
          headers: { Location: `/api/v1/accounts/${account.id}/permission-sets/${set.id}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/{permissionSetId}`,
      operationId: 'getPermissionSet',
      summary: 'Read a permission set',
      tag,
      access: 'account',
      params: idParams('accountId', 'permissionSetId'),
      success: { status: 200, description: 'The set', schema: permissionSetSchema },
      async handler({ account, params }) {
        return { body: view(await sets.get(account.id, params.permissionSetId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/{permissionSetId}`,
      operationId: 'updatePermissionSet',
      summary: 'Rename a permission set, or change its permissions or paid seat',
      tag,
      access: 'account',
      params: idParams('accountId', 'permissionSetId'),
      body: updateBody,
      success: { status: 200, description: 'The set as changed', schema: permissionSetSchema },
      errors: [409],
      audit: { action: 'permission_set.update', targetType: 'permission_set', request: 'redacted' },
      async handler({ account, params, body }) {
        assertKnown(body.permissions);
        return { body: view(await sets.update(account.id, params.permissionSetId, body)) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/{permissionSetId}`,
      operationId: 'deletePermissionSet',
      summary: 'Delete a permission set no user holds',
      tag,
      access: 'account',
      params: idParams('accountId', 'permissionSetId'),
      success: { status: 204, description: 'Deleted' },
      errors: [409],
      audit: { action: 'permission_set.delete', targetType: 'permission_set', request: 'redacted' },
      async handler({ account, params }) {
        await sets.delete(account.id, params.permissionSetId);
        return {};
      },
    }),
  ];
}
