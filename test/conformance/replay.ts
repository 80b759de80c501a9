/**
 * Replays recorded IdP request sequences against the real app over a real migrated database,
 * once per store kind. A sequence is data: each step is the request an IdP sends at that point
 * (as /work/shared/research/idp-behaviour.md describes it) with the response the IdP relies on.
 *
 * Strings in paths, headers and bodies may contain `{{name}}` placeholders, filled from values
 * earlier steps saved (`save`). Every response is also checked against the invariants every IdP
 * depends on (idp-behaviour.md §2.2, §2.3, §2.5, §11 items 6, 7, 11, 66), see `checkInvariants`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  ERROR_SCHEMA,
  LIST_SCHEMA,
  STORE_KINDS,
  type StoreKind,
  type TestApp,
  type TestResponse,
  USER_SCHEMA,
} from '../helpers/create-test-app.ts';

export type Vars = Record<string, unknown>;

export interface Expected {
  readonly status: number;
  /** The body must contain this (toMatchObject, so nested values compare exactly). */
  readonly body?: unknown;
  /** Error responses: the exact `scimType`. */
  readonly scimType?: string;
  /** Error responses: text the `detail` must contain (case-insensitive). */
  readonly detailMentions?: string;
  /** ListResponse counters and the exact ids of `Resources`, in order. */
  readonly list?: {
    readonly totalResults: number;
    readonly startIndex?: number;
    readonly itemsPerPage?: number;
    readonly ids?: readonly string[];
  };
  /** Top-level attributes the resource must not carry (unassigned ones are omitted). */
  readonly absent?: readonly string[];
  /** Anything the data above cannot say. */
  readonly check?: (response: TestResponse, vars: Vars) => void;
}

export interface RecordedRequest {
  /** What the IdP is doing, in the words of the research note. */
  readonly step: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** JSON body; a function `(vars) => body` builds it from earlier responses (GET-then-PUT). */
  readonly body?: unknown;
  readonly raw?: string;
  /** Bearer token; defaults to the demo token; null sends no Authorization header. */
  readonly token?: string | null;
  readonly expect: Expected;
  /** Values to remember for later steps, read from this response. */
  readonly save?: Record<string, (response: TestResponse) => unknown>;
}

/** Setup that is not an IdP request of the sequence (e.g. seeding 120 users). */
export interface SetupStep {
  readonly step: string;
  readonly run: (app: TestApp, vars: Vars) => Promise<void>;
}

export type Step = RecordedRequest | SetupStep;

export interface ReplayOptions {
  /** Headers sent with every request of the sequence (User-Agent, Content-Type...). */
  readonly headers?: Record<string, string>;
  /** Initial placeholder values. */
  readonly vars?: Vars;
}

/** `{{name}}` is the value as is; `{{name:uri}}` is the value percent-encoded. */
const PLACEHOLDER = /\{\{(\w+)(:uri)?\}\}/g;

function fill(text: string, vars: Vars): string {
  return text.replace(PLACEHOLDER, (_, name: string, uri: string | undefined) => {
    if (!(name in vars)) {
      throw new Error(`{{${name}}} is not known: an earlier step did not produce it`);
    }
    return uri ? encodeURIComponent(String(vars[name])) : String(vars[name]);
  });
}

/** Fills placeholders in every string of a JSON value (keys included). */
export function fillDeep(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') return fill(value, vars);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, vars));
  // Plain objects only: asymmetric matchers (expect.arrayContaining...) pass through as they are.
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [fill(k, vars), fillDeep(v, vars)]),
    );
  }
  return value;
}

function isUserResource(value: unknown): value is Record<string, unknown> {
  return (
    !!value &&
    typeof value === 'object' &&
    Array.isArray((value as { schemas?: unknown }).schemas) &&
    ((value as { schemas: unknown[] }).schemas as unknown[]).includes(USER_SCHEMA)
  );
}

