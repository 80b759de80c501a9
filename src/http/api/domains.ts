/**
 * `/accounts/{accountId}/domains`: domain verification (seeds: "Add a verified domain"). Adding
 * a domain answers with the TXT record to publish; verifying looks it up now and says verified
 * or exactly why not. Domains are named in paths by their name, as admins type them.
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { DomainCheck } from '../../directory/domains.ts';
import type { Domain } from '../../directory/model.ts';
import { defineRoute, named } from './api-route.ts';
import { idSchema } from './common-schemas.ts';

/** Checked strictly by the directory (`domain.invalid_name`); bounded here like any input. */
const domainNameSchema = z.string().min(1).max(253);

const failureCodeSchema = z.enum([
  'no_record',
  'wrong_value',
  'nxdomain',
  'timeout',
  'resolver_error',
  'claimed',
]);

export const domainSchema = named(
  'Domain',
  z.object({
    id: z.string(),
    domain: z.string().describe('Lower case; internationalised names in their punycode form'),
    state: z.enum(['pending', 'verified', 'failed']),
    txtRecord: z
      .object({ type: z.literal('TXT'), host: z.string(), value: z.string() })
      .describe('Publish this record in DNS, then verify'),
    lastCheckedAt: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    failureCode: failureCodeSchema.nullable().describe('Why the last check did not verify'),
    failureReason: z.string().nullable(),
    checkUntil: z
      .string()
      .nullable()
      .describe('Pending domains are re-checked periodically until then (48 hours)'),
    sharingAllowed: z
      .boolean()
      .describe(
        'Set by the operator: this account may verify the domain although another account ' +
          'verified it first (otherwise its checks report `claimed`)',
      ),
    createdAt: z.string(),
  }),
);

const listSchema = named('DomainList', z.object({ items: z.array(domainSchema) }));

export const domainCheckSchema = named(
  'DomainCheck',
  z.object({
    verified: z.boolean(),
    outcome: z.enum(['verified', ...failureCodeSchema.options]),
    reason: z.string().nullable().describe('Why not verified, in words; null when verified'),
    domain: domainSchema,
  }),
);

export const domainView = (domain: Domain) => ({
  id: domain.id,
  domain: domain.domain,
  state: domain.state,
  txtRecord: { type: 'TXT' as const, host: domain.challengeHost, value: domain.challengeValue },
  lastCheckedAt: domain.lastCheckedAt,
  verifiedAt: domain.verifiedAt,
  failureCode: domain.failureCode,
  failureReason: domain.failureReason,
  checkUntil: domain.checkUntil,
  sharingAllowed: domain.sharingAllowed,
  createdAt: domain.createdAt,
});

const checkView = ({ domain, outcome }: DomainCheck) => ({
  verified: outcome === 'verified',
  outcome,
  reason: outcome === 'verified' ? null : domain.failureReason,
  domain: domainView(domain),
});

const base = '/accounts/{accountId}/domains';
const tag = 'Domains';
const accountPath = z.strictObject({ accountId: idSchema });
const domainPath = z.strictObject({ accountId: idSchema, domain: domainNameSchema });

export function domainRoutes(directory: Directory) {
  const { domains } = directory;
  return [
    defineRoute({
      method: 'post',
      path: base,
      operationId: 'addDomain',
      summary: 'Add a domain: answers the TXT record (host and value) to publish',
      tag,
      access: 'account',
      params: accountPath,
      body: z.strictObject({ domain: domainNameSchema }),
      success: { status: 201, description: 'The domain, pending', schema: domainSchema },
      errors: [409],
      audit: { action: 'domain.add', targetType: 'domain', request: 'redacted' },
      async handler({ account, body }) {
        const domain = await domains.add(account.id, body.domain);
        return {
          body: domainView(domain),
          targetId: domain.domain,
          headers: {
            Location: `/api/v1/accounts/${account.id}/domains/${encodeURIComponent(domain.domain)}`,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listDomains',
      summary: "List the account's domains",
      tag,
      access: 'account',
      params: accountPath,
      success: { status: 200, description: 'Oldest first', schema: listSchema },
      async handler({ account }) {
        return { body: { items: (await domains.list(account.id)).map(domainView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/{domain}`,
      operationId: 'getDomain',
      summary: 'Read a domain and its last check',
      tag,
      access: 'account',
      params: domainPath,
      success: { status: 200, description: 'The domain', schema: domainSchema },
      async handler({ account, params }) {
        return { body: domainView(await domains.get(account.id, params.domain)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/{domain}/verify`,
      operationId: 'verifyDomain',
      summary: 'Look the TXT record up now',
      description:
        'Verified, or the exact reason it is not (no record, wrong value, NXDOMAIN, timeout, ' +
        'or `claimed`: the record is there but another account verified the domain first, and ' +
        'a domain is verified for one account unless the operator allows sharing it). ' +
        'A failed domain starts a new 48-hour window of periodic re-checks.',
      tag,
      access: 'account',
      params: domainPath,
      success: { status: 200, description: 'What the check found', schema: domainCheckSchema },
      audit: { action: 'domain.verify', targetType: 'domain', request: 'redacted' },
      async handler({ account, params, actor }) {
        return { body: checkView(await domains.verify(account.id, params.domain, { actor })) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/{domain}`,
      operationId: 'updateDomain',
      summary: 'Allow or stop sharing a domain another account verified first (operator key)',
      description:
        'Operator key only (403 `auth.operator_only` for an account admin key): which account ' +
        "holds a domain is the operator's decision. With `sharingAllowed` the account may verify " +
        'the domain although another account holds it; the next check verifies. Turning it off ' +
        'while both accounts hold the domain is refused (409 `domain.claimed`).',
      tag,
      access: 'operator',
      params: domainPath,
      body: z.strictObject({ sharingAllowed: z.boolean() }),
      success: { status: 200, description: 'The domain', schema: domainSchema },
      errors: [409],
      audit: { action: 'domain.update', targetType: 'domain', request: 'redacted' },
      async handler({ account, params, body }) {
        const domain = await domains.setSharing(account.id, params.domain, body.sharingAllowed);
        return { body: domainView(domain), targetId: domain.domain };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/{domain}`,
      operationId: 'removeDomain',
      summary: 'Remove a domain; its users can no longer be provisioned by SCIM',
      tag,
      access: 'account',
      params: domainPath,
      success: { status: 204, description: 'Removed' },
      audit: { action: 'domain.remove', targetType: 'domain', request: 'redacted' },
      async handler({ account, params }) {
        await domains.remove(account.id, params.domain);
        return {};
      },
    }),
  ];
}
