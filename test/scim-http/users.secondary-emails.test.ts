/**
 * Secondary emails (docs/idp-compatibility.md, "Only the primary email is an identity"): they
 * are stored as sent, in any domain, and never used for identity. Only the primary email (and
 * an email-shaped userName) must be in a verified domain, is unique, and adopts or links an
 * existing app user; a secondary email never makes a 409, never adopts, and never lets an IdP's
 * lookup find a user the IdP did not provision.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  findUsers,
  insertAppUser,
  newUser,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const UNVERIFIED = 'unverified-secondary.test';

describe.each(STORE_KINDS)('secondary emails (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('are stored in any domain and never identify a user: no domain check, no uniqueness, no adoption, no lookup', async () => {
    const app = getApp();
    // Accepted in an unverified domain, on POST and PATCH; the primary alone must be verified.
    const local = unique('second');
    const created = await createUser(app, local, {
      emails: [
        { value: `${local}@example.com`, type: 'work', primary: true },
        { value: `${local}@${UNVERIFIED}`, type: 'home' },
      ],
    });
    const read = await app.request('GET', `${SCIM}/Users/${created.id}`);
    expect(read.body.emails.map((e: { value: string }) => e.value)).toEqual([
      `${local}@example.com`,
      `${local}@${UNVERIFIED}`,
    ]);

    const added = await app.request('PATCH', `${SCIM}/Users/${created.id}`, {
      body: patchOp({
        op: 'add',
        path: 'emails',
        value: [{ value: `other-${local}@${UNVERIFIED}`, type: 'other' }],
      }),
    });
    expect(added.status, added.text).toBe(200);
    expect(added.body.emails).toHaveLength(3);

    // Making the unverified one primary changes the identity: refused, naming the domain.
    const promoted = await app.request('PATCH', `${SCIM}/Users/${created.id}`, {
      body: patchOp({
        op: 'replace',
        path: `emails[value eq "${local}@${UNVERIFIED}"].primary`,
        value: true,
      }),
    });
    expectScimError(promoted, 400, 'invalidValue');
    expect(promoted.body.detail).toContain(UNVERIFIED);
    // So is a create whose primary is unverified, whatever its secondaries.
    const unverifiedPrimary = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(unique('second'), {
        userName: `p-${local}@${UNVERIFIED}`,
        emails: [
          { value: `p-${local}@${UNVERIFIED}`, primary: true },
          { value: `p-${local}@example.com`, type: 'work' },
        ],
      }),
    });
    expectScimError(unverifiedPrimary, 400, 'invalidValue');

    // Never unique: another user may hold the same secondary, or have it as primary.
    const shared = `${unique('shared')}@example.com`;
    const first = await createUser(app, unique('holder'), {
      emails: [
        { value: `${unique('h')}@example.com`, primary: true },
        { value: shared, type: 'home' },
      ],
    });
    const second = await createUser(app, unique('holder'), {
      emails: [
        { value: `${unique('h')}@example.com`, primary: true },
        { value: shared.toUpperCase(), type: 'other' },
      ],
    });
    // A user whose primary is that address: a new user, not a conflict and not an adoption.
    const owner = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(shared.split('@')[0] as string),
    });
    expect(owner.status, owner.text).toBe(201);
    expect(new Set([first.id, second.id, owner.body.id]).size).toBe(3);

    // Never adopt or link an app user: creates and lookups go by the primary email only.
    const primary = `${unique('app')}@example.com`;
    const secondary = `${unique('alias')}@example.com`;
    const appUser = await insertAppUser(app, primary, {
      multiValued: {
        emails: [
          { value: primary, type: 'work', primary: true },
          { value: secondary, type: 'home' },
        ],
      },
    });
    // The IdP looks its user up before creating it (Okta, Entra): the app user's alias does not
    // find it, in any lookup form; its primary does.
    for (const filter of [
      `emails.value eq "${secondary}"`,
      `emails[value eq "${secondary.toUpperCase()}"]`,
      `emails[type eq "home" and value eq "${secondary}"]`,
      `emails[type eq "home"].value eq "${secondary}"`,
      `emails.value eq "${secondary}" or externalId eq "nobody"`,
    ]) {
      const found = await findUsers(app, filter);
      expect(found.status, found.text).toBe(200);
      expect(found.body.totalResults, filter).toBe(0);
    }
    for (const filter of [
      `emails.value eq "${primary}"`,
      `emails[type eq "work" and value eq "${primary}"]`,
      `emails.value eq "${secondary}" or userName eq "${primary}"`,
    ]) {
      const found = await findUsers(app, filter);
      expect(
        found.body.Resources.map((u: { id: string }) => u.id),
        filter,
      ).toEqual([appUser.id]);
    }
    // A create with the alias as its email is a new user; the app user stays the app's.
    const fresh = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(secondary.split('@')[0] as string),
    });
    expect(fresh.status, fresh.text).toBe(201);
    expect(fresh.body.id).not.toBe(appUser.id);
    const untouched = await app.directory.store.users.findById(app.accountId, appUser.id);
    expect(untouched?.managedBy).toBe('app');
    // SCIM-managed users are found by any of their emails: that is filtering, not identity.
    const mine = await findUsers(app, `emails.value eq "${secondary}"`);
    expect(mine.body.Resources.map((u: { id: string }) => u.id)).toEqual([fresh.body.id]);
  });
});
