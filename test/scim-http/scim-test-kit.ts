/**
 * Shared helpers for the SCIM HTTP suites: one app per suite and store kind (skipped, with a
 * reason, when the store cannot be had here), unique user names, and the assertions every
 * error and list response must satisfy (RFC 7644 §3.4.2, §3.12).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { User } from '../../src/directory/model.ts';
import {
  createTestApp,
  ERROR_SCHEMA,
  LIST_SCHEMA,
  newUser,
  SCIM,
  type StoreKind,
  type TestApp,
  type TestAppOptions,
  type TestResponse,
} from '../helpers/create-test-app.ts';

export const SCIM_CONTENT_TYPE = /^application\/scim\+json\s*(;|$)/i;

/**
 * Creates the app in `beforeAll` and cleans it up in `afterAll`; every test of the suite is
 * skipped with a clear reason when the store kind is not reachable (PostgreSQL not running).
 * Call the returned function inside a test to get the app.
 */
export function useTestApp(kind: StoreKind, options: TestAppOptions = {}): () => TestApp {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await createTestApp(kind, options);
  });
  afterAll(async () => {
    await app?.cleanup();
  });
  beforeEach((context) => {
    if (!app) context.skip(`${kind} store not reachable here (set ROSTER_TEST_POSTGRES_URL)`);
  });
  return () => {
    if (!app) throw new Error(`${kind} test app was not created`);
    return app;
  };
}

/** A unique, lower-case local part: `ada-3f9c1a`. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** POSTs a user and returns its created representation; fails the test unless 201. */
export async function createUser(
  app: TestApp,
  local: string,
  extra: Record<string, unknown> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
): Promise<any> {
  const response = await app.request('POST', `${SCIM}/Users`, { body: newUser(local, extra) });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

/** GET /Users?filter=… with the filter URL-encoded. */
export function findUsers(app: TestApp, filter: string, extra = ''): Promise<TestResponse> {
  return app.request('GET', `${SCIM}/Users?filter=${encodeURIComponent(filter)}${extra}`);
}

export function patchOp(...operations: unknown[]) {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations };
}

/** RFC 7644 §3.12: the Error schema, `status` as a string equal to the HTTP status, a detail. */
export function expectScimError(
  response: TestResponse,
  status: number,
  scimType?: string | undefined,
): void {
  const context = `${response.status} ${response.text.slice(0, 400)}`;
  expect(response.status, context).toBe(status);
  expect(response.headers.get('content-type'), context).toMatch(SCIM_CONTENT_TYPE);
  expect(response.body?.schemas, context).toEqual([ERROR_SCHEMA]);
  expect(response.body?.status, context).toBe(String(status));
  expect(typeof response.body?.detail, context).toBe('string');
  expect(response.body.detail.trim().length, context).toBeGreaterThan(0);
  if (scimType !== undefined) expect(response.body.scimType, context).toBe(scimType);
}

/** A ListResponse with integer counters and a `Resources` array (Okta, RFC 7644 §3.4.2). */
export function expectListResponse(response: TestResponse): void {
  const context = `${response.status} ${response.text.slice(0, 400)}`;
  expect(response.status, context).toBe(200);
  expect(response.headers.get('content-type'), context).toMatch(SCIM_CONTENT_TYPE);
  expect(response.body.schemas, context).toEqual([LIST_SCHEMA]);
  expect(Number.isInteger(response.body.totalResults), context).toBe(true);
  expect(Array.isArray(response.body.Resources), context).toBe(true);
  if ('itemsPerPage' in response.body) {
    expect(Number.isInteger(response.body.itemsPerPage), context).toBe(true);
    expect(response.body.itemsPerPage, context).toBe(response.body.Resources.length);
  }
  if ('startIndex' in response.body) {
    expect(Number.isInteger(response.body.startIndex), context).toBe(true);
  }
}

/** Paths (`a.b[2].c`) of every `null` in a JSON value. */
export function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  }
  return [];
}