/** What every IdP relies on in a user representation (§2.4, §11 items 11, 18, 32). */
function checkUser(user: Record<string, unknown>, where: string): void {
  expect(typeof user.id, `${where}: id is a string`).toBe('string');
  expect((user.id as string).length, `${where}: id is non-empty`).toBeGreaterThan(0);
  expect(typeof user.active, `${where}: active is a real boolean`).toBe('boolean');
  expect(user, `${where}: password is write-only`).not.toHaveProperty('password');
  const meta = user.meta as Record<string, unknown> | undefined;
  expect(meta?.resourceType, `${where}: meta.resourceType`).toBe('User');
  expect(String(meta?.location), `${where}: meta.location names the user`).toMatch(
    new RegExp(`/scim/v2/Users/${String(user.id).replace(/[^\w-]/g, '\\$&')}$`),
  );
  for (const [key, value] of Object.entries(user)) {
    expect(value, `${where}: ${key} is omitted rather than null`).not.toBeNull();
  }
}

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function isGroupResource(value: unknown): value is Record<string, unknown> {
  return (
    !!value &&
    typeof value === 'object' &&
    Array.isArray((value as { schemas?: unknown }).schemas) &&
    ((value as { schemas: unknown[] }).schemas as unknown[]).includes(GROUP_SCHEMA)
  );
}

/** What every IdP relies on in a group representation (§2.4, §3.3, §4.3). */
function checkGroup(group: Record<string, unknown>, where: string): void {
  expect(typeof group.id, `${where}: id is a string`).toBe('string');
  const meta = group.meta as Record<string, unknown> | undefined;
  if (meta !== undefined) {
    expect(meta.resourceType, `${where}: meta.resourceType`).toBe('Group');
    expect(String(meta.location), `${where}: meta.location names the group`).toMatch(
      new RegExp(`/scim/v2/Groups/${String(group.id).replace(/[^\w-]/g, '\\$&')}$`),
    );
  }
  for (const [key, value] of Object.entries(group)) {
    expect(value, `${where}: ${key} is omitted rather than null`).not.toBeNull();
  }
  if (group.members !== undefined) {
    const members = group.members as Record<string, unknown>[];
    expect(Array.isArray(members), `${where}: members is an array`).toBe(true);
    expect(members.length, `${where}: an empty members list is omitted`).toBeGreaterThan(0);
    const values = members.map((m) => m.value);
    expect(new Set(values).size, `${where}: no member twice`).toBe(values.length);
  }
}

/** The invariants of §2.2, §2.3, §2.5 and §11 items 6, 7, 11, 66, on any response. */
export function checkInvariants(response: TestResponse, label: string): void {
  const { status, headers, body } = response;
  if (status === 204 || status === 304) {
    expect(response.text, `${label}: ${status} has no body`).toBe('');
    return;
  }
  expect(headers.get('content-type'), `${label}: Content-Type`).toMatch(
    /^application\/scim\+json(\s*;|$)/,
  );
  expect(body, `${label}: the body is JSON`).toBeDefined();
  if (status >= 400) {
    expect(body.schemas, `${label}: Error schema`).toEqual([ERROR_SCHEMA]);
    expect(body.status, `${label}: Error status is the HTTP status as a string`).toBe(
      String(status),
    );
    expect(typeof body.detail, `${label}: Error detail is a string`).toBe('string');
    expect(body.detail.trim().length, `${label}: Error detail is not empty`).toBeGreaterThan(0);
    return;
  }
  if (Array.isArray(body?.schemas) && body.schemas.includes(LIST_SCHEMA)) {
    for (const counter of ['totalResults', 'startIndex', 'itemsPerPage']) {
      expect(Number.isInteger(body[counter]), `${label}: ${counter} is an integer`).toBe(true);
    }
    expect(Array.isArray(body.Resources), `${label}: Resources is present`).toBe(true);
    expect(body.Resources.length, `${label}: itemsPerPage counts Resources`).toBe(
      body.itemsPerPage,
    );
    body.Resources.forEach((resource: unknown, i: number) => {
      if (isUserResource(resource)) checkUser(resource, `${label}: Resources[${i}]`);
      if (isGroupResource(resource)) checkGroup(resource, `${label}: Resources[${i}]`);
    });
  }
  if (isGroupResource(body)) {
    checkGroup(body, label);
    const etag = headers.get('etag');
    if (etag !== null && body.meta)
      expect(etag, `${label}: ETag equals meta.version`).toBe(
        (body.meta as { version?: unknown }).version,
      );
  }
  if (isUserResource(body)) {
    checkUser(body, label);
    const etag = headers.get('etag');
    if (etag !== null)
      expect(etag, `${label}: ETag equals meta.version`).toBe(
        (body.meta as { version?: unknown }).version,
      );
  }
  if (status === 201) {
    expect(headers.get('location'), `${label}: Location equals meta.location`).toBe(
      body?.meta?.location,
    );
  }
}

