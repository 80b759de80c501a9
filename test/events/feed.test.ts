/**
 * The event feed over HTTP on both stores: every surface's changes appear once, in order, with
 * their actor; a change that changes nothing emits nothing; paging, filters, errors (400, 410),
 * long-polling and shutdown. Calls go through the admin API kit, so every response is also
 * checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminTestApp,
  API,
  createAdminTestApp,
  newAccount,
} from '../admin-api/admin-api-kit.ts';
import { newUser, PATCH_SCHEMA, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

interface FeedItem {
  id: string;
  type: string;
  accountId: string;
  sequence: number;
  occurredAt: string;
  actor: Record<string, unknown>;
  subject: string;
  data: Record<string, unknown>;
}

const patch = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

for (const kind of STORE_KINDS) {
  describe(`event feed (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    const app = () => {
      if (!t) throw new Error('no app');
      return t;
    };
    const feedPath = () => `${API}/accounts/${app().app.accountId}/events`;

    /** Everything after `after`, page by page, as the feed returns it. */
    async function readAll(
      after: string,
      query = '',
    ): Promise<{ items: FeedItem[]; next: string }> {
      const items: FeedItem[] = [];
      let cursor = after;
      for (;;) {
        const page = await app().call('GET', `${feedPath()}?after=${cursor}&limit=2${query}`);
        expect(page.status, page.text).toBe(200);
        items.push(...page.body.items);
        if (page.body.items.length === 0) return { items, next: page.body.next };
        cursor = page.body.next;
      }
    }

    async function latest(): Promise<string> {
      const page = await app().call('GET', `${feedPath()}?after=latest`);
      expect(page.status, page.text).toBe(200);
      expect(page.body.items).toEqual([]);
      return page.body.next;
    }

    it('reports a SCIM user lifecycle once each, in order, by the IdP; an idempotent PATCH emits nothing', async (ctx) => {
      if (!t) return ctx.skip();
      const start = await latest();
      const local = unique('ada');
      const created = await t.app.request('POST', `${SCIM}/Users`, {
        body: newUser(local),
        headers: { 'User-Agent': 'Okta SCIM Client 1.0.0' },
      });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;
      const rename = patch({ op: 'replace', path: 'displayName', value: 'Ada L.' });
      expect((await t.app.request('PATCH', `${SCIM}/Users/${id}`, { body: rename })).status).toBe(
        200,
      );
      // The same PATCH again changes nothing.
      expect((await t.app.request('PATCH', `${SCIM}/Users/${id}`, { body: rename })).status).toBe(
        200,
      );
      const off = patch({ op: 'replace', path: 'active', value: false });
      expect((await t.app.request('PATCH', `${SCIM}/Users/${id}`, { body: off })).status).toBe(200);
      const on = patch({ op: 'replace', path: 'active', value: true });
      expect((await t.app.request('PATCH', `${SCIM}/Users/${id}`, { body: on })).status).toBe(200);
      expect((await t.app.request('DELETE', `${SCIM}/Users/${id}`)).status).toBe(204);

      const { items } = await readAll(start);
      expect(items.map((e) => [e.type, e.subject])).toEqual([
        ['user.created', `user:${id}`],
        ['user.updated', `user:${id}`],
        ['user.updated', `user:${id}`],
        ['user.deactivated', `user:${id}`],
        ['user.updated', `user:${id}`],
        ['user.reactivated', `user:${id}`],
        ['user.deactivated', `user:${id}`],
        ['user.unlinked', `user:${id}`],
      ]);
      const sequences = items.map((e) => e.sequence);
      expect(sequences).toEqual(sequences.map((_, i) => Number(start) + i + 1));
      expect(new Set(items.map((e) => e.id)).size).toBe(items.length);
      expect(items[0]?.data.user).toMatchObject({
        id,
        userName: `${local}@example.com`,
        email: `${local}@example.com`,
        active: true,
        managedBy: 'scim',
      });
      expect(items[1]?.data).toEqual({
        userId: id,
        userName: `${local}@example.com`,
        changes: {
          displayName: { before: null, after: 'Ada L.' },
        },
      });
      expect(items[2]?.data.changes).toMatchObject({ active: { before: true, after: false } });
      // Detected from each request: only the create said it came from Okta.
      expect(items[0]?.actor).toMatchObject({ kind: 'idp', idp: 'okta' });
      expect(items[1]?.actor).toMatchObject({ kind: 'idp', idp: 'unknown' });
      for (const item of items) {
        expect(item.accountId).toBe(t.app.accountId);
        expect(item.actor).toMatchObject({ kind: 'idp' });
        expect(item.actor.tokenId).toEqual(expect.any(String));
        expect(item.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      }
    });

    it('reports group changes: created with members, renamed, members added and removed, deleted', async (ctx) => {
      if (!t) return ctx.skip();
      const users: string[] = [];
      for (const name of ['g1', 'g2', 'g3']) {
        const res = await t.app.request('POST', `${SCIM}/Users`, { body: newUser(unique(name)) });
        expect(res.status, res.text).toBe(201);
        users.push(res.body.id);
      }
      const [a, b, c] = users as [string, string, string];
      const start = await latest();
      const name = unique('Team');
      const group = await t.app.request('POST', `${SCIM}/Groups`, {
        body: { schemas: [GROUP_SCHEMA], displayName: name, members: [{ value: a }, { value: b }] },
      });
      expect(group.status, group.text).toBe(201);
      const gid = group.body.id as string;
      const path = `${SCIM}/Groups/${gid}`;
      const steps = [
        patch({ op: 'replace', path: 'displayName', value: `${name} 2` }),
        patch({ op: 'add', path: 'members', value: [{ value: c }, { value: a }] }),
        patch({ op: 'remove', path: `members[value eq "${b}"]` }),
        // Removing an absent member changes nothing: no event.
        patch({ op: 'remove', path: `members[value eq "${b}"]` }),
      ];
      for (const body of steps) {
        const res = await t.app.request('PATCH', path, { body });
        expect([200, 204], res.text).toContain(res.status);
      }
      expect((await t.app.request('DELETE', path)).status).toBe(204);
      const { items } = await readAll(start);
      expect(items.map((e) => [e.type, e.data])).toEqual([
        [
          'group.created',
          { group: { id: gid, displayName: name, externalId: null }, memberIds: [a, b] },
        ],
        [
          'group.renamed',
          {
            before: { id: gid, displayName: name, externalId: null },
            after: { id: gid, displayName: `${name} 2`, externalId: null },
          },
        ],
        ['group.members_added', { groupId: gid, userIds: [c] }],
        ['group.members_removed', { groupId: gid, userIds: [b] }],
        [
          'group.deleted',
          { group: { id: gid, displayName: `${name} 2`, externalId: null }, memberCount: 2 },
        ],
      ]);
      expect(items.every((e) => e.subject === `group:${gid}`)).toBe(true);
    });

    it('/Bulk emits what the single requests emit', async (ctx) => {
      if (!t) return ctx.skip();
      const start = await latest();
      const local = unique('bulk');
      const name = unique('Bulk team');
      const res = await t.app.request('POST', `${SCIM}/Bulk`, {
        body: {
          schemas: [BULK_REQUEST],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'u', data: newUser(local) },
            {
              method: 'POST',
              path: '/Groups',
              bulkId: 'g',
              data: {
                schemas: [GROUP_SCHEMA],
                displayName: name,
                members: [{ value: 'bulkId:u' }],
              },
            },
            {
              method: 'PATCH',
              path: '/Users/bulkId:u',
              data: patch({ op: 'replace', path: 'active', value: false }),
            },
          ],
        },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual([
        '201',
        '201',
        '200',
      ]);
      const { items } = await readAll(start);
      // Independent operations of one /Bulk run side by side (bulk.ts), so only what depends
      // on what has an order: each resource's own events, and the user before the group that
      // holds it. The rest is whichever committed first.
      expect(items.map((e) => e.type).sort()).toEqual([
        'group.created',
        'user.created',
        'user.deactivated',
        'user.updated',
      ]);
      const created = items[0] as FeedItem;
      expect(created.type).toBe('user.created');
      const userId = (created.data.user as { id: string }).id;
      const ofUser = items.filter((e) => e.subject === `user:${userId}`);
      expect(ofUser.map((e) => e.type)).toEqual([
        'user.created',
        'user.updated',
        'user.deactivated',
      ]);
      const group = items.find((e) => e.type === 'group.created') as FeedItem;
      expect(group.data.memberIds).toEqual([userId]);
      const sequences = items.map((e) => e.sequence);
      expect(sequences).toEqual(sequences.map((_, i) => Number(start) + i + 1));
      expect(items.every((e) => e.actor.kind === 'idp')).toBe(true);
    });

    it('reports admin API changes by the admin key, seat and teams included, and app user deletion', async (ctx) => {
      if (!t) return ctx.skip();
      const { id: accountId, key, keyId } = await newAccount(t);
      const base = `${API}/accounts/${accountId}/users`;
      const created = await t.call('POST', base, { key, body: { email: 'grace@example.com' } });
      expect(created.status, created.text).toBe(201);
      const userId = created.body.id as string;
      const updated = await t.call('PATCH', `${base}/${userId}`, {
        key,
        body: { givenName: 'Grace' },
      });
      expect(updated.status, updated.text).toBe(200);
      // The same change again: nothing changed, nothing emitted.
      await t.call('PATCH', `${base}/${userId}`, { key, body: { givenName: 'Grace' } });
      expect((await t.call('DELETE', `${base}/${userId}`, { key })).status).toBe(204);
      const feed = await t.call('GET', `${API}/accounts/${accountId}/events`, { key });
      expect(feed.status, feed.text).toBe(200);
      expect(feed.body.items.map((e: FeedItem) => [e.sequence, e.type])).toEqual([
        [1, 'user.created'],
        [2, 'user.updated'],
        [3, 'user.deleted'],
      ]);
      expect(feed.body.items[1].data.changes).toEqual({
        givenName: { before: null, after: 'Grace' },
      });
      for (const item of feed.body.items) expect(item.actor).toEqual({ kind: 'admin_key', keyId });
      expect(feed.body.next).toBe('3');
    });

    it('keeps accounts apart: an admin key reads only its own feed', async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      await t.call('POST', `${API}/accounts/${b.id}/users`, {
        key: b.key,
        body: { email: 'b-only@example.com' },
      });
      const theirs = await t.call('GET', `${API}/accounts/${b.id}/events`, { key: a.key });
      expect(theirs.status).toBe(404);
      const own = await t.call('GET', `${API}/accounts/${a.id}/events`, { key: a.key });
      expect(own.body).toEqual({ items: [], next: '0' });
    });

    it('pages with cursors and filters by type; next moves past other types; without after it starts at the oldest kept', async (ctx) => {
      if (!t) return ctx.skip();
      const { id: accountId, key } = await newAccount(t);
      const base = `${API}/accounts/${accountId}/users`;
      const ids: string[] = [];
      for (const who of ['a', 'b', 'c']) {
        const res = await t.call('POST', base, { key, body: { email: `${who}@example.com` } });
        ids.push(res.body.id);
      }
      await t.call('POST', `${base}/${ids[0]}/deactivate`, { key });
      const feed = `${API}/accounts/${accountId}/events`;
      const first = await t.call('GET', `${feed}?limit=2`, { key });
      expect(first.body.items.map((e: FeedItem) => e.sequence)).toEqual([1, 2]);
      expect(first.body.next).toBe('2');
      const second = await t.call('GET', `${feed}?after=2&limit=2`, { key });
      expect(second.body.items.map((e: FeedItem) => e.sequence)).toEqual([3, 4]);
      const third = await t.call('GET', `${feed}?after=${second.body.next}`, { key });
      expect(third.body.items.map((e: FeedItem) => e.type)).toEqual(['user.deactivated']);
      const end = await t.call('GET', `${feed}?after=${third.body.next}`, { key });
      expect(end.body).toEqual({ items: [], next: '5' });
      const deactivated = await t.call('GET', `${feed}?types=user.deactivated`, { key });
      expect(deactivated.body.items.map((e: FeedItem) => [e.type, e.subject])).toEqual([
        ['user.deactivated', `user:${ids[0]}`],
      ]);
      const none = await t.call('GET', `${feed}?types=group.created`, { key });
      const last = String(deactivated.body.items[0].sequence);
      expect(none.body).toEqual({ items: [], next: last });
    });

    it('refuses bad cursors, unknown types and out-of-range limit and wait with precise codes', async (ctx) => {
      if (!t) return ctx.skip();
      const { id: accountId, key } = await newAccount(t);
      const feed = `${API}/accounts/${accountId}/events`;
      const cases: [string, string][] = [
        ['after=abc', 'event.cursor_invalid'],
        ['after=-1', 'event.cursor_invalid'],
        ['after=1.5', 'event.cursor_invalid'],
        ['after=99999999999999999999', 'event.cursor_invalid'],
        ['after=7', 'event.cursor_unknown'],
        ['types=user.created,user.exploded', 'event.type_unknown'],
        ['types=', 'event.type_unknown'],
        ['limit=0', 'event.limit_out_of_range'],
        ['limit=1001', 'event.limit_out_of_range'],
        ['limit=ten', 'event.limit_out_of_range'],
        ['wait=61', 'event.wait_out_of_range'],
        ['wait=-1', 'event.wait_out_of_range'],
        ['color=blue', 'request.invalid'],
      ];
      for (const [query, code] of cases) {
        const res = await t.call('GET', `${feed}?${query}`, { key });
        expect([query, res.status, res.body.code]).toEqual([query, 400, code]);
      }
    });

    it('answers 410 event.cursor_expired once retention deleted events after the cursor', async (ctx) => {
      if (!t) return ctx.skip();
      const { id: accountId, key } = await newAccount(t);
      const store = t.app.directory.store;
      const old = (n: number) => ({
        id: `evt_old_${accountId}_${n}`,
        accountId,
        type: 'user.deleted',
        occurredAt: `2020-01-0${n}T00:00:00.000Z`,
        actor: { kind: 'system' } as const,
        subject: `user:u${n}`,
        data: { userId: `u${n}`, userName: `u${n}` },
      });
      await store.events.append([old(1), old(2), old(3)]);
      const before = await t.call('GET', `${API}/accounts/${accountId}/events?after=0`, { key });
      expect(before.body.items.map((e: FeedItem) => e.sequence)).toEqual([1, 2, 3]);
      await t.app.directory.retention.prune();
      const expired = await t.call('GET', `${API}/accounts/${accountId}/events?after=1`, { key });
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('event.cursor_expired');
      // The newest event is kept: a reader at the end (or just before it) carries on.
      const fine = await t.call('GET', `${API}/accounts/${accountId}/events?after=2`, { key });
      expect(fine.body.items.map((e: FeedItem) => e.sequence)).toEqual([3]);
      const fromOldest = await t.call('GET', `${API}/accounts/${accountId}/events`, { key });
      expect(fromOldest.body.items.map((e: FeedItem) => e.sequence)).toEqual([3]);
    });

    it('long-polls: a waiting read answers with the change made while it waits', async (ctx) => {
      if (!t) return ctx.skip();
      const { id: accountId, key } = await newAccount(t);
      const waiting = t.call('GET', `${API}/accounts/${accountId}/events?after=0&wait=30`, { key });
      // The change happens after the read started waiting (it has no event to return yet).
      await new Promise((resolve) => setImmediate(resolve));
      const created = await t.call('POST', `${API}/accounts/${accountId}/users`, {
        key,
        body: { email: 'late@example.com' },
      });
      expect(created.status).toBe(201);
      const page = await waiting;
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.map((e: FeedItem) => [e.sequence, e.type])).toEqual([
        [1, 'user.created'],
      ]);
    });

    it('long-polls with a types filter: other types do not end the wait', async (ctx) => {
      if (!t) return ctx.skip();
      const { id: accountId, key } = await newAccount(t);
      const base = `${API}/accounts/${accountId}/users`;
      const waiting = t.call(
        'GET',
        `${API}/accounts/${accountId}/events?after=0&wait=30&types=user.deactivated`,
        { key },
      );
      const created = await t.call('POST', base, { key, body: { email: 'soon-off@example.com' } });
      await t.call('POST', `${base}/${created.body.id}/deactivate`, { key });
      const page = await waiting;
      expect(page.body.items.map((e: FeedItem) => e.type)).toEqual(['user.deactivated']);
      expect(page.body.next).toBe('3');
    });
  });
}

describe('event feed shutdown', () => {
  it('ends a long-poll at once when the feed closes, with an empty page and the same cursor', async (ctx) => {
    const t = await createAdminTestApp('sqlite');
    if (!t) return ctx.skip();
    try {
      const waiting = t.call(
        'GET',
        `${API}/accounts/${t.app.accountId}/events?after=latest&wait=60`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      t.app.directory.events.close();
      const page = await waiting;
      expect(page.status).toBe(200);
      expect(page.body.items).toEqual([]);
      expect(Number(page.body.next)).toBeGreaterThanOrEqual(0);
    } finally {
      await t.cleanup();
    }
  });
});