/** Every id of an index-paged listing (all pages), in order. */
export async function listAllIds(app: TestApp, query = ''): Promise<string[]> {
  const ids: string[] = [];
  for (let startIndex = 1; ; ) {
    const response = await app.request(
      'GET',
      `${SCIM}/Users?startIndex=${startIndex}&count=200${query}`,
    );
    expectListResponse(response);
    const page = response.body.Resources as { id: string }[];
    ids.push(...page.map((u) => u.id));
    startIndex += page.length;
    if (page.length === 0 || startIndex > response.body.totalResults) return ids;
  }
}

/**
 * Turns the demo account's role sync on or off, as re-uploading its project would, and drops
 * the role view the app caches so the next SCIM request sees the change.
 */
export async function setRoleSync(app: TestApp, enabled: boolean): Promise<void> {
  const { store } = app.directory;
  const scimApp = await store.scimApps.findByAccount(app.accountId);
  if (!scimApp) throw new Error('the demo account has no SCIM app');
  if (scimApp.roleSyncEnabled !== enabled) {
    const next = { ...scimApp, roleSyncEnabled: enabled, version: scimApp.version + 1 };
    expect(await store.scimApps.update(next, scimApp.version)).toBe(true);
  }
  app.directory.accountRoles.forget(app.accountId);
}

/** An app-managed user (created in the app, not through SCIM) straight into the store. */
export async function insertAppUser(
  app: TestApp,
  email: string,
  overrides: Partial<User> = {},
): Promise<User> {
  const minimal = await app.directory.store.permissionSets.findMinimal(app.accountId);
  if (!minimal) throw new Error('the demo account has no minimal permission set');
  const now = new Date().toISOString();
  const user: User = {
    id: crypto.randomUUID(),
    accountId: app.accountId,
    userName: email,
    externalId: null,
    email,
    displayName: 'App User',
    givenName: 'App',
    familyName: 'User',
    active: true,
    superAdmin: false,
    permissionSetId: minimal.id,
    managedBy: 'app',
    deprovisionedAt: null,
    profile: { name: { givenName: 'App', familyName: 'User' }, displayName: 'App User' },
    multiValued: { emails: [{ value: email, type: 'work', primary: true }] },
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  };
  await app.directory.store.users.insert(user);
  return user;
}

/** A second account with its own installed SCIM app and token (tenant isolation). */
export async function createOtherTenant(
  app: TestApp,
): Promise<{ accountId: string; token: string }> {
  const other = await app.directory.accounts.create({
    name: `Other ${unique('acct')}`,
    tier: 'enterprise',
    pricingModel: 'classic',
    ssoEnabled: true,
  });
  const appId = crypto.randomUUID();
  const now = new Date().toISOString();
  await app.directory.store.scimApps.insert({
    id: appId,
    accountId: other.id,
    uid: 'scim-app',
    name: 'x',
    description: '',
    scimUid: 'scim',
    roleSyncEnabled: false,
    installedAt: now,
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  const { token } = await app.directory.tokens.issue(other.id, appId);
  return { accountId: other.id, token };
}

export { newUser, SCIM };

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** POSTs a group and returns its created representation; fails the test unless 201. */
export async function createGroup(
  app: TestApp,
  displayName: string,
  memberIds: readonly string[] = [],
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
): Promise<any> {
  const response = await app.request('POST', `${SCIM}/Groups`, {
    body: {
      schemas: [GROUP_SCHEMA],
      displayName,
      members: memberIds.map((value) => ({ value })),
    },
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

/** The member ids of a group as GET /Groups/{id} returns them, sorted. */
export async function memberIds(app: TestApp, groupId: string): Promise<string[]> {
  const response = await app.request('GET', `${SCIM}/Groups/${groupId}`);
  expect(response.status, response.text).toBe(200);
  return ((response.body.members ?? []) as { value: string }[]).map((m) => m.value).sort();
}

/** `count` users created through SCIM; their ids, in creation order. */
export async function createUsers(app: TestApp, prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createUser(app, unique(`${prefix}${i}`))).id);
  return ids;
}
