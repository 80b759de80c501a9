/**
 * `/Schemas` describes what the server does (issue 13, found by public SCIM test suites): every
 * attribute the served schemas list is written with a value of its type, read back, projected and
 * replaced through real requests, and must behave as its `mutability`, `returned` and `required`
 * say (RFC 7643 §7). It runs with role sync off and on, since `roles` differs between them, and
 * on the schemas as served to the account's own token.
 */
import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_SCHEMA,
  STORE_KINDS,
  type TestApp,
  USER_SCHEMA,
} from '../helpers/create-test-app.ts';
import { createUser, SCIM, setRoleSync, unique, useTestApp } from './scim-test-kit.ts';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface Attribute {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  canonicalValues?: string[];
  subAttributes?: Attribute[];
}

type Json = Record<string, unknown>;

/** A value of the attribute's type, different for each `tag`; what a client would send. */
function sampleOf(attribute: Attribute, tag: string, special: (a: Attribute) => unknown): unknown {
  const chosen = special(attribute);
  if (chosen !== undefined) return chosen;
  const one = (): unknown => {
    switch (attribute.type) {
      case 'string':
        return attribute.canonicalValues?.[0] ?? `${attribute.name}-${tag}`;
      case 'boolean':
        return true;
      case 'reference':
        return `https://example.org/${attribute.name}/${tag}`;
      case 'binary':
        return Buffer.from(`${attribute.name}-${tag}`).toString('base64');
      case 'integer':
        return 7;
      case 'decimal':
        return 1.5;
      case 'dateTime':
        return '2026-01-02T03:04:05Z';
      case 'complex':
        return Object.fromEntries(
          (attribute.subAttributes ?? []).map((sub) => [sub.name, sampleOf(sub, tag, special)]),
        );
      default:
        throw new Error(`no sample for type ${attribute.type}`);
    }
  };
  return attribute.multiValued ? [one()] : one();
}

/** Whether `got` holds what `sent` set, for the attributes a client may set and read back. */
function expectKept(attribute: Attribute, sent: unknown, got: unknown, where: string): void {
  if (attribute.type !== 'complex') {
    expect(got, where).toEqual(sent);
    return;
  }
  const sentList = (attribute.multiValued ? sent : [sent]) as Json[];
  const gotList = (attribute.multiValued ? got : [got]) as Json[] | undefined;
  expect(gotList, where).toHaveLength(sentList.length);
  sentList.forEach((element, i) => {
    // Sub-attributes left out may be filled by the server (a role's display, a type).
    for (const sub of (attribute.subAttributes ?? []).filter((a) => a.name in element)) {
      const path = `${where}.${sub.name}`;
      const back = gotList?.[i]?.[sub.name];
      if (sub.returned === 'never' || sub.mutability === 'writeOnly') {
        expect(back, `${path} is never returned`).toBeUndefined();
      } else if (sub.mutability === 'readOnly') {
        expect(back, `${path} is read-only: what was sent is not kept`).not.toEqual(
          element[sub.name],
        );
      } else {
        expect(back, path).toEqual(element[sub.name]);
      }
    }
  });
}

/** Group: displayName and members as described (a member's display is read-only). */
async function checkGroupSchema(app: TestApp): Promise<void> {
  const schema = (await app.request('GET', `${SCIM}/Schemas/${GROUP_SCHEMA}`)).body as {
    attributes: Attribute[];
  };
  const members = schema.attributes.find((a) => a.name === 'members');
  const sub = (name: string) => members?.subAttributes?.find((a) => a.name === name);
  expect(sub('display')?.mutability).toBe('readOnly');
  const member = await createUser(app, unique('member'), { displayName: 'Real Name' });
  const displayName = unique('Group');
  const created = await app.request('POST', `${SCIM}/Groups`, {
    body: {
      schemas: [GROUP_SCHEMA],
      displayName,
      members: [{ value: member.id, display: 'Sent Name', type: 'User' }],
    },
  });
  expect(created.status, created.text).toBe(201);
  const read = (await app.request('GET', `${SCIM}/Groups/${created.body.id}`)).body;
  expect(read.displayName).toBe(displayName);
  expect(read.members).toEqual([
    expect.objectContaining({ value: member.id, display: 'Real Name', type: 'User' }),
  ]);
  expect(schema.attributes.find((a) => a.name === 'displayName')?.required).toBe(true);
}

