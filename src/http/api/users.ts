/**
 * `/accounts/{accountId}/users`: users as the app's admins see them. SCIM-managed users keep the
 * rules of PRODUCT.md item 2 (enforced in `directory/app-users.ts`); deleting here never reaches
 * the IdP.
 */
import { z } from 'zod';
import type { AppUser } from '../../directory/app-users.ts';
import type { Directory } from '../../directory/directory.ts';
import { TEAMS_ATTRIBUTE, type UserCondition } from '../../directory/user-query.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, idSchema, limitSchema, nameSchema, queryBoolean } from './common-schemas.ts';
import { seatTypeSchema } from './permission-sets.ts';
import { ApiProblem } from './problem-response.ts';

export const userSchema = named(
  'User',
  z.object({
    id: z.string(),
    email: z.string().nullable(),
    userName: z.string(),
    givenName: z.string().nullable(),
    familyName: z.string().nullable(),
    displayName: z.string().nullable(),
    active: z.boolean(),
    superAdmin: z.boolean(),
    managedBy: z
      .enum(['app', 'scim'])
      .describe('scim: the IdP owns name and email; app: the app admins do'),
    externalId: z.string().nullable(),
    permissionSetId: z.string(),
    seat: seatTypeSchema
      .nullable()
      .describe('Seats model: the assigned seat; classic model: the permission set paid seat'),
    primaryTeamId: z.string().nullable(),
    secondaryTeamIds: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  }),
);

