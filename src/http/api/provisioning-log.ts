/**
 * `/accounts/{accountId}/provisioning-log`: one event per SCIM request (what the IdP did and how
 * it ended), filtered by time, IdP, operation, outcome, user, group and request id; one event with its request and
 * response bodies, secrets already redacted when recorded.
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { ProvisioningEvent } from '../../directory/model.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, idSchema, limitSchema, timestampSchema } from './common-schemas.ts';
import { ApiProblem } from './problem-response.ts';

const outcomeSchema = z.enum(['success', 'failure', 'warning']);

const eventFields = {
  id: z.string(),
  at: z.string(),
  idp: z.string().describe("Detected from the User-Agent: 'okta', 'entra', ... or 'unknown'"),
  method: z.string(),
  path: z.string(),
  operation: z.string().describe("In words: 'create user', 'deactivate user', 'list users'..."),
  userId: z.string().nullable(),
  groupId: z.string().nullable().describe('The group the request was about, if any'),
  status: z.number().int(),
  outcome: outcomeSchema,
  scimType: z.string().nullable(),
  explanation: z.string().nullable().describe('Why a request failed or warned, in plain words'),
  durationMs: z.number(),
  sandbox: z
    .boolean()
    .describe(
      'The account was a sandbox when the request ran: users in any email domain were accepted',
    ),
  requestId: z
    .string()
    .nullable()
    .describe(
      "The request's X-Request-Id, as in its response header and the server's log lines; null for events logged before request ids",
    ),
};

export const eventSummarySchema = named('ProvisioningEventSummary', z.object(eventFields));

export const eventSchema = named(
  'ProvisioningEvent',
  z.object({
    ...eventFields,
    requestBody: z.unknown().describe('The request body as received, secrets redacted'),
    responseBody: z.unknown().describe('The response body as sent, secrets redacted'),
  }),
);

export const eventListSchema = named(
  'ProvisioningEventList',
  z.object({
    items: z.array(eventSummarySchema),
    next: z.string().nullable().describe('Pass as `before` for the next (older) page'),
  }),
);

/** Stored times are `toISOString()` output; bounds are normalised to it so text order is time order. */
const bound = timestampSchema.transform((value) => new Date(value).toISOString());

const listQuery = z.strictObject({
  from: bound.optional().describe('Events at or after this time (ISO 8601, UTC)'),
  to: bound.optional().describe('Events before this time (ISO 8601, UTC)'),
  idp: z.string().min(1).max(64).optional(),
  operation: z.string().min(1).max(100).optional().describe("e.g. 'create user'"),
  outcome: outcomeSchema.optional(),
  userId: idSchema.optional(),
  groupId: idSchema.optional(),
  requestId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('The event of one request: its X-Request-Id (from a response or a log line)'),
  before: idSchema.optional().describe('Events older than this event id'),
  limit: limitSchema,
});

function summary(event: ProvisioningEvent) {
  return {
    id: event.id,
    at: event.at,
    idp: event.idp,
    method: event.method,
    path: event.path,
    operation: event.operation,
    userId: event.userId,
    groupId: event.groupId,
    status: event.status,
    outcome: event.outcome,
    scimType: event.scimType,
    explanation: event.explanation,
    durationMs: event.durationMs,
    sandbox: event.sandbox,
    requestId: event.requestId,
  };
}

