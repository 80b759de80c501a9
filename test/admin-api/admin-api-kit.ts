/**
 * Admin API tests over a real app and database. Every call made through `call` is also checked
 * against the served OpenAPI document: the status must be one the operation declares, the body
 * must match the declared schema, and a JSON body the document calls invalid must be exactly what
 * the server refuses as `request.invalid` (and the other way round).
 */
import { expect } from 'vitest';
import { scimAppProjectTemplate } from '../../src/directory/scim-app-project/project-template.ts';
import { apiRoutes } from '../../src/http/api/router.ts';
import { unstorableText } from '../../src/http/unstorable-text.ts';
import { createCursorCodec } from '../../src/scim/cursor.ts';
import {
  ADMIN_KEY,
  createTestApp,
  type StoreKind,
  type TestApp,
  type TestAppOptions,
  type TestResponse,
} from '../helpers/create-test-app.ts';
import { SchemaResolver } from './json-schema-check.ts';

/** Whether any string (value or key) of a JSON value holds NUL or an unpaired surrogate. */
function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return unstorableText(value) !== undefined;
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(
      ([key, inner]) => unstorableText(key) !== undefined || hasUnstorableText(inner),
    );
  }
  return false;
}

export const API = '/api/v1';

type Json = Record<string, unknown>;

export interface CallOptions {
  /** Admin key; defaults to the operator key; null sends none. */
  readonly key?: string | null;
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

export interface AdminTestApp {
  readonly app: TestApp;
  readonly document: Json;
  readonly resolver: SchemaResolver;
  call(method: string, path: string, options?: CallOptions): Promise<TestResponse>;
  cleanup(): Promise<void>;
}

function operationFor(document: Json, method: string, path: string): Json | undefined {
  // As the server sees it: dot segments resolved, percent-encoding kept.
  const relative = new URL(path, 'http://roster.test').pathname.slice(API.length);
  for (const [template, operations] of Object.entries(document.paths as Record<string, Json>)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (pattern.test(relative)) return operations[method.toLowerCase()] as Json | undefined;
  }
  return undefined;
}

function conform(
  resolver: SchemaResolver,
  operation: Json,
  method: string,
  path: string,
  options: CallOptions,
  response: TestResponse,
): void {
  const where = `${method} ${path} → ${response.status} ${response.text.slice(0, 300)}`;
  const declared = (operation.responses as Record<string, Json>)[String(response.status)];
  expect(declared, `undeclared status: ${where}`).toBeDefined();
  const content = declared?.content as Record<string, { schema: Json }> | undefined;
  if (content) {
    const [type, media] = Object.entries(content)[0] as [string, { schema: Json }];
    expect(response.headers.get('content-type') ?? '', where).toContain(type);
    expect(resolver.check(media.schema, response.body), where).toEqual([]);
  }
  const requestBody = operation.requestBody as Json | undefined;
  // With a query string, query errors come first; the body is then not judged.
  if (
    requestBody &&
    options.body !== undefined &&
    options.raw === undefined &&
    !path.includes('?')
  ) {
    const schema = (requestBody.content as Record<string, { schema: Json }>)['application/json']
      ?.schema as Json;
    const docProblems = [
      ...resolver.check(schema, options.body),
      // The document's one rule for every string, stated in its description.
      ...(hasUnstorableText(options.body) ? [{ pointer: '', message: 'unstorable text' }] : []),
    ];
    if (![401, 403, 404, 413, 415].includes(response.status)) {
      const serverInvalid = response.status === 400 && response.body?.code === 'request.invalid';
      expect(serverInvalid, `document says ${JSON.stringify(docProblems)}: ${where}`).toBe(
        docProblems.length > 0,
      );
    }
  }
}

export async function createAdminTestApp(
  kind: StoreKind,
  options: TestAppOptions = {},
): Promise<AdminTestApp | undefined> {
  const app = await createTestApp(kind, options);
  if (!app) return undefined;
  const served = await app.request('GET', `${API}/openapi.json`, { token: null });
  const document = served.body as Json;
  const resolver = new SchemaResolver(document);
  return {
    app,
    document,
    resolver,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (
        options.body !== undefined &&
        !Object.keys(headers).some((h) => /content-type/i.test(h))
      ) {
        headers['Content-Type'] = 'application/json';
      }
      const response = await app.request(method, path, {
        token: options.key === undefined ? ADMIN_KEY : options.key,
        headers,
        ...(options.raw !== undefined ? { raw: options.raw } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      const operation = operationFor(document, method, path);
      if (operation) conform(resolver, operation, method, path, options, response);
      return response;
    },
    cleanup: () => app.cleanup(),
  };
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

/** A new account through the API (operator key), with an admin key of its own. */
export async function newAccount(
  t: AdminTestApp,
  fields: Json = {},
): Promise<{ id: string; key: string; keyId: string; body: Json }> {
  const created = await t.call('POST', `${API}/accounts`, {
    body: { name: unique('Account'), tier: 'enterprise', ssoEnabled: true, ...fields },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  const issued = await t.call('POST', `${API}/accounts/${id}/admin-keys`, { body: { name: 'ci' } });
  expect(issued.status, issued.text).toBe(201);
  return { id, key: issued.body.key, keyId: issued.body.id, body: created.body };
}

/** The server's own route table (declarations only; the codec is never used here). */
/** The actions of the account's audit trail, newest first. */
export async function auditActions(t: AdminTestApp, accountId: string): Promise<string[]> {
  const trail = await t.call('GET', `${API}/accounts/${accountId}/audit?limit=200`);
  expect(trail.status, trail.text).toBe(200);
  return trail.body.items.map((e: { action: string; status: number }) => `${e.action} ${e.status}`);
}

export function routeTable(t: AdminTestApp) {
  return apiRoutes(t.app.directory, createCursorCodec('route-table-only-secret', 600));
}

/** The template project's files, as `roster project upload` sends them, with role sync as asked. */
export function projectFiles(name = 'scim-app', roleSyncEnabled = false) {
  const result = scimAppProjectTemplate({ name });
  if (!result.ok) throw new Error(result.error);
  const [app, scim] = result.value;
  return {
    'app-hsmeta.json': app?.contents ?? '',
    'scim/scim-hsmeta.json': (scim?.contents ?? '').replace('false', String(roleSyncEnabled)),
  };
}
