/**
 * Checklist §11 items 25–27 (idp-behaviour.md §2.5): index paging, Okta's first-user probe, and
 * the attributes / excludedAttributes projections.
 */
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/directory/model.ts';
import { ENTERPRISE_SCHEMA, STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectListResponse,
  findUsers,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const ids = (body: { Resources: { id: string }[] }) => body.Resources.map((u) => u.id);

/** SCIM-managed users straight into the store, so a suite can have more than a page of them. */
async function seedUsers(
  app: ReturnType<ReturnType<typeof useTestApp>>,
  count: number,
  familyName: string,
) {
  const minimal = await app.directory.store.permissionSets.findMinimal(app.accountId);
  if (!minimal) throw new Error('no minimal permission set');
  const now = new Date().toISOString();
  const users: User[] = Array.from({ length: count }, (_, i) => {
    const email = `${familyName.toLowerCase()}-${String(i).padStart(4, '0')}@example.com`;
    return {
      id: crypto.randomUUID(),
      accountId: app.accountId,
      userName: email,
      externalId: null,
      email,
      displayName: null,
      givenName: 'Seed',
      familyName,
      active: true,
      superAdmin: false,
      permissionSetId: minimal.id,
      managedBy: 'scim',
      deprovisionedAt: null,
      profile: { name: { givenName: 'Seed', familyName } },
      multiValued: { emails: [{ value: email, type: 'work', primary: true }] },
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
  });
  await app.directory.store.users.insertMany(users);
}

describe.each(STORE_KINDS)('paging and projections (%s)', (kind) => {
  const getApp = useTestApp(kind);
  const family = `Paged${unique('f').replace('-', '')}`;
  let seeded = false;
  async function ready() {
    const app = getApp();
    if (!seeded) {
      await seedUsers(app, 212, family);
      seeded = true;
    }
    return app;
  }

  it('#25 count=5 pages by 1-based startIndex 1, 6, 11… and walks every user once', async () => {
    const app = await ready();
    const filter = `&filter=${encodeURIComponent(`name.familyName eq "${family}"`)}`;
    const all = await app.request('GET', `${SCIM}/Users?startIndex=1&count=100${filter}`);
    expectListResponse(all);
    expect(all.body.totalResults).toBe(212);
    expect(all.body.startIndex).toBe(1);
    expect(all.body.itemsPerPage).toBe(100);

    const walked: string[] = [];
    for (let startIndex = 1; startIndex <= 212; startIndex += 5) {
      const page = await app.request(
        'GET',
        `${SCIM}/Users?startIndex=${startIndex}&count=5${filter}`,
      );
      expectListResponse(page);
      expect(page.body.startIndex).toBe(startIndex);
      expect(page.body.totalResults).toBe(212);
      expect(page.body.itemsPerPage).toBe(Math.min(5, 212 - startIndex + 1));
      walked.push(...ids(page.body));
    }
    expect(walked.length).toBe(212);
    expect(new Set(walked).size).toBe(212);
    expect(walked.slice(0, 100)).toEqual(ids(all.body));
  });

  it('#25 unfiltered paging is stable across repeated calls and page sizes', async () => {
    const app = await ready();
    const first = await app.request('GET', `${SCIM}/Users?startIndex=1&count=100`);
    const again = await app.request('GET', `${SCIM}/Users?startIndex=1&count=100`);
    expect(ids(again.body)).toEqual(ids(first.body));
    const small: string[] = [];
    for (let startIndex = 1; startIndex <= 100; startIndex += 7) {
      const page = await app.request('GET', `${SCIM}/Users?startIndex=${startIndex}&count=7`);
      small.push(...ids(page.body));
    }
    expect(small.slice(0, 100)).toEqual(ids(first.body));
  });

  it('#25 count=0 returns only totalResults; count above the cap returns at most the cap', async () => {
    const app = await ready();
    const zero = await app.request('GET', `${SCIM}/Users?count=0`);
    expectListResponse(zero);
    expect(zero.body.totalResults).toBeGreaterThanOrEqual(212);
    expect(zero.body.Resources).toEqual([]);
    expect(zero.body.itemsPerPage).toBe(0);

    const { body: spc } = await app.request('GET', `${SCIM}/ServiceProviderConfig`);
    const cap = spc.filter.maxResults as number;
    const huge = await app.request('GET', `${SCIM}/Users?count=100000`);
    expectListResponse(huge);
    expect(huge.body.Resources.length).toBe(Math.min(cap, huge.body.totalResults));
    expect(huge.body.totalResults).toBeGreaterThan(cap);
  });

  it('#25 startIndex < 1 means 1, negative count means 0, past the end is an empty page', async () => {
    const app = await ready();
    const first = await app.request('GET', `${SCIM}/Users?startIndex=1&count=3`);
    for (const startIndex of ['0', '-4']) {
      const page = await app.request('GET', `${SCIM}/Users?startIndex=${startIndex}&count=3`);
      expectListResponse(page);
      expect(page.body.startIndex).toBe(1);
      expect(ids(page.body)).toEqual(ids(first.body));
    }
    const negative = await app.request('GET', `${SCIM}/Users?count=-3`);
    expectListResponse(negative);
    expect(negative.body.Resources).toEqual([]);
    const past = await app.request('GET', `${SCIM}/Users?startIndex=100000&count=10`);
    expectListResponse(past);
    expect(past.body.Resources).toEqual([]);
    expect(past.body.startIndex).toBe(100000);
  });

  it('#26 count=1&startIndex=1 returns one fully populated user (Okta step 1)', async () => {
    const app = await ready();
    const response = await app.request('GET', `${SCIM}/Users?count=1&startIndex=1`);
    expectListResponse(response);
    expect(response.body.itemsPerPage).toBe(1);
    expect(response.body.Resources).toHaveLength(1);
    expect(response.body.totalResults).toBeGreaterThan(1);
    const [user] = response.body.Resources;
    expect(user.schemas).toContain(USER_SCHEMA);
    expect(typeof user.id).toBe('string');
    expect(typeof user.userName).toBe('string');
    expect(user.name.familyName).toBeDefined();
    expect(user.emails[0].value).toBeDefined();
    expect(typeof user.active).toBe('boolean');
    expect(user.meta.resourceType).toBe('User');
  });

  it('#27 attributes= on a single read returns id, schemas and only what was asked', async () => {
    const app = await ready();
    const user = await createUser(app, unique('proj'), {
      title: 'Engineer',
      [ENTERPRISE_SCHEMA]: { department: 'R&D', employeeNumber: '42' },
    });
    const only = await app.request('GET', `${SCIM}/Users/${user.id}?attributes=userName`);
    expect(only.status).toBe(200);
    expect(only.body.id).toBe(user.id);
    expect(only.body.userName).toBe(user.userName);
    expect(only.body.schemas).toBeDefined();
    for (const key of ['emails', 'name', 'title', 'active', ENTERPRISE_SCHEMA]) {
      expect(only.body, key).not.toHaveProperty(key);
    }

    const sub = await app.request(
      'GET',
      `${SCIM}/Users/${user.id}?attributes=NAME.givenName,${ENTERPRISE_SCHEMA}:department`,
    );
    expect(sub.body.id).toBe(user.id);
    expect(sub.body.name).toEqual({ givenName: 'Given' });
    expect(sub.body[ENTERPRISE_SCHEMA]).toEqual({ department: 'R&D' });
    expect(sub.body).not.toHaveProperty('userName');

    const idOnly = await app.request('GET', `${SCIM}/Users/${user.id}?attributes=id`);
    expect(Object.keys(idOnly.body).sort()).toEqual(['id', 'schemas']);
  });

  it('#27 excludedAttributes= on a single read drops those, never id', async () => {
    const app = await ready();
    const user = await createUser(app, unique('excl'), { title: 'Engineer' });
    const response = await app.request(
      'GET',
      `${SCIM}/Users/${user.id}?excludedAttributes=emails,title,id,name.familyName`,
    );
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(user.id);
    expect(response.body).not.toHaveProperty('emails');
    expect(response.body).not.toHaveProperty('title');
    expect(response.body.name).toEqual({ givenName: 'Given' });
    expect(response.body.userName).toBe(user.userName);
  });

  it('#27 attributes= and excludedAttributes= are honoured on lists', async () => {
    const app = await ready();
    const filter = `name.familyName eq "${family}"`;
    const picked = await findUsers(app, filter, '&count=3&attributes=userName,emails.value');
    expectListResponse(picked);
    expect(picked.body.Resources).toHaveLength(3);
    for (const user of picked.body.Resources) {
      expect(typeof user.id).toBe('string');
      expect(typeof user.userName).toBe('string');
      expect(user.emails).toEqual([{ value: user.userName }]);
      expect(user).not.toHaveProperty('name');
      expect(user).not.toHaveProperty('active');
      expect(user).not.toHaveProperty('meta');
    }
    const excluded = await findUsers(app, filter, '&count=3&excludedAttributes=emails,meta');
    for (const user of excluded.body.Resources) {
      expect(typeof user.id).toBe('string');
      expect(user).not.toHaveProperty('emails');
      expect(user).not.toHaveProperty('meta');
      expect(user.name.familyName).toBe(family);
    }
    const search = await app.request('POST', `${SCIM}/Users/.search`, {
      body: { filter, count: 2, attributes: ['userName'] },
    });
    expectListResponse(search);
    for (const user of search.body.Resources) {
      expect(Object.keys(user).sort()).toEqual(['id', 'schemas', 'userName']);
    }
  });
});
