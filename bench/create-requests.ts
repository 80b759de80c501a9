/** Request shapes the write scenarios send: creates and `active` flips. */
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
