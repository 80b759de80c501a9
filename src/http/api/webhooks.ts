/**
 * `/accounts/{accountId}/webhooks`: the account's webhook endpoints (issue 11; docs/webhooks.md).
 * The signing secret is in the answers of create and rotate-secret only. Redelivery and the test
 * event send at once and answer with the attempt as the delivery log keeps it.
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import { EVENT_TYPES } from '../../directory/events.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../directory/model.ts';
import {
  DEFAULT_ROTATION_OVERLAP_HOURS,
  endpointStatus,
  eventTypeProblem,
  MAX_ROTATION_OVERLAP_HOURS,
  MAX_URL_LENGTH,
  urlProblem,
} from '../../directory/webhooks.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, idSchema, limitSchema } from './common-schemas.ts';
import { ApiProblem } from './problem-response.ts';

const urlSchema = z
  .string()
  .max(MAX_URL_LENGTH)
  .describe(
    'Absolute http(s) URL Roster POSTs events to; https is strongly advised. 400 ' +
      '`webhook.invalid_url` otherwise',
  );

const eventTypesSchema = z
  .array(z.string().max(100))
  .max(EVENT_TYPES.length)
  .describe(
    `Event types to send; empty or absent: all (${EVENT_TYPES.join(', ')}). 400 ` +
      '`webhook.event_type_unknown` names an unknown one',
  );

/**
 * The URL and types checked here rather than by the schema, so each mistake has its own code
 * and the types a suggestion (the directory checks again for other callers).
 */
function checkInput(body: {
  url?: string | undefined;
  eventTypes?: readonly string[] | undefined;
}) {
  const badUrl = body.url === undefined ? undefined : urlProblem(body.url);
  if (badUrl !== undefined) {
    throw new ApiProblem(400, 'webhook.invalid_url', `url: ${badUrl}`, {
      errors: [{ pointer: '/url', message: badUrl }],
    });
  }
  for (const [index, type] of (body.eventTypes ?? []).entries()) {
    const problem = eventTypeProblem([type]);
    if (problem !== undefined) {
      throw new ApiProblem(400, 'webhook.event_type_unknown', `eventTypes: ${problem}`, {
        errors: [{ pointer: `/eventTypes/${index}`, message: problem }],
      });
    }
  }
}

const descriptionSchema = z
  .string()
  .max(500)
  .refine((value) => ![...value].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20), {
    message: 'must not contain control characters',
  })
  .nullable();

const endpointFields = {
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()).describe('Empty: every type'),
  enabled: z.boolean(),
  status: z
    .enum(['healthy', 'retrying', 'disabled'])
    .describe('retrying: the event after the cursor failed and is retried at nextAttemptAt'),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  cursor: z.number().int().describe('The account event sequence delivered last'),
  attempts: z.number().int().describe('Failed attempts at the next event since the last success'),
  nextAttemptAt: z.string().nullable(),
  failingSince: z.string().nullable(),
  lastError: z.string().nullable(),
  previousSecretExpiresAt: z
    .string()
    .nullable()
    .describe('Until then deliveries are also signed with the secret before the last rotation'),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const webhookEndpointSchema = named('WebhookEndpoint', z.object(endpointFields));

const endpointWithSecretSchema = named(
  'WebhookEndpointWithSecret',
  z.object({
    ...endpointFields,
    secret: z
      .string()
      .describe('whsec_…: verifies signatures; shown only now, store it in the receiving app'),
  }),
);

const endpointListSchema = named(
  'WebhookEndpointList',
  z.object({ items: z.array(webhookEndpointSchema), next: z.null() }),
);

export const webhookDeliverySchema = named(
  'WebhookDelivery',
  z.object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().describe('Sent as webhook-id'),
    eventType: z.string(),
    eventSequence: z.number().int().nullable().describe('Null for the test event'),
    attempt: z.number().int(),
    trigger: z.enum(['automatic', 'redelivery', 'test']),
    success: z.boolean(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable().describe('Why it failed without a status: timeout, refused…'),
    latencyMs: z.number().int(),
    responseExcerpt: z.string().nullable().describe('The first 1 KiB of the response body'),
    deliveredAt: z.string(),
  }),
);

