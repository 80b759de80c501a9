/**
 * Records every SCIM request in the provisioning log (PRODUCT.md: provisioning event), after
 * the response is decided, with request and response bodies redacted.
 */
import type { MiddlewareHandler } from 'hono';
import { newId } from '../../directory/ids.ts';
import type { ProvisioningOutcome } from '../../directory/model.ts';
import type { ProvisioningLog } from '../../directory/provisioning-log.ts';
import { requestIdp } from '../request-context.ts';
import { escapeUnstorable } from '../unstorable-text.ts';
import { redactQuery, redactSecrets } from './redact-secrets.ts';
import type { ScimEnv } from './scim-env.ts';

const MAX_BODY_CHARS = 64 * 1024;

function truncate(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…(truncated)` : text;
}

function serialise(body: unknown): string | null {
  if (body === undefined) return null;
  return truncate(JSON.stringify(redactSecrets(body)));
}

/**
 * What of a response the log keeps: everything for writes and failures; for successful reads
 * only the counters of a listing (a log of every page of every import would dwarf the
 * directory, and a read changes nothing worth replaying).
 */
function isListing(body: unknown): body is ListingCounters {
  return body !== null && typeof body === 'object' && 'Resources' in body;
}

interface ListingCounters {
  readonly Resources: readonly unknown[];
  readonly totalResults?: unknown;
  readonly startIndex?: unknown;
  readonly itemsPerPage?: unknown;
  readonly nextCursor?: unknown;
}

/** A listing's counters as JSON, written directly: every lookup logs one. */
function listingText(body: ListingCounters): string {
  const { totalResults, startIndex, itemsPerPage, nextCursor } = body;
  const counters = [
    `"totalResults":${JSON.stringify(totalResults ?? null)}`,
    ...(startIndex === undefined ? [] : [`"startIndex":${JSON.stringify(startIndex)}`]),
    `"itemsPerPage":${JSON.stringify(itemsPerPage ?? null)}`,
    ...(nextCursor === undefined ? [] : [`"nextCursor":${JSON.stringify(nextCursor)}`]),
  ];
  return `{${counters.join(',')},"Resources":"(${body.Resources.length} resources not logged)"}`;
}

/**
 * What of a response the log keeps: everything for writes and failures, reusing the text
 * already sent (Roster's responses carry no secrets: `password` is write-only); for successful
 * reads only the counters of a listing (a log of every page of every import would dwarf the
 * directory, and a read changes nothing worth replaying).
 */
function responseText(
  sent: string | undefined,
  body: unknown,
  status: number,
  method: string,
): string | null {
  if (status >= 400 || (method !== 'GET' && method !== 'HEAD')) {
    if (sent !== undefined) return truncate(sent);
    return body === undefined ? null : serialise(body);
  }
  return isListing(body) ? listingText(body) : null;
}

/** Path and query of a request URL, without parsing the whole URL again. */
function pathAndQuery(url: string): { path: string; search: string } {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const rest = start < 0 ? '/' : url.slice(start);
  const query = rest.indexOf('?');
  return query < 0
    ? { path: rest, search: '' }
    : { path: rest.slice(0, query), search: rest.slice(query) };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters escaped
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Percent-decoded for reading (`filter=userName eq "a@b"`); control characters escaped. */
function readablePath(raw: string): string {
  let path = raw;
  try {
    path = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes stay as the client sent them.
  }
  // One replace, not a string built a character at a time: that leaves a rope of thousands of
  // pieces, which every later copy (the writer thread's postMessage) must flatten first.
  return path.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const orNull = (text: string | undefined) => (text === undefined ? null : escapeUnstorable(text));

export function provisioningRecorder(log: ProvisioningLog): MiddlewareHandler<ScimEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const response = c.get('responseBody') as { scimType?: string; detail?: string } | undefined;
    const failed = status >= 400;
    const warning = c.get('warning');
    const outcome: ProvisioningOutcome = failed ? 'failure' : warning ? 'warning' : 'success';
    const url = pathAndQuery(c.req.url);
    const accountId = c.get('accountId');
    if (accountId === undefined) {
      // A request no account answered for: counted per minute, not logged one by one, since
      // anyone can send these in bulk (docs/security.md).
      log.recordAuthFailure({
        ...(c.get('authFailure') ?? {
          reason: status === 429 ? 'throttled' : status >= 400 ? 'refused' : 'anonymous',
          accountId: null,
          tokenPrefix: null,
        }),
        idp: requestIdp(c),
        source: c.get('sourceAddress') ?? 'unknown',
      });
      return;
    }
    log.record({
      id: newId(),
      accountId,
      at: new Date().toISOString(),
      idp: requestIdp(c),
      method: c.req.method,
      path: readablePath(redactQuery(url.path + url.search)),
      operation: c.get('operation') ?? `${c.req.method} ${url.path}`,
      // Ids and details echo what the client sent (`/Users/%00` is logged as refused, too).
      userId: orNull(c.get('userId')),
      groupId: orNull(c.get('groupId')),
      status,
      outcome,
      scimType: failed ? (response?.scimType ?? null) : null,
      explanation: orNull(failed ? response?.detail : warning),
      requestBody: serialise(c.get('requestBody')),
      responseBody: responseText(c.get('responseText'), response, status, c.req.method),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      sandbox: c.get('sandbox') === true,
      requestId: c.get('requestId') ?? null,
    });
  };
}
