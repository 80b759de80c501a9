/** `/accounts/{accountId}/admin-keys`: keys scoped to one account; shown once, then by prefix. */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { AdminKey } from '../../directory/model.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, nameSchema } from './common-schemas.ts';

export const adminKeySchema = named(
  'AdminKey',
  z.object({
    id: z.string(),
    name: z.string(),
    prefix: z
      .string()
      .max(8)
      .describe(
        'At most 8 characters of the key, those right after its roster_admin_ label, to tell keys apart',
      ),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  }),
);

const issuedKeySchema = named(
  'IssuedAdminKey',
  adminKeySchema.extend({
    key: z.string().describe('The key itself: shown this once, only its hash is kept'),
  }),
);

const adminKeyListSchema = named('AdminKeyList', z.object({ items: z.array(adminKeySchema) }));

const createBody = z.strictObject({ name: nameSchema });

const view = (key: AdminKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  createdAt: key.createdAt,
  lastUsedAt: key.lastUsedAt,
  revokedAt: key.revokedAt,
});

const callerSchema = named(
  'Caller',
  z.object({
    kind: z.enum(['operator', 'account']),
    accountId: z.string().nullable().describe('The account an account admin key acts on'),
    keyId: z.string().nullable(),
    prefix: z.string().nullable(),
  }),
);

export function adminKeyRoutes(directory: Directory) {
  return [
    defineRoute({
      method: 'get',
      path: '/me',
      operationId: 'getCaller',
      summary: 'Who the key is: the operator, or an admin key of one account',
      description: '`roster login` checks a key with it and learns its account.',
      tag: 'Admin keys',
      access: 'any',
      success: { status: 200, description: 'The caller', schema: callerSchema },
      async handler({ caller }) {
        return {
          body:
            caller.kind === 'account'
              ? {
                  kind: 'account',
                  accountId: caller.accountId,
                  keyId: caller.keyId,
                  prefix: caller.prefix,
                }
              : { kind: 'operator', accountId: null, keyId: null, prefix: null },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/accounts/{accountId}/admin-keys',
      operationId: 'createAdminKey',
      summary: 'Create an account admin key (shown once)',
      tag: 'Admin keys',
      access: 'account',
      params: idParams('accountId'),
      body: createBody,
      success: { status: 201, description: 'The key, shown this once', schema: issuedKeySchema },
      audit: { action: 'admin_key.create', targetType: 'admin_key', request: 'redacted' },
      async handler({ account, body }) {
        const { key, record } = await directory.adminKeys.issue(account.id, body.name);
        return { body: { ...view(record), key }, targetId: record.id };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{accountId}/admin-keys',
      operationId: 'listAdminKeys',
      summary: 'List the account admin keys by prefix',
      tag: 'Admin keys',
      access: 'account',
      params: idParams('accountId'),
      success: { status: 200, description: 'Keys, oldest first', schema: adminKeyListSchema },
      async handler({ account }) {
        return { body: { items: (await directory.adminKeys.list(account.id)).map(view) } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/accounts/{accountId}/admin-keys/{keyId}',
      operationId: 'revokeAdminKey',
      summary: 'Revoke an account admin key',
      description: 'The key stops working at once; it stays listed with its revocation time.',
      tag: 'Admin keys',
      access: 'account',
      params: idParams('accountId', 'keyId'),
      success: { status: 204, description: 'Revoked' },
      audit: { action: 'admin_key.revoke', targetType: 'admin_key', request: 'redacted' },
      async handler({ account, params }) {
        await directory.adminKeys.revoke(account.id, params.keyId);
        return {};
      },
    }),
  ];
}
