/** The audit trail of mutating admin calls: per account, and for the operator across accounts. */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { AuditEntry } from '../../directory/model.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, idSchema, limitSchema } from './common-schemas.ts';
import { ApiProblem } from './problem-response.ts';

export const auditEntrySchema = named(
  'AuditEntry',
  z.object({
    id: z.string(),
    accountId: z.string().nullable(),
    at: z.string(),
    actor: z.union([
      z.object({ kind: z.literal('operator') }),
      z.object({ kind: z.literal('admin-key'), keyId: z.string(), prefix: z.string() }),
      z
        .object({ kind: z.literal('scim-app'), appId: z.string() })
        .describe('The installed SCIM app, for the IdP (adoptions)'),
    ]),
    action: z.string(),
    target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
    status: z.number().int(),
    outcome: z.enum(['success', 'failure']),
    errorCode: z.string().nullable(),
    request: z
      .unknown()
      .describe(
        'The request body with secret-named fields redacted (bounded to 4096 characters), or null: no body, or a route that keeps none (a project upload)',
      ),
  }),
);

export const auditListSchema = named(
  'AuditList',
  z.object({
    items: z.array(auditEntrySchema),
    next: z.string().nullable().describe('Pass as `before` for the next (older) page'),
  }),
);

const auditQuery = z.strictObject({
  limit: limitSchema,
  before: idSchema.optional().describe('Entries older than this entry id'),
  action: z.string().max(100).optional().describe("Only this action, e.g. 'user.update'"),
});

function view(entry: AuditEntry) {
  let request: unknown = null;
  if (entry.request !== null) {
    try {
      request = JSON.parse(entry.request);
    } catch {
      request = entry.request; // truncated: kept as text
    }
  }
  return {
    id: entry.id,
    accountId: entry.accountId,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: { type: entry.targetType, id: entry.targetId },
    status: entry.status,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    request,
  };
}

/**
 * The page's anchor must be an entry of the trail being read: another account's entry id would
 * page this account's trail by the other's times (and tell that the id exists).
 */
async function checkAnchor(
  directory: Directory,
  accountId: string | undefined,
  before: string | undefined,
): Promise<void> {
  if (before === undefined) return;
  const anchor = await directory.audit.find(before);
  if (anchor && (accountId === undefined || anchor.accountId === accountId)) return;
  const where = accountId === undefined ? 'the audit trail' : "this account's audit trail";
  throw new ApiProblem(
    400,
    'request.invalid',
    `the query parameter 'before' must be the id of an entry of ${where}, as given in 'next'`,
    { errors: [{ pointer: '/before', message: `not an entry of ${where}` }] },
  );
}

async function page(
  directory: Directory,
  accountId: string | undefined,
  query: z.output<typeof auditQuery>,
) {
  await checkAnchor(directory, accountId, query.before);
  const entries = await directory.audit.list({ ...query, accountId });
  return {
    items: entries.map(view),
    next: entries.length === query.limit ? (entries.at(-1)?.id ?? null) : null,
  };
}

export function auditRoutes(directory: Directory) {
  return [
    defineRoute({
      method: 'get',
      path: '/accounts/{accountId}/audit',
      operationId: 'listAccountAudit',
      summary: "The account's audit trail, newest first",
      tag: 'Audit',
      access: 'account',
      params: idParams('accountId'),
      query: auditQuery,
      success: { status: 200, description: 'Audit entries', schema: auditListSchema },
      async handler({ account, query }) {
        return { body: await page(directory, account.id, query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAudit',
      summary: 'Every audit entry across accounts, newest first',
      tag: 'Audit',
      access: 'operator',
      query: auditQuery,
      success: { status: 200, description: 'Audit entries', schema: auditListSchema },
      async handler({ query }) {
        return { body: await page(directory, undefined, query) };
      },
    }),
  ];
}
