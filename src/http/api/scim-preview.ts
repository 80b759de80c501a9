/**
 * `/accounts/{accountId}/scim/preview`: before an IdP provisions anyone, which existing users its
 * user list would adopt, create or be refused, and with what permission set (issue 4). Read-only:
 * the directory runs the same plan a SCIM create follows, without writing.
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { UserChange } from '../../directory/users.ts';
import { parseUserChange } from '../../scim/resources/user-change.ts';
import { defineRoute, named } from './api-route.ts';

/** A preview is one request; past this, split the IdP's list. */
const MAX_USERS = 10_000;

const previewItemSchema = named(
  'ProvisioningPreviewItem',
  z.object({
    index: z.number().int().describe('Position of the user in the request, from 0'),
    userName: z.string().nullable(),
    email: z.string().nullable(),
    outcome: z
      .enum(['create', 'adopt', 'match', 'refused'])
      .describe(
        'match: already provisioned under this userName; an IdP finds it by userName and updates it',
      ),
    existingUserId: z
      .string()
      .nullable()
      .describe('The app user that would be adopted, or the provisioned user an IdP would match'),
    permissionSetBefore: z.string().nullable().describe('Adoption: the set the user holds now'),
    permissionSet: z.string().nullable().describe('The set the user would end up with'),
    warning: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
);

const previewSchema = named(
  'ProvisioningPreview',
  z.object({
    summary: z.object({
      create: z.number().int(),
      adopt: z.number().int(),
      match: z.number().int(),
      refused: z.number().int(),
    }),
    items: z.array(previewItemSchema),
  }),
);

const body = z.strictObject({
  users: z
    .array(z.looseObject({}))
    .max(MAX_USERS)
    .describe('SCIM User resources, as the IdP would POST them to /scim/v2/Users'),
});

export function scimPreviewRoutes(directory: Directory) {
  return [
    defineRoute({
      method: 'post',
      path: '/accounts/{accountId}/scim/preview',
      operationId: 'previewProvisioning',
      summary: 'Which users an IdP user list would create, adopt, match or be refused, read-only',
      description:
        'Runs the plan a SCIM create follows for each user, without writing: adoption of app ' +
        'users by userName or email, role sync to permission sets, verified domains, seats.',
      tag: 'SCIM app',
      access: 'account',
      params: z.strictObject({ accountId: z.string().min(1).max(128) }),
      body,
      success: { status: 200, description: 'One item per user, in order', schema: previewSchema },
      async handler({ account, body }) {
        const parsed = body.users.map((user) => parseUserChange(user));
        const valid: { index: number; change: UserChange }[] = [];
        parsed.forEach((result, index) => {
          if (result.ok) valid.push({ index, change: result.value });
        });
        const previews = await directory.users.previewProvisioning(
          account.id,
          valid.map((v) => v.change),
        );
        const byIndex = new Map(valid.map((v, i) => [v.index, previews[i]]));
        const items = parsed.map((result, index) => {
          const preview = byIndex.get(index);
          if (preview) return { index, ...preview };
          const raw = body.users[index] ?? {};
          return {
            index,
            userName: typeof raw.userName === 'string' ? raw.userName : null,
            email: null,
            outcome: 'refused' as const,
            existingUserId: null,
            permissionSetBefore: null,
            permissionSet: null,
            warning: null,
            error: result.ok
              ? null
              : {
                  code: `scim.${result.error.scimType ?? 'invalid'}`,
                  message: result.error.detail,
                },
          };
        });
        const count = (outcome: string) => items.filter((i) => i.outcome === outcome).length;
        return {
          body: {
            summary: {
              create: count('create'),
              adopt: count('adopt'),
              match: count('match'),
              refused: count('refused'),
            },
            items,
          },
        };
      },
    }),
  ];
}
