/**
 * `/Bulk` (RFC 7644 §3.7). Each operation runs through the same `/Users` and `/Groups` handlers
 * a single request reaches, in its own transaction, and is logged as its own provisioning event.
 * Operations run in request order, except that one referring to a later operation's `bulkId`
 * waits until that operation has run (§3.7.2); references that can never resolve (a cycle)
 * fail with 409. `failOnErrors` stops processing after that many failures (§3.7.3).
 * Consecutive operations that neither refer to each other nor touch the same resource run side
 * by side (up to BULK_WINDOW), so 1,000 creates share disk flushes as concurrent requests do.
 */
import { type Context, Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import type { EventActor } from '../../directory/model.ts';
import {
  BULK_RESPONSE_SCHEMA,
  type BulkOperation,
  type BulkRequest,
  parseBulkRequest,
  referencesOf,
  resolvePath,
  resolveReferences,
} from '../../scim/bulk-request.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import { methodNotAllowed, notFound, type Result } from '../../scim/errors.ts';
import { isContention, renderScimError, toScimError } from './error-response.ts';
import { groupsRoutes } from './groups.ts';
import { provisioningRecorder } from './provisioning-recorder.ts';
import { readJsonBody } from './read-body.ts';
import type { ChargeRequests } from './router.ts';
import type { ScimEnv } from './scim-env.ts';
import { scimJson } from './scim-response.ts';
import { usersRoutes } from './users.ts';

export interface BulkRouteDeps {
  readonly directory: Directory;
  readonly cursors: CursorCodec;
  readonly maxBodyBytes: number;
  readonly bulkMaxOperations: number;
  readonly bulkMaxPayloadBytes: number;
  /** The account's rate limit (router.ts): a Bulk request costs its number of operations. */
  readonly charge: ChargeRequests;
  /** Logs a 5xx; the request (when known) names its id in the line. */
  readonly onInternalError: (error: unknown, c?: Context) => void;
}

/** What one operation runs with: the outer request's account and base URL. */
interface OperationBindings {
  readonly accountId: string;
  readonly baseUrl: string;
  readonly userAgent: string | undefined;
  /** The Bulk request's author: each operation's changes are the same IdP's. */
  readonly eventActor: EventActor | undefined;
}

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Most independent operations run side by side. */
const BULK_WINDOW = 32;

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

export function bulkRoutes(deps: BulkRouteDeps) {
  const { directory } = deps;

  // The resource routes, mounted once more behind the already authenticated Bulk request.
  const operations = new Hono<ScimEnv & { Bindings: OperationBindings }>();
  operations.use(provisioningRecorder(directory.provisioningLog));
  operations.use(async (c, next) => {
    c.set('accountId', c.env.accountId);
    c.set('baseUrl', c.env.baseUrl);
    c.set('eventActor', c.env.eventActor);
    await next();
  });
  operations.route('/Users', usersRoutes(deps));
  operations.route('/Groups', groupsRoutes(deps));
  operations.all('*', (c) => {
    throw notFound(`no SCIM endpoint at ${c.req.method} ${c.req.path}`);
  });
  operations.onError((error, c) => {
    const scimError = toScimError(error);
    if (scimError.status >= 500 && !isContention(error)) deps.onInternalError(error, c);
    return renderScimError(c as unknown as Context<ScimEnv>, scimError);
  });

  const app = new Hono<ScimEnv>();

  app.post('/', async (c) => {
    c.set('operation', 'bulk');
    const accountId = c.get('accountId') as string;
    let request: BulkRequest;
    try {
      request = unwrap(
        parseBulkRequest(await readJsonBody(c, deps.bulkMaxPayloadBytes), deps.bulkMaxOperations),
      );
    } catch (error) {
      deps.charge(accountId, 1, 'this request');
      throw error;
    }
    // Each operation is a request's worth of work: one Bulk of 1,000 must not cost one request.
    const cost = Math.max(1, request.operations.length);
    deps.charge(accountId, cost, `this /Bulk request's ${cost} operations`);
    const bindings: OperationBindings = {
      accountId,
      baseUrl: c.get('baseUrl'),
      eventActor: c.get('eventActor'),
      userAgent: c.req.header('user-agent'),
    };

    /** bulkId → the id its operation created, or null when that operation failed. */
    const outcomes = new Map<string, string | null>();
    const defined = new Set(
      request.operations.flatMap((op) => (op.bulkId === undefined ? [] : [op.bulkId])),
    );
    const results = new Map<number, Record<string, unknown>>();
    let errors = 0;

    const errorResult = (
      op: BulkOperation,
      status: number,
      scimType: string | undefined,
      detail: string,
    ) => ({
      method: op.method,
      ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}),
      status: String(status),
      response: {
        schemas: [ERROR_SCHEMA],
        status: String(status),
        ...(scimType ? { scimType } : {}),
        detail,
      },
    });

    async function run(op: BulkOperation): Promise<Record<string, unknown>> {
      if (op.invalid)
        return errorResult(op, op.invalid.status, op.invalid.scimType, op.invalid.detail);
      for (const reference of referencesOf(op)) {
        if (!defined.has(reference)) {
          return errorResult(
            op,
            400,
            'invalidValue',
            `no operation of this request has bulkId '${reference}'`,
          );
        }
        if (outcomes.get(reference) === null) {
          return errorResult(
            op,
            400,
            'invalidValue',
            `bulkId '${reference}' refers to an operation that failed, so this one cannot run`,
          );
        }
      }
      const ids = outcomes as ReadonlyMap<string, string>;
      const path = resolvePath(op.path, ids);
      const headers: Record<string, string> = { 'Content-Type': 'application/scim+json' };
      if (op.version !== undefined) headers['If-Match'] = op.version;
      if (bindings.userAgent) headers['User-Agent'] = bindings.userAgent;
      const response = await operations.request(
        `http://bulk${path}`,
        {
          method: op.method,
          headers,
          ...(op.method === 'DELETE'
            ? {}
            : { body: JSON.stringify(resolveReferences(op.data, ids)) }),
        },
        bindings,
      );
      const text = await response.text();
      const status = response.status;
      const location =
        response.headers.get('location') ??
        (op.method === 'POST' ? undefined : `${bindings.baseUrl}${path}`);
      const etag = response.headers.get('etag');
      const result: Record<string, unknown> = {
        method: op.method,
        ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}),
        ...(etag ? { version: etag } : {}),
        ...(location ? { location } : {}),
        status: String(status),
      };
      // RFC 7644 §3.7.3: the response body is included for failures; successes are told by
      // status, location and version, which keeps a 1,000-operation answer small.
      if (status >= 400 && text) {
        try {
          result.response = JSON.parse(text);
        } catch {
          result.response = { schemas: [ERROR_SCHEMA], status: String(status), detail: text };
        }
      }
      return result;
    }

    const runnable = (op: BulkOperation) =>
      [...referencesOf(op)].every((r) => !defined.has(r) || outcomes.has(r));
    /** The resource an operation writes: operations on one resource never share a window. */
    const target = (op: BulkOperation) =>
      op.method === 'POST'
        ? `${op.index}`
        : resolvePath(op.path, outcomes as ReadonlyMap<string, string>).toLowerCase();
    const record = (op: BulkOperation, result: Record<string, unknown>) => {
      const ok = Number(result.status) < 400;
      if (!ok) errors++;
      if (op.bulkId !== undefined) {
        const location = typeof result.location === 'string' ? result.location : '';
        outcomes.set(op.bulkId, ok ? (location.split('/').pop() as string) : null);
      }
      results.set(op.index, result);
    };

    const pending = [...request.operations];
    while (pending.length > 0) {
      if (request.failOnErrors !== undefined && errors >= request.failOnErrors) break;
      // The first operation whose references have all run (or can never run).
      const first = pending.findIndex(runnable);
      if (first < 0) {
        for (const op of pending) {
          record(
            op,
            errorResult(
              op,
              409,
              undefined,
              'circular bulkId references: these operations wait on each other',
            ),
          );
        }
        break;
      }
      // With it, the operations right after it that are runnable too and touch other
      // resources: they run side by side, so their commits can share a disk flush. Started in
      // request order, they queue for the database in that order. failOnErrors needs exact
      // counting, so it runs one operation at a time.
      const window = [pending[first] as BulkOperation];
      const targets = new Set([target(window[0] as BulkOperation)]);
      const limit = request.failOnErrors === undefined ? BULK_WINDOW : 1;
      for (let i = first + 1; i < pending.length && window.length < limit; i++) {
        const op = pending[i] as BulkOperation;
        if (!runnable(op) || targets.has(target(op))) break;
        targets.add(target(op));
        window.push(op);
      }
      pending.splice(first, window.length);
      const settled = await Promise.all(window.map(run));
      for (const [i, op] of window.entries()) record(op, settled[i] as Record<string, unknown>);
    }

    return scimJson(c, {
      schemas: [BULK_RESPONSE_SCHEMA],
      Operations: [...results.entries()].sort(([a], [b]) => a - b).map(([, r]) => r),
    });
  });

  app.all('/', (c) => {
    throw methodNotAllowed(`${c.req.method} is not supported on /Bulk; use POST`, 'POST');
  });
  return app;
}