export const userListSchema = named(
  'UserList',
  z.object({
    items: z.array(userSchema),
    total: z.number().int().describe('Users matching the filters, as of the first page'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page'),
  }),
);

/** Roster identifies users by email; identity values fit the store's indexes (512). */
const emailSchema = z
  .string()
  .max(512)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

const optionalName = nameSchema.nullable().optional();
const teamIds = z.array(idSchema).max(100);

const fields = {
  givenName: optionalName,
  familyName: optionalName,
  displayName: optionalName,
  permissionSetId: idSchema.optional(),
  superAdmin: z.boolean().optional(),
  seat: seatTypeSchema.nullable().optional().describe('Seats pricing model only'),
  primaryTeamId: idSchema.nullable().optional(),
  secondaryTeamIds: teamIds.optional(),
};

const createBody = z.strictObject({ email: emailSchema, ...fields });
const updateBody = z.strictObject({ email: emailSchema.optional(), ...fields });

const listQuery = z.strictObject({
  email: z.string().max(512).optional().describe('Exact email, compared case-insensitively'),
  managedBy: z.enum(['app', 'scim']).optional(),
  active: queryBoolean.optional(),
  permissionSetId: idSchema.optional().describe('Only users holding this permission set'),
  teamId: idSchema.optional().describe('Only members of this team (primary or secondary)'),
  search: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('Part of the email or a name, case-insensitive'),
  limit: limitSchema,
  cursor: z.string().max(2048).optional(),
});

export function userView({ user, seat, primaryTeamId, secondaryTeamIds }: AppUser) {
  return {
    id: user.id,
    email: user.email,
    userName: user.userName,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    active: user.active,
    superAdmin: user.superAdmin,
    managedBy: user.managedBy,
    externalId: user.externalId,
    permissionSetId: user.permissionSetId,
    seat,
    primaryTeamId,
    secondaryTeamIds: [...secondaryTeamIds],
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    version: user.version,
  };
}

function condition(query: z.output<typeof listQuery>): UserCondition {
  const column = (
    name:
      | 'email'
      | 'managedBy'
      | 'active'
      | 'permissionSetId'
      | 'displayName'
      | 'givenName'
      | 'familyName',
  ) => ({ kind: 'column', column: name }) as const;
  const all: UserCondition[] = [];
  if (query.email !== undefined) {
    all.push({
      kind: 'compare',
      field: column('email'),
      op: 'eq',
      value: query.email,
      caseExact: false,
    });
  }
  if (query.managedBy !== undefined) {
    all.push({
      kind: 'compare',
      field: column('managedBy'),
      op: 'eq',
      value: query.managedBy,
      caseExact: true,
    });
  }
  if (query.active !== undefined) {
    all.push({
      kind: 'compare',
      field: column('active'),
      op: 'eq',
      value: query.active,
      caseExact: true,
    });
  }
  if (query.permissionSetId !== undefined) {
    all.push({
      kind: 'compare',
      field: column('permissionSetId'),
      op: 'eq',
      value: query.permissionSetId,
      caseExact: true,
    });
  }
  if (query.teamId !== undefined) {
    all.push({
      kind: 'some',
      attribute: TEAMS_ATTRIBUTE,
      condition: {
        kind: 'compare',
        field: { kind: 'element', path: ['value'] },
        op: 'eq',
        value: query.teamId,
        caseExact: true,
      },
    });
  }
  if (query.search !== undefined) {
    const search = query.search;
    all.push({
      kind: 'or',
      conditions: (['email', 'displayName', 'givenName', 'familyName'] as const).map((name) => ({
        kind: 'compare' as const,
        field: column(name),
        op: 'co' as const,
        value: search,
        caseExact: false,
      })),
    });
  }
  // One filter alone stays itself: the store counts an unfiltered or by-manager listing from
  // user_counts (O(1)) only when it sees that very condition.
  if (all.length === 1) return all[0] as UserCondition;
  return all.length === 0 ? { kind: 'all' } : { kind: 'and', conditions: all };
}

const base = '/accounts/{accountId}/users';
const tag = 'Users';
const userPath = idParams('accountId', 'userId');

export function userRoutes(directory: Directory, cursors: CursorCodec) {
  const users = directory.appUsers;
  return [
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listUsers',
      summary: 'List users (filter, paginate)',
      tag,
      access: 'account',
      params: idParams('accountId'),
      query: listQuery,
      success: { status: 200, description: 'Users in creation order', schema: userListSchema },
      async handler({ account, query }) {
        const { limit, cursor, ...filters } = query;
        // The cursor is bound to the account and filters it was issued for.
        const fingerprint = JSON.stringify(['admin-users', account.id, filters]);
        let state: { position: string; total: number } | undefined;
        if (cursor !== undefined) {
          const decoded = cursors.decode(cursor, fingerprint, Date.now());
          if (!decoded.ok) {
            throw new ApiProblem(400, 'request.invalid_cursor', decoded.error.detail);
          }
          state = decoded.value;
        }
        const { page, users: found } = await users.list({
          accountId: account.id,
          condition: condition(query),
          page: { kind: 'cursor', after: state?.position, limit },
          knownTotal: state?.total,
        });
        const next = page.nextKey
          ? cursors.encode({ position: page.nextKey, total: page.total }, fingerprint, Date.now())
          : null;
        return { body: { items: found.map(userView), total: page.total, nextCursor: next } };
      },
    }),
    defineRoute({
      method: 'post',
      path: base,
      operationId: 'createUser',
      summary: 'Create an app-managed user',
      description: 'Adding a user here does not add it to the identity provider.',
      tag,
      access: 'account',
      params: idParams('accountId'),
      body: createBody,
      success: { status: 201, description: 'The new user', schema: userSchema },
      errors: [409],
      audit: { action: 'user.create', targetType: 'user', request: 'redacted' },
      async handler({ account, body, actor }) {
        const created = await users.create(account.id, body, { actor });
        return {
          body: userView(created),
          targetId: created.user.id,
          headers: { Location: `/api/v1/accounts/${account.id}/users/${created.user.id}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/{userId}`,
      operationId: 'getUser',
      summary: 'Read a user',
      tag,
      access: 'account',
      params: userPath,
      success: { status: 200, description: 'The user', schema: userSchema },
      async handler({ account, params }) {
        return { body: userView(await users.get(account.id, params.userId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/{userId}`,
      operationId: 'updateUser',
      summary: 'Change a user: profile, permission set, super admin, seat, teams',
      description:
        'For a SCIM-managed user, email and names belong to the identity provider ' +
        '(409 `user.managed_by_idp`), and the permission set is locked while role sync is on ' +
        '(409 `user.role_sync_enabled`). Seats are assigned on the seats pricing model; a full ' +
        'pool answers 409 `seat.pool_full`.',
      tag,
      access: 'account',
      params: userPath,
      body: updateBody,
      success: { status: 200, description: 'The user as changed', schema: userSchema },
      errors: [409],
      audit: { action: 'user.update', targetType: 'user', request: 'redacted' },
      async handler({ account, params, body, actor }) {
        return { body: userView(await users.update(account.id, params.userId, body, { actor })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/{userId}/deactivate`,
      operationId: 'deactivateUser',
      summary: 'Deactivate an app-managed user (its data stays)',
      tag,
      access: 'account',
      params: userPath,
      success: { status: 200, description: 'The user', schema: userSchema },
      errors: [409],
      audit: { action: 'user.deactivate', targetType: 'user', request: 'redacted' },
      async handler({ account, params, actor }) {
        return { body: userView(await users.deactivate(account.id, params.userId, { actor })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/{userId}/reactivate`,
      operationId: 'reactivateUser',
      summary: 'Reactivate an app-managed user',
      tag,
      access: 'account',
      params: userPath,
      success: { status: 200, description: 'The user', schema: userSchema },
      errors: [409],
      audit: { action: 'user.reactivate', targetType: 'user', request: 'redacted' },
      async handler({ account, params, actor }) {
        return { body: userView(await users.reactivate(account.id, params.userId, { actor })) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/{userId}`,
      operationId: 'deleteUser',
      summary: 'Delete a user from Roster (the identity provider is not told)',
      tag,
      access: 'account',
      params: userPath,
      success: { status: 204, description: 'Deleted' },
      audit: { action: 'user.delete', targetType: 'user', request: 'redacted' },
      async handler({ account, params, actor }) {
        await users.delete(account.id, params.userId, { actor });
        return {};
      },
    }),
  ];
}
