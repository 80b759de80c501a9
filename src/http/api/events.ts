/**
 * `/accounts/{accountId}/events`: the account's event feed (issue 11; docs/events.md). Pages in
 * sequence order after a cursor, filtered by type, and long-polls with `wait`. Query values are
 * checked here rather than by the schema, so each mistake gets its own code.
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import { feedItem, MAX_FEED_LIMIT, MAX_FEED_WAIT_SECONDS } from '../../directory/event-feed.ts';
import { EVENT_TYPES, isEventType } from '../../directory/events.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams } from './common-schemas.ts';
import { ApiProblem } from './problem-response.ts';

const DEFAULT_LIMIT = 100;

const actorSchema = z
  .object({
    kind: z.enum(['idp', 'admin_key', 'console', 'operator', 'system']),
    appId: z.string().optional().describe('idp: the SCIM app'),
    tokenId: z.string().optional().describe('idp: the token the IdP used'),
    idp: z.string().optional().describe("idp: detected from its requests ('okta', 'entra'…)"),
    keyId: z
      .string()
      .nullable()
      .optional()
      .describe('admin_key, console: the admin key (console: null when signed in as operator)'),
  })
  .describe('Who made the change');

export const feedEventSchema = named(
  'Event',
  z.object({
    id: z.string().describe('Stable id (evt_…); the same event always has the same id'),
    type: z.enum(EVENT_TYPES),
    accountId: z.string(),
    sequence: z
      .number()
      .int()
      .describe('Per account, from 1, without gaps, in the order changes committed'),
    occurredAt: z.string().describe('When the change was made (ISO 8601, UTC)'),
    actor: actorSchema,
    subject: z.string().describe('user:<id>, group:<id>, scim_app:<id> or domain:<name>'),
    data: z.unknown().describe('Per type; see docs/events.md'),
  }),
);

const feedPageSchema = named(
  'EventPage',
  z.object({
    items: z.array(feedEventSchema),
    next: z
      .string()
      .describe('The cursor to pass as `after` next; given even when `items` is empty'),
  }),
);

const feedQuery = z.strictObject({
  after: z
    .string()
    .optional()
    .describe(
      "The `next` of the previous page, or 'latest' for only what happens from now on. " +
        'Without it the feed starts at the oldest event still kept.',
    ),
  types: z
    .string()
    .optional()
    .describe(`Comma-separated event types to return (${EVENT_TYPES.join(', ')}); default all`),
  limit: z
    .string()
    .optional()
    .describe(`Events per page, 1 to ${MAX_FEED_LIMIT}; default ${DEFAULT_LIMIT}`),
  wait: z
    .string()
    .optional()
    .describe(
      `Long-poll: seconds (0 to ${MAX_FEED_WAIT_SECONDS}) to wait for a first matching event ` +
        'when there is none yet; default 0',
    ),
});

function badQuery(name: string, code: string, message: string): ApiProblem {
  return new ApiProblem(400, code, `${name}: ${message}`, {
    errors: [{ pointer: `/${name}`, message }],
  });
}

/** A whole number in [min, max] written in plain digits, or the fallback when absent. */
function whole(name: string, value: string | undefined, min: number, max: number, code: string) {
  if (value === undefined) return undefined;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badQuery(name, code, `must be a whole number from ${min} to ${max}; got '${value}'`);
  }
  return n;
}

function parseCursor(value: string | undefined): number | 'latest' | undefined {
  if (value === undefined || value === 'latest') return value;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badQuery(
      'after',
      'event.cursor_invalid',
      `must be a 'next' this feed returned (a sequence number) or 'latest'; got '${value}'`,
    );
  }
  return Number(value);
}

function parseTypes(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const types = [...new Set(value.split(',').map((type) => type.trim()))];
  for (const type of types) {
    if (!isEventType(type)) {
      throw badQuery(
        'types',
        'event.type_unknown',
        `'${type}' is not an event type; the types are ${EVENT_TYPES.join(', ')}`,
      );
    }
  }
  return types;
}

export function eventRoutes(directory: Directory) {
  return [
    defineRoute({
      method: 'get',
      path: '/accounts/{accountId}/events',
      operationId: 'listEvents',
      summary: "The account's changes, in order, after a cursor; long-polls with `wait`",
      description:
        'Every change to the directory (any surface: SCIM, /Bulk, this API, the console, the ' +
        'CLI) is one or more events, committed with the change. Pass each page’s `next` as ' +
        '`after` to read on: nothing is skipped or repeated. With `wait`, an empty page is ' +
        'held until a matching event arrives or `wait` seconds pass. 410 ' +
        '`event.cursor_expired`: events after the cursor are past retention ' +
        '(ROSTER_EVENT_RETENTION_DAYS); resynchronise, then continue from `after=latest`. 400 ' +
        'codes: `event.cursor_invalid`, `event.cursor_unknown`, `event.type_unknown`, ' +
        '`event.limit_out_of_range`, `event.wait_out_of_range`.',
      tag: 'Events',
      access: 'account',
      params: idParams('accountId'),
      query: feedQuery,
      errors: [410],
      success: { status: 200, description: 'A page of events', schema: feedPageSchema },
      async handler({ c, account, query }) {
        const after = parseCursor(query.after);
        const types = parseTypes(query.types);
        const limit =
          whole('limit', query.limit, 1, MAX_FEED_LIMIT, 'event.limit_out_of_range') ??
          DEFAULT_LIMIT;
        const wait =
          whole('wait', query.wait, 0, MAX_FEED_WAIT_SECONDS, 'event.wait_out_of_range') ?? 0;
        const page = await directory.events.read(account.id, {
          after,
          types,
          limit,
          waitMs: wait * 1000,
          signal: c.req.raw.signal,
        });
        return { body: { items: page.items.map(feedItem), next: page.next } };
      },
    }),
  ];
}
