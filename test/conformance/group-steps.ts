/** Shared pieces of the group replays: members created as the IdP would, and checks on them. */
import { expect } from 'vitest';
import { newUser, SCIM, type TestResponse } from '../helpers/create-test-app.ts';
import type { SetupStep, Vars } from './replay.ts';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTRA_GROUP_URN =
  'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** Creates users `u1`…`u{count}` through SCIM (the IdP provisions users before groups). */
export function provisionMembers(count: number, prefix: string): SetupStep {
  return {
    step: `the IdP has provisioned ${count} users that will become members`,
    async run(app, vars) {
      for (let i = 1; i <= count; i++) {
        const local = `${prefix}.${i}.${crypto.randomUUID().slice(0, 8)}`;
        const response = await app.request('POST', `${SCIM}/Users`, {
          body: newUser(local, { displayName: `${prefix} Member ${i}` }),
        });
        expect(response.status, response.text).toBe(201);
        vars[`u${i}`] = response.body.id;
        vars[`u${i}Local`] = local;
      }
    },
  };
}

/** Checks that the group in the response has exactly these members (by var name). */
export function hasMembers(...names: string[]) {
  return (response: TestResponse, vars: Vars) => {
    const values = ((response.body.members ?? []) as { value: string }[]).map((m) => m.value);
    expect(values.sort()).toEqual(names.map((n) => String(vars[n])).sort());
    for (const member of response.body.members ?? []) {
      expect(member.type).toBe('User');
      expect(member.$ref).toMatch(new RegExp(`/scim/v2/Users/${member.value}$`));
      expect(typeof member.display).toBe('string');
    }
  };
}