export function checkExpected(response: TestResponse, expected: Expected, vars: Vars): void {
  const { body } = response;
  const shown = response.text.length > 1500 ? `${response.text.slice(0, 1500)}…` : response.text;
  expect(response.status, `status (response: ${shown})`).toBe(expected.status);
  if (expected.scimType !== undefined) expect(body?.scimType).toBe(expected.scimType);
  if (expected.detailMentions !== undefined) {
    expect(String(body?.detail).toLowerCase()).toContain(expected.detailMentions.toLowerCase());
  }
  if (expected.body !== undefined)
    expect(body).toMatchObject(fillDeep(expected.body, vars) as object);
  if (expected.list) {
    const { totalResults, startIndex, itemsPerPage, ids } = expected.list;
    expect(body.schemas).toEqual([LIST_SCHEMA]);
    expect(body.totalResults).toBe(totalResults);
    if (startIndex !== undefined) expect(body.startIndex).toBe(startIndex);
    if (itemsPerPage !== undefined) expect(body.itemsPerPage).toBe(itemsPerPage);
    if (ids !== undefined) {
      expect(body.Resources.map((r: { id: unknown }) => r.id)).toEqual(fillDeep(ids, vars));
    }
  }
  for (const name of expected.absent ?? []) expect(body).not.toHaveProperty([name]);
  expected.check?.(response, vars);
}

export async function send(
  app: TestApp,
  request: RecordedRequest,
  vars: Vars,
  defaults: Record<string, string> = {},
): Promise<TestResponse> {
  const body =
    typeof request.body === 'function'
      ? (request.body as (vars: Vars) => unknown)(vars)
      : request.body;
  return app.request(request.method, fill(request.path, vars), {
    headers: fillDeep({ ...defaults, ...request.headers }, vars) as Record<string, string>,
    ...(body !== undefined ? { body: fillDeep(body, vars) } : {}),
    ...(request.raw !== undefined ? { raw: fill(request.raw, vars) } : {}),
    ...(request.token !== undefined ? { token: request.token } : {}),
  });
}

/** Runs `steps` in order, one test per step, on every store kind with a fresh app each. */
export function replay(name: string, steps: readonly Step[], options: ReplayOptions = {}): void {
  describe.each(STORE_KINDS)(`${name} [%s]`, (kind: StoreKind) => {
    let app: TestApp | undefined;
    const vars: Vars = { ...options.vars };

    beforeAll(async () => {
      app = await createTestApp(kind);
    });
    afterAll(async () => {
      await app?.cleanup();
    });

    steps.forEach((step, index) => {
      const label = `${String(index + 1).padStart(2, '0')} ${step.step}`;
      it(label, async (ctx) => {
        if (!app) return ctx.skip(`${kind} store not available here (PostgreSQL unreachable)`);
        if ('run' in step) {
          await step.run(app, vars);
          return;
        }
        const response = await send(app, step, vars, options.headers);
        for (const [key, read] of Object.entries(step.save ?? {})) {
          // Saved before checking, so later steps can still run when this one fails.
          if (response.status < 400) vars[key] = read(response);
        }
        checkExpected(response, step.expect, vars);
        checkInvariants(response, label);
      });
    });
  });
}

/**
 * `filter=` percent-encoded (spaces %20, quotes %22, `@` %40), the way Okta and Google encode it
 * (§2.5, §4.2). Placeholders in it are filled with percent-encoded values.
 */
export function encodedFilter(filter: string): string {
  return `filter=${encodeURIComponent(filter).replace(/%7B%7B(\w+)%7D%7D/g, '{{$1:uri}}')}`;
}

/** A random GUID, like Entra's Test Connection lookup value. */
export function randomGuid(): string {
  return crypto.randomUUID();
}

/** The user resource of a response, for body builders: `(vars) => ({...vars.current})`. */
export function resourceOf(response: TestResponse): Record<string, unknown> {
  return response.body as Record<string, unknown>;
}
