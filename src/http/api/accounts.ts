/** `/accounts`: the operator creates and lists accounts; each account reads and tunes its own. */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { Account } from '../../directory/model.ts';
import { scimPrerequisites } from '../../directory/scim-prerequisites.ts';
import { requireOperator } from './admin-auth.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, nameSchema } from './common-schemas.ts';

const tierSchema = z.enum(['starter', 'professional', 'enterprise']);
const pricingModelSchema = z.enum(['classic', 'seats']);

export const accountSchema = named(
  'Account',
  z.object({
    id: z.string(),
    name: z.string(),
    tier: tierSchema,
    pricingModel: pricingModelSchema,
    ssoEnabled: z.boolean(),
    sandbox: z
      .boolean()
      .describe(
        'A sandbox provisions users in any email domain, verified or not, to try an IdP or a SCIM test suite; not for production. Set by the operator only',
      ),
    createdAt: z.string(),
    scim: z
      .object({
        installable: z.boolean(),
        missing: z.array(z.object({ prerequisite: z.enum(['tier', 'sso']), message: z.string() })),
      })
      .describe('Whether a SCIM app may be installed, and which prerequisites are missing'),
  }),
);

export const accountListSchema = named('AccountList', z.object({ items: z.array(accountSchema) }));

const createAccountBody = z.strictObject({
  name: nameSchema,
  tier: tierSchema.default('starter'),
  pricingModel: pricingModelSchema.default('classic'),
  ssoEnabled: z.boolean().default(false),
  sandbox: z.boolean().default(false).describe('operator key only (creating needs it anyway)'),
});

const updateAccountBody = z.strictObject({
  name: nameSchema.optional(),
  tier: tierSchema.optional().describe('operator key only'),
  pricingModel: pricingModelSchema.optional().describe('operator key only'),
  ssoEnabled: z.boolean().optional(),
  sandbox: z.boolean().optional().describe('operator key only'),
});

export function accountView(account: Account) {
  const missing = scimPrerequisites(account);
  return {
    id: account.id,
    name: account.name,
    tier: account.tier,
    pricingModel: account.pricingModel,
    ssoEnabled: account.ssoEnabled,
    sandbox: account.sandbox,
    createdAt: account.createdAt,
    scim: { installable: missing.length === 0, missing },
  };
}

const accountPath = idParams('accountId');

export function accountRoutes(directory: Directory) {
  return [
    defineRoute({
      method: 'post',
      path: '/accounts',
      operationId: 'createAccount',
      summary: 'Create an account',
      tag: 'Accounts',
      access: 'operator',
      body: createAccountBody,
      success: { status: 201, description: 'The new account', schema: accountSchema },
      audit: { action: 'account.create', targetType: 'account', request: 'redacted' },
      async handler({ body }) {
        const account = await directory.accounts.create(body);
        return {
          body: accountView(account),
          targetId: account.id,
          accountId: account.id,
          headers: { Location: `/api/v1/accounts/${account.id}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/accounts',
      operationId: 'listAccounts',
      summary: 'List every account',
      tag: 'Accounts',
      access: 'operator',
      success: {
        status: 200,
        description: 'All accounts, oldest first',
        schema: accountListSchema,
      },
      async handler() {
        return { body: { items: (await directory.accounts.list()).map(accountView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{accountId}',
      operationId: 'getAccount',
      summary: 'Read an account',
      tag: 'Accounts',
      access: 'account',
      params: accountPath,
      success: { status: 200, description: 'The account', schema: accountSchema },
      async handler({ account }) {
        return { body: accountView(account) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/accounts/{accountId}',
      operationId: 'updateAccount',
      summary: 'Change name, tier, pricing model, SSO or sandbox',
      description:
        "Tier, pricing model and sandbox are the operator's to set (403 `auth.operator_only` for an account key): a sandbox skips the verified-domain rule.",
      tag: 'Accounts',
      access: 'account',
      params: accountPath,
      body: updateAccountBody,
      success: { status: 200, description: 'The account as changed', schema: accountSchema },
      errors: [403],
      audit: { action: 'account.update', targetType: 'account', request: 'redacted' },
      async handler({ account, body, caller }) {
        // Billing, and the sandbox that lifts the verified-domain rule, are the operator's.
        if (
          body.tier !== undefined ||
          body.pricingModel !== undefined ||
          body.sandbox !== undefined
        )
          requireOperator(caller);
        return { body: accountView(await directory.accounts.update(account.id, body)) };
      },
    }),
  ];
}