/** Bodies are kept as JSON text (or cut-off text when a request was not JSON). */
function parsed(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export const authFailureSchema = named(
  'AuthFailureCount',
  z.object({
    minute: z.string().describe('The minute counted (ISO 8601, seconds zero)'),
    accountId: z
      .string()
      .nullable()
      .describe('The account of a revoked or expired token; null for an unknown token'),
    tokenPrefix: z.string().nullable().describe('The stored prefix of a known token'),
    reason: z
      .enum(['missing', 'malformed', 'unknown', 'revoked', 'expired'])
      .describe(
        'No Authorization header, a malformed one, or a token that is unknown, revoked or expired',
      ),
    idp: z.string(),
    source: z.string().describe("The client's address as the server saw it"),
    count: z.number().int(),
  }),
);

const authFailureList = named(
  'AuthFailureCountList',
  z.object({ items: z.array(authFailureSchema) }),
);

export const idpActivitySchema = named(
  'IdpActivity',
  z.object({
    idp: z.string().describe("Detected from the User-Agent: 'okta', 'entra', ... or 'unknown'"),
    lastAt: z.string().describe('Its last request, however long ago (within retention)'),
    requests: z.number().int().describe('Its requests since `since`'),
    failures: z.number().int(),
    warnings: z.number().int(),
    lastFailure: eventSummarySchema.nullable().describe('Its newest failed request, if any'),
  }),
);

const idpActivityList = named(
  'IdpActivityList',
  z.object({ since: z.string(), items: z.array(idpActivitySchema) }),
);

const idpActivityQuery = z.strictObject({
  since: bound
    .optional()
    .describe('Count requests at or after this time (ISO 8601, UTC); default: 24 hours ago'),
});

const authFailureQuery = z.strictObject({
  from: bound.optional().describe('Minutes at or after this time (ISO 8601, UTC)'),
  to: bound.optional().describe('Minutes before this time (ISO 8601, UTC)'),
  limit: limitSchema,
});

const base = '/accounts/{accountId}/provisioning-log';
const tag = 'Provisioning log';

export function provisioningLogRoutes(directory: Directory) {
  const log = directory.provisioningLog;
  return [
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listProvisioningEvents',
      summary: 'SCIM requests of the account, newest first',
      tag,
      access: 'account',
      params: idParams('accountId'),
      query: listQuery,
      success: { status: 200, description: 'Events without their bodies', schema: eventListSchema },
      async handler({ account, query }) {
        if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
          throw new ApiProblem(400, 'request.invalid', '`from` must be earlier than `to`', {
            errors: [{ pointer: '/from', message: 'must be earlier than to' }],
          });
        }
        const events = await log.list({ ...query, accountId: account.id });
        return {
          body: {
            items: events.map(summary),
            next: events.length === query.limit ? (events.at(-1)?.id ?? null) : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/auth-failures`,
      operationId: 'listAuthFailures',
      summary: "Failed SCIM authentications with the account's revoked or expired tokens",
      description:
        'Counted per minute, token, reason, IdP and source address. A token that was never issued names no account: those attempts are listed to the operator at /auth-failures.',
      tag,
      access: 'account',
      params: idParams('accountId'),
      query: authFailureQuery,
      success: { status: 200, description: 'Counts, newest minute first', schema: authFailureList },
      async handler({ account, query }) {
        return { body: { items: await log.authFailures({ ...query, accountId: account.id }) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/idp-activity`,
      operationId: 'listIdpActivity',
      summary:
        'Each identity provider that called: last contact, requests and failures, last error',
      description:
        'One entry per IdP (detected from the User-Agent) that has called the account, most ' +
        'recent first: its last request, its requests, failures and warnings since `since`, and ' +
        'its newest failed request. Failed authentications are at `/auth-failures`.',
      tag,
      access: 'account',
      params: idParams('accountId'),
      query: idpActivityQuery,
      success: { status: 200, description: 'Per IdP', schema: idpActivityList },
      async handler({ account, query }) {
        const now = Date.parse(directory.clock.now());
        const since = query.since ?? new Date(now - 24 * 3600_000).toISOString();
        const items = await log.idpActivity(account.id, since);
        return {
          body: {
            since,
            items: items.map((item) => ({
              ...item,
              lastFailure: item.lastFailure ? summary(item.lastFailure) : null,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth-failures',
      operationId: 'listAllAuthFailures',
      summary: 'Every failed SCIM authentication, unknown tokens included',
      tag,
      access: 'operator',
      query: authFailureQuery,
      success: { status: 200, description: 'Counts, newest minute first', schema: authFailureList },
      async handler({ query }) {
        return { body: { items: await log.authFailures(query) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/{eventId}`,
      operationId: 'getProvisioningEvent',
      summary: 'One SCIM request with its redacted bodies',
      tag,
      access: 'account',
      params: idParams('accountId', 'eventId'),
      success: { status: 200, description: 'The event', schema: eventSchema },
      async handler({ account, params }) {
        const event = await log.get(account.id, params.eventId);
        if (!event) {
          throw new ApiProblem(
            404,
            'provisioning_event.not_found',
            `no provisioning event with id '${params.eventId}'`,
          );
        }
        return {
          body: {
            ...summary(event),
            requestBody: parsed(event.requestBody),
            responseBody: parsed(event.responseBody),
          },
        };
      },
    }),
  ];
}
