/**
 * Versioning (idp-behaviour.md §2.7, RFC 7644 §3.14; checklist item 66 as used by the others):
 * ETag equals meta.version on every representation; If-Match is honoured but never required;
 * If-None-Match answers 304.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createUser,
  expectScimError,
  newUser,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('ETags (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('ETag equals meta.version on POST, GET, PUT and PATCH, and changes on every write', async () => {
    const app = getApp();
    const local = unique('etag');
    const created = await app.request('POST', `${SCIM}/Users`, { body: newUser(local) });
    expect(created.headers.get('etag')).toBe(created.body.meta.version);
    expect(created.body.meta.version).toMatch(/^(W\/)?"[^"]+"$/);
    const id = created.body.id as string;

    const read = await app.request('GET', `${SCIM}/Users/${id}`);
    expect(read.headers.get('etag')).toBe(read.body.meta.version);
    expect(read.body.meta.version).toBe(created.body.meta.version);

    const put = await app.request('PUT', `${SCIM}/Users/${id}`, {
      body: newUser(local, { title: 'One' }),
    });
    expect(put.headers.get('etag')).toBe(put.body.meta.version);
    expect(put.body.meta.version).not.toBe(read.body.meta.version);

    const patch = await app.request('PATCH', `${SCIM}/Users/${id}`, {
      body: patchOp({ op: 'replace', path: 'title', value: 'Two' }),
    });
    expect(patch.headers.get('etag')).toBe(patch.body.meta.version);
    expect(patch.body.meta.version).not.toBe(put.body.meta.version);

    const list = await app.request(
      'GET',
      `${SCIM}/Users?filter=${encodeURIComponent(`id eq "${id}"`)}`,
    );
    expect(list.body.Resources[0].meta.version).toBe(patch.body.meta.version);
  });

  it('a stale If-Match → 412 on PUT, PATCH and DELETE, and nothing changes', async () => {
    const app = getApp();
    const local = unique('stale');
    const user = await createUser(app, local);
    const stale = user.meta.version as string;
    const bumped = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'title', value: 'Bumped' }),
    });
    const current = bumped.body.meta.version as string;
    expect(current).not.toBe(stale);
    const headers = { 'If-Match': stale };

    expectScimError(
      await app.request('PUT', `${SCIM}/Users/${user.id}`, {
        body: newUser(local, { title: 'PUT' }),
        headers,
      }),
      412,
    );
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'title', value: 'PATCH' }),
        headers,
      }),
      412,
    );
    expectScimError(await app.request('DELETE', `${SCIM}/Users/${user.id}`, { headers }), 412);

    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('Bumped');
    expect(read.body.meta.version).toBe(current);
  });

  it('the current If-Match (or *) proceeds; no If-Match always proceeds', async () => {
    const app = getApp();
    const local = unique('current');
    const user = await createUser(app, local);
    const withCurrent = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'title', value: 'A' }),
      headers: { 'If-Match': user.meta.version },
    });
    expect(withCurrent.status, withCurrent.text).toBe(200);
    const withStar = await app.request('PUT', `${SCIM}/Users/${user.id}`, {
      body: newUser(local, { title: 'B' }),
      headers: { 'If-Match': '*' },
    });
    expect(withStar.status, withStar.text).toBe(200);
    const listed = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'title', value: 'C' }),
      headers: { 'If-Match': `W/"999999", ${withStar.body.meta.version}` },
    });
    expect(listed.status, listed.text).toBe(200);
    const without = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'title', value: 'D' }),
    });
    expect(without.status).toBe(200);
    expect(without.body.title).toBe('D');
    const deleted = await app.request('DELETE', `${SCIM}/Users/${user.id}`, {
      headers: { 'If-Match': without.body.meta.version },
    });
    expect(deleted.status).toBe(204);
  });

  it('If-None-Match with the current version → 304 without a body; a stale one → 200', async () => {
    const app = getApp();
    const user = await createUser(app, unique('inm'));
    const notModified = await app.request('GET', `${SCIM}/Users/${user.id}`, {
      headers: { 'If-None-Match': user.meta.version },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('etag')).toBe(user.meta.version);

    await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'title', value: 'Changed' }),
    });
    const modified = await app.request('GET', `${SCIM}/Users/${user.id}`, {
      headers: { 'If-None-Match': user.meta.version },
    });
    expect(modified.status).toBe(200);
    expect(modified.body.title).toBe('Changed');
    expect(modified.headers.get('etag')).toBe(modified.body.meta.version);
  });

  it('a user’s ETag moves with its groups: joining, a group rename, leaving; If-Match ignores them', async () => {
    const app = getApp();
    const user = await createUser(app, unique('grouped'));
    const get = (headers: Record<string, string> = {}) =>
      app.request('GET', `${SCIM}/Users/${user.id}`, { headers });
    const tags: string[] = [user.meta.version];
    const expectNewTag = async () => {
      const read = await get();
      expect(read.headers.get('etag')).toBe(read.body.meta.version);
      expect(tags).not.toContain(read.body.meta.version);
      // The previous representation's tag no longer answers 304.
      const stale = await get({ 'If-None-Match': tags.at(-1) as string });
      expect(stale.status).toBe(200);
      tags.push(read.body.meta.version);
      const fresh = await get({ 'If-None-Match': read.body.meta.version });
      expect(fresh.status).toBe(304);
      return read.body;
    };

    const group = await createGroup(app, unique('Joined'), [user.id]);
    const joined = await expectNewTag();
    expect(joined.groups.map((g: { value: string }) => g.value)).toEqual([group.id]);
    // Listings and projections show the same version as GET.
    const listed = await app.request(
      'GET',
      `${SCIM}/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`,
    );
    expect(listed.body.Resources[0].meta.version).toBe(joined.meta.version);
    const excluded = await app.request('GET', `${SCIM}/Users/${user.id}?excludedAttributes=groups`);
    expect(excluded.body.meta.version).toBe(joined.meta.version);
    expect(excluded.headers.get('etag')).toBe(joined.meta.version);

    await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      body: patchOp({ op: 'replace', path: 'displayName', value: unique('Renamed') }),
    });
    await expectNewTag();

    // groups are read-only: If-Match compares the user's own version, so the tag from before
    // the user joined still writes, while a tag from before the user's own last write does not.
    const withOld = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'title', value: 'Still writes' }),
      headers: { 'If-Match': tags[0] as string },
    });
    expect(withOld.status, withOld.text).toBe(200);
    expect(withOld.headers.get('etag')).toBe(withOld.body.meta.version);
    tags.push(withOld.body.meta.version);
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'title', value: 'Refused' }),
        headers: { 'If-Match': tags[0] as string },
      }),
      412,
    );

    await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      body: patchOp({ op: 'remove', path: `members[value eq "${user.id}"]` }),
    });
    const left = await expectNewTag();
    expect(left).not.toHaveProperty('groups');
  });

  it('concurrent PATCHes never lose an acknowledged write', async () => {
    const app = getApp();
    const user = await createUser(app, unique('race'));
    const numbers = Array.from({ length: 8 }, (_, i) => `+1 555 01${String(i).padStart(2, '0')}`);
    const responses = await Promise.all(
      numbers.map((value) =>
        app.request('PATCH', `${SCIM}/Users/${user.id}`, {
          body: patchOp({ op: 'add', path: 'phoneNumbers', value: [{ value, type: 'work' }] }),
        }),
      ),
    );
    for (const response of responses) {
      expect([200, 503], response.text).toContain(response.status);
      if (response.status === 503) {
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expectScimError(response, 503);
      }
    }
    const acknowledged = numbers.filter((_, i) => responses[i]?.status === 200);
    expect(acknowledged.length).toBeGreaterThan(0);
    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    const stored = (read.body.phoneNumbers ?? []).map((p: { value: string }) => p.value);
    for (const value of acknowledged) expect(stored).toContain(value);
    expect(read.body.meta.version).toBe(`W/"${1 + acknowledged.length}"`);
  });

  it('If-Match on an unknown user is 404, not 412', async () => {
    const app = getApp();
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${crypto.randomUUID()}`, {
        body: patchOp({ op: 'replace', path: 'title', value: 'x' }),
        headers: { 'If-Match': 'W/"1"' },
      }),
      404,
    );
  });
});