export const webhookDeliveryListSchema = named(
  'WebhookDeliveryList',
  z.object({
    items: z.array(webhookDeliverySchema),
    next: z.string().nullable().describe('Pass as `before` for the next (older) page'),
  }),
);

function view(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: [...endpoint.eventTypes],
    enabled: endpoint.enabled,
    status: endpointStatus(endpoint),
    disabledAt: endpoint.disabledAt,
    disabledReason: endpoint.disabledReason,
    cursor: endpoint.cursor,
    attempts: endpoint.attempts,
    nextAttemptAt: endpoint.nextAttemptAt,
    failingSince: endpoint.failingSince,
    lastError: endpoint.lastError,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

function deliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    eventSequence: delivery.eventSequence,
    attempt: delivery.attempt,
    trigger: delivery.trigger,
    success: delivery.success,
    statusCode: delivery.statusCode,
    error: delivery.error,
    latencyMs: delivery.latencyMs,
    responseExcerpt: delivery.responseExcerpt,
    deliveredAt: delivery.deliveredAt,
  };
}

const base = '/accounts/{accountId}/webhooks';
const one = `${base}/{webhookId}`;
const tag = 'Webhooks';

export function webhookRoutes(directory: Directory) {
  const { webhooks } = directory;
  return [
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'listWebhooks',
      summary: "List the account's webhook endpoints (without secrets)",
      tag,
      access: 'account',
      params: idParams('accountId'),
      success: { status: 200, description: 'Oldest first', schema: endpointListSchema },
      async handler({ account }) {
        return { body: { items: (await webhooks.list(account.id)).map(view), next: null } };
      },
    }),
    defineRoute({
      method: 'post',
      path: base,
      operationId: 'createWebhook',
      summary: 'Add a webhook endpoint; the answer holds its signing secret, shown only now',
      description:
        'The endpoint receives the events committed after its creation, signed per Standard ' +
        'Webhooks. `http:` URLs are accepted (for a receiver on the same host or network); use ' +
        'https anywhere else. 400 `request.invalid` names a bad URL or an unknown event type.',
      tag,
      access: 'account',
      params: idParams('accountId'),
      body: z.strictObject({
        url: urlSchema,
        description: descriptionSchema.optional(),
        eventTypes: eventTypesSchema.optional(),
      }),
      success: {
        status: 201,
        description: 'The endpoint, with its secret',
        schema: endpointWithSecretSchema,
      },
      errors: [409],
      audit: { action: 'webhook.create', targetType: 'webhook', request: 'redacted' },
      async handler({ account, body }) {
        checkInput(body);
        const endpoint = await webhooks.create(account.id, body);
        return {
          status: 201,
          body: { ...view(endpoint), secret: endpoint.secret },
          targetId: endpoint.id,
          headers: { Location: `/api/v1/accounts/${account.id}/webhooks/${endpoint.id}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: one,
      operationId: 'getWebhook',
      summary: 'Read a webhook endpoint and its delivery state',
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId'),
      success: { status: 200, description: 'The endpoint', schema: webhookEndpointSchema },
      async handler({ account, params }) {
        return { body: view(await webhooks.get(account.id, params.webhookId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: one,
      operationId: 'updateWebhook',
      summary: 'Change the URL, description or event types; disable or re-enable',
      description:
        'Re-enabling an endpoint (also one disabled after 3 days of failures) resumes delivery ' +
        'at its cursor: the event it was failing on comes first.',
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId'),
      body: z.strictObject({
        url: urlSchema.optional(),
        description: descriptionSchema.optional(),
        eventTypes: eventTypesSchema.optional(),
        enabled: z.boolean().optional(),
      }),
      success: {
        status: 200,
        description: 'The endpoint as changed',
        schema: webhookEndpointSchema,
      },
      audit: { action: 'webhook.update', targetType: 'webhook', request: 'redacted' },
      async handler({ account, params, body }) {
        checkInput(body);
        return { body: view(await webhooks.update(account.id, params.webhookId, body)) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: one,
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook endpoint and its delivery log',
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId'),
      success: { status: 204, description: 'Deleted' },
      audit: { action: 'webhook.delete', targetType: 'webhook', request: 'redacted' },
      async handler({ account, params }) {
        await webhooks.delete(account.id, params.webhookId);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${one}/rotate-secret`,
      operationId: 'rotateWebhookSecret',
      summary: 'Issue a new signing secret; the old one keeps signing during the overlap',
      description: `During the overlap (default ${DEFAULT_ROTATION_OVERLAP_HOURS} hours) every delivery carries two signatures, one per secret, so the receiving app can switch without missing one. 0 ends the old secret at once.`,
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId'),
      body: z
        .strictObject({
          overlapHours: z
            .number()
            .min(0)
            .max(MAX_ROTATION_OVERLAP_HOURS)
            .optional()
            .describe(
              `Hours the old secret keeps signing; default ${DEFAULT_ROTATION_OVERLAP_HOURS}`,
            ),
        })
        .optional(),
      success: {
        status: 200,
        description: 'The endpoint with its new secret, shown only now',
        schema: endpointWithSecretSchema,
      },
      audit: { action: 'webhook.rotate_secret', targetType: 'webhook', request: 'redacted' },
      async handler({ account, params, body }) {
        const endpoint = await webhooks.rotateSecret(
          account.id,
          params.webhookId,
          body?.overlapHours ?? DEFAULT_ROTATION_OVERLAP_HOURS,
        );
        return { body: { ...view(endpoint), secret: endpoint.secret } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${one}/deliveries`,
      operationId: 'listWebhookDeliveries',
      summary: "The endpoint's delivery log, newest first",
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId'),
      query: z.strictObject({
        limit: limitSchema,
        before: idSchema.optional().describe('Deliveries older than this delivery id'),
      }),
      success: { status: 200, description: 'Deliveries', schema: webhookDeliveryListSchema },
      async handler({ account, params, query }) {
        const items = await webhooks.deliveries(account.id, params.webhookId, query);
        return {
          body: {
            items: items.map(deliveryView),
            next: items.length === query.limit ? (items.at(-1)?.id ?? null) : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${one}/deliveries/{deliveryId}/redeliver`,
      operationId: 'redeliverWebhookDelivery',
      summary: 'Send the event of a logged delivery again, now',
      description:
        'The cursor does not move; the attempt is logged with trigger `redelivery`, and answered.',
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId', 'deliveryId'),
      success: { status: 200, description: 'The attempt', schema: webhookDeliverySchema },
      audit: { action: 'webhook.redeliver', targetType: 'webhook', request: 'redacted' },
      async handler({ account, params }) {
        const delivery = await webhooks.redeliver(account.id, params.webhookId, {
          deliveryId: params.deliveryId,
        });
        return { body: deliveryView(delivery), targetId: params.webhookId };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${one}/redeliver`,
      operationId: 'redeliverWebhookEvent',
      summary: 'Send one event of the feed to the endpoint again, now',
      description:
        'The cursor does not move; the attempt is logged with trigger `redelivery`, and answered.',
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId'),
      body: z.strictObject({ eventId: idSchema.describe('The event id (evt_…)') }),
      success: { status: 200, description: 'The attempt', schema: webhookDeliverySchema },
      audit: { action: 'webhook.redeliver', targetType: 'webhook', request: 'redacted' },
      async handler({ account, params, body }) {
        const delivery = await webhooks.redeliver(account.id, params.webhookId, {
          eventId: body.eventId,
        });
        return { body: deliveryView(delivery) };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${one}/test`,
      operationId: 'testWebhook',
      summary: 'Send a webhook.test event now and answer how it went',
      description:
        'The test event is signed like every delivery, is not in the feed and does not move ' +
        'the cursor. Disabled endpoints can be tested too.',
      tag,
      access: 'account',
      params: idParams('accountId', 'webhookId'),
      success: { status: 200, description: 'The attempt', schema: webhookDeliverySchema },
      audit: { action: 'webhook.test', targetType: 'webhook', request: 'redacted' },
      async handler({ account, params }) {
        return { body: deliveryView(await webhooks.test(account.id, params.webhookId)) };
      },
    }),
  ];
}
