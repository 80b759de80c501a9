/** `POST /Users` request bodies for the create scenarios: a new userName and email every time. */
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
