/** Request shapes the scenarios send: creates, `active` flips and index walks. */
import type { RequestShape } from './load.ts';

export function createUserRequests(tag: string): () => RequestShape {
  let n = 0;
  return () => {
    const email = `bench-${tag}-${n}@example.com`;
    const body = JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Bench', familyName: `User${n}` },
      displayName: `Bench User${n}`,
      emails: [{ value: email, type: 'work', primary: true }],
      active: true,
    });
    n++;
    return { body };
  };
}

/**
 * `PATCH /Users/{id}` replacing `active`, cycling through `ids` and flipping the value on each
 * pass, so every request really writes.
 */
export function patchActiveRequests(ids: readonly string[]): () => RequestShape {
  let n = 0;
  return () => {
    const value = Math.floor(n / ids.length) % 2 === 1;
    const path = `/scim/v2/Users/${ids[n % ids.length]}`;
    n++;
    return {
      path,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value }],
      }),
    };
  };
}

/**
 * Index pages one after the other, as Okta imports page (`startIndex=first`, then
 * `first + count`, …): every request is the page after the one before it, except after
 * `lastStart`, where the walk starts again at `first`.
 */
export function indexWalk(first: number, lastStart: number, count = 100): () => RequestShape {
  let start = first;
  return () => {
    const path = `/scim/v2/Users?startIndex=${start}&count=${count}`;
    start = start + count > lastStart ? first : start + count;
    return { path };
  };
}