describe.each(STORE_KINDS)('/Schemas agrees with the server (%s)', (kind) => {
  const getApp = useTestApp(kind);

  for (const roleSync of [false, true]) {
    it(`User, EnterpriseUser and Group, role sync ${roleSync ? 'on' : 'off'}: every attribute as described`, async () => {
      const app = getApp();
      await setRoleSync(app, roleSync);
      const tag = unique('s');
      const role = `Role ${tag}`;
      await app.directory.permissionSets.create(app.accountId, { name: role, permissions: [] });
      const manager = await createUser(app, unique('manager'), { displayName: 'The Manager' });

      const schemas = (await app.request('GET', `${SCIM}/Schemas`)).body.Resources as {
        id: string;
        attributes: Attribute[];
      }[];
      const core = schemas.find((s) => s.id === USER_SCHEMA)?.attributes ?? [];
      const enterprise = schemas.find((s) => s.id === ENTERPRISE_SCHEMA)?.attributes ?? [];
      const roles = core.find((a) => a.name === 'roles');
      expect(roles?.mutability).toBe(roleSync ? 'readWrite' : 'writeOnly');
      expect(roles?.returned).toBe(roleSync ? 'default' : 'never');

      const local = unique('every');
      const special = (t: string) => (a: Attribute) => {
        if (a.name === 'userName') return `${local}-${t}@example.com`;
        if (a.name === 'emails')
          return [{ value: `${local}-${t}@example.com`, type: 'work', primary: true }];
        if (a.name === 'active') return true;
        if (a.name === 'password') return `Secret-${t}-1!`;
        if (a.name === 'roles') return [{ value: role, primary: true }];
        if (a.name === 'manager') return { value: manager.id, displayName: `not-${t}` };
        if (a.name === 'groups') return [{ value: `not-a-group-${t}`, display: 'Fake' }];
        if (a.name === 'primary') return true;
        return undefined;
      };
      const body = (t: string, leave: readonly string[] = []) => ({
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        ...Object.fromEntries(
          core
            .filter((a) => !leave.includes(a.name))
            .map((a) => [a.name, sampleOf(a, t, special(t))]),
        ),
        [ENTERPRISE_SCHEMA]: Object.fromEntries(
          enterprise.map((a) => [a.name, sampleOf(a, t, special(t))]),
        ),
      });

      const sent = body('one');
      const created = await app.request('POST', `${SCIM}/Users`, { body: sent });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;

      /** Every attribute of `read` against what `written` sent, as the schema describes it. */
      const check = (written: Json, read: Json, stage: string) => {
        const pairs: [Attribute, unknown, unknown, string][] = [
          ...core.map(
            (a) =>
              [a, written[a.name], read[a.name], a.name] as [Attribute, unknown, unknown, string],
          ),
          ...enterprise.map(
            (a) =>
              [
                a,
                (written[ENTERPRISE_SCHEMA] as Json)[a.name],
                (read[ENTERPRISE_SCHEMA] as Json | undefined)?.[a.name],
                `${ENTERPRISE_SCHEMA}:${a.name}`,
              ] as [Attribute, unknown, unknown, string],
          ),
        ];
        for (const [attribute, value, back, name] of pairs) {
          const where = `${stage}: ${name} (${attribute.mutability}, returned ${attribute.returned})`;
          if (attribute.returned === 'never' || attribute.mutability === 'writeOnly') {
            expect(back, where).toBeUndefined();
          } else if (attribute.mutability === 'readOnly') {
            expect(back, where).not.toEqual(value);
          } else if (attribute.returned === 'request') {
            expect(back, where).toBeUndefined();
          } else {
            expectKept(attribute, value, back, where);
          }
        }
      };
      check(sent, created.body, 'POST response');
      check(sent, (await app.request('GET', `${SCIM}/Users/${id}`)).body, 'GET');

      // returned: what projection may add or remove.
      for (const attribute of [...core, ...enterprise]) {
        const name = enterprise.includes(attribute)
          ? `${ENTERPRISE_SCHEMA}:${attribute.name}`
          : attribute.name;
        const read = (query: string) =>
          app.request('GET', `${SCIM}/Users/${id}?${query}=${encodeURIComponent(name)}`);
        const valueIn = (r: Json) =>
          enterprise.includes(attribute)
            ? (r[ENTERPRISE_SCHEMA] as Json | undefined)?.[attribute.name]
            : r[attribute.name];
        const asked = valueIn((await read('attributes')).body);
        const excluded = valueIn((await read('excludedAttributes')).body);
        const where = `${name} (returned ${attribute.returned})`;
        if (attribute.returned === 'never') expect(asked, where).toBeUndefined();
        if (attribute.returned === 'always') expect(excluded, where).toBeDefined();
        if (attribute.returned === 'default' || attribute.returned === 'request') {
          expect(excluded, where).toBeUndefined();
          // Asked for by name, a value the user has is returned (a read-only one may be empty).
          if (attribute.mutability !== 'readOnly') expect(asked, where).toBeDefined();
        }
      }

      // PUT replaces what a client may write; required attributes it leaves out keep their
      // values (never silently something else), as their descriptions say.
      const required = core.filter((a) => a.required).map((a) => a.name);
      expect(required.sort()).toEqual(['active', 'userName']);
      const replaced = body('two', required);
      const put = await app.request('PUT', `${SCIM}/Users/${id}`, { body: replaced });
      expect(put.status, put.text).toBe(200);
      expect(put.body.userName).toBe(created.body.userName);
      expect(put.body.active).toBe(true);
      const after = (await app.request('GET', `${SCIM}/Users/${id}`)).body;
      check({ ...replaced, userName: created.body.userName, active: true }, after, 'after PUT');

      // immutable: settable once, then refused when changed (none today; the rule still holds).
      for (const attribute of core.filter((a) => a.mutability === 'immutable')) {
        const changed = await app.request('PUT', `${SCIM}/Users/${id}`, {
          body: { ...replaced, [attribute.name]: sampleOf(attribute, 'three', special('three')) },
        });
        expect(changed.status, attribute.name).toBe(400);
      }
      await checkGroupSchema(app);
    });
  }
});
