/**
 * Text no store can keep alike (NUL, unpaired UTF-16 surrogates) is refused with 400
 * `invalidValue` wherever it reaches a filter or a PATCH path: raw, or written as a JSON escape
 * (`"\u0000"`, `"\ud800"`) inside the filter's string literal, which only the filter lexer
 * decodes. README: "strings with NUL or unpaired UTF-16 surrogates are refused with 400
 * invalidValue". A well-formed surrogate pair (an emoji) stays a valid value.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestApp } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createUser,
  expectScimError,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

/** Filter string literals, as a client writes them in the filter text (backslash escapes). */
const ESCAPED = ['\\u0000', 'a\\u0000b', '\\ud800', 'x\\udc00', '\\uDBFF\\u0041'];
const RAW = ['a\u0000b'];

const expectRefused = (response: Parameters<typeof expectScimError>[0], what: string) => {
  expectScimError(response, 400, 'invalidValue');
  expect(response.body.detail, what).toMatch(/NUL characters|unpaired UTF-16 surrogates/);
};

const get = (app: TestApp, resource: string, filter: string) =>
  app.request('GET', `${SCIM}/${resource}?filter=${encodeURIComponent(filter)}`);

describe.each(STORE_KINDS)('escaped NUL and lone surrogates in filters and paths (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('a filter string holding an escaped NUL or lone surrogate is 400 invalidValue (GET, .search, /Groups); an escaped pair is not', async () => {
    const app = getApp();
    for (const literal of ESCAPED) {
      for (const filter of [
        `userName eq "${literal}"`,
        `emails[value co "${literal}"]`,
        `not (title sw "${literal}")`,
        `userName pr and displayName gt "${literal}"`,
      ]) {
        expectRefused(await get(app, 'Users', filter), filter);
        expectRefused(
          await app.request('POST', `${SCIM}/Users/.search`, { body: { filter } }),
          filter,
        );
      }
      expectRefused(await get(app, 'Groups', `displayName eq "${literal}"`), literal);
      expectRefused(await get(app, 'Groups', `members[value eq "${literal}"]`), literal);
    }
    // Raw NUL in the query string (%00), in a value or in a name, is the same refusal.
    for (const raw of RAW) {
      expectRefused(await get(app, 'Users', `userName eq "${raw}"`), 'raw NUL');
      expectRefused(await get(app, 'Users', `user${raw} eq "x"`), 'raw NUL in a name');
    }
    // An escaped surrogate pair is one valid character: that filter finds its user.
    const user = await createUser(app, unique('emoji'), { displayName: 'Ana \ud83d\ude00' });
    const found = await get(
      app,
      'Users',
      `id eq "${user.id}" and displayName eq "Ana \\ud83d\\ude00"`,
    );
    expect(found.status, found.text).toBe(200);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([user.id]);
  });

  it('PATCH paths whose value filter holds an escaped NUL or lone surrogate are 400 invalidValue, and nothing changes', async () => {
    const app = getApp();
    const user = await createUser(app, unique('patchnul'));
    for (const literal of ESCAPED) {
      for (const body of [
        patchOp({ op: 'add', path: `emails[type eq "${literal}"].value`, value: 'x@example.com' }),
        patchOp({ op: 'replace', path: `phoneNumbers[type eq "${literal}"].value`, value: '1' }),
        patchOp({ op: 'remove', path: `emails[value eq "${literal}"]` }),
        // Path-less keys are paths too (Entra with aadOptscim062020).
        patchOp({ op: 'add', value: { [`addresses[type eq "${literal}"].locality`]: 'Paris' } }),
      ]) {
        const response = await app.request('PATCH', `${SCIM}/Users/${user.id}`, { body });
        expectRefused(response, JSON.stringify(body.Operations));
      }
    }
    const after = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(after.body.meta.version).toBe(user.meta.version);
    expect(after.body.emails).toEqual(user.emails);

    const group = await createGroup(app, unique('PatchNul'), [user.id]);
    const removal = await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      body: patchOp({ op: 'remove', path: 'members[value eq "\\u0000"]' }),
    });
    expectRefused(removal, 'group members path');
  });
});
