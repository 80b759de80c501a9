import { describe, expect, it } from 'vitest';
import { userResourceType } from '../schemas/resource-types.ts';
import { BASE_USER, ENTERPRISE, patchCases, user } from './apply-patch.cases.ts';
import { applyPatch } from './apply-patch.ts';
import { PATCH_OP_SCHEMA } from './patch-operation.ts';

const body = (Operations: readonly unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

describe('applyPatch (case table)', () => {
  for (const c of patchCases) {
    it(`${c.name} [${c.source}]`, () => {
      const resource = c.resource ?? BASE_USER;
      const snapshot = structuredClone(resource);
      const result = applyPatch(userResourceType, resource, c.body ?? body(c.operations ?? []));
      // The input is never mutated, whatever the outcome.
      expect(resource).toEqual(snapshot);
      if ('error' in c.expect) {
        if (result.ok)
          throw new Error(`expected ${c.expect.error}, got ${JSON.stringify(result.value)}`);
        expect(result.error.status).toBe(400);
        expect(result.error.scimType).toBe(c.expect.error);
        if (c.expect.detail) expect(result.error.detail).toContain(c.expect.detail);
      } else {
        if (!result.ok) throw new Error(`expected success, got ${result.error.detail}`);
        expect(result.value.resource).toEqual(c.expect.resource);
        expect(result.value.changed).toBe(c.expect.changed);
      }
    });
  }
});

describe('applyPatch', () => {
  it('is atomic: when the second operation fails, the input is unchanged and no result is given', () => {
    const resource = structuredClone(BASE_USER);
    const result = applyPatch(
      userResourceType,
      resource,
      body([
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'remove', path: 'emails' },
        { op: 'replace', path: 'active', value: 'maybe' },
      ]),
    );
    expect(result.ok).toBe(false);
    expect(resource).toEqual(BASE_USER);
  });

  it('applies operations in order (a later op sees an earlier one)', () => {
    const result = applyPatch(
      userResourceType,
      BASE_USER,
      body([
        { op: 'add', path: 'emails[type eq "home"].value', value: 'h@x' },
        { op: 'replace', path: 'emails[type eq "home"].display', value: 'Home' },
        { op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' },
      ]),
    );
    if (!result.ok) throw new Error(result.error.detail);
    expect(result.value.resource.emails).toEqual([
      { value: 'Ada.Lovelace@contoso.example', type: 'work', primary: false },
      { value: 'h@x', type: 'home', display: 'Home', primary: true },
    ]);
  });

  it('keeps readOnly attributes (id, meta, groups) of the input', () => {
    const result = applyPatch(
      userResourceType,
      BASE_USER,
      body([{ op: 'replace', path: 'title', value: 'X' }]),
    );
    if (!result.ok) throw new Error(result.error.detail);
    expect(result.value.resource.id).toBe('5401');
    expect(result.value.resource.meta).toEqual(BASE_USER.meta);
    expect(result.value.resource.groups).toEqual(BASE_USER.groups);
  });

  it('coerces every form Entra uses for active to a real boolean (checklist 32)', () => {
    for (const [value, expected] of [
      [false, false],
      ['False', false],
      ['false', false],
      [true, true],
      ['True', true],
    ] as const) {
      const result = applyPatch(
        userResourceType,
        user({ active: !expected }),
        body([{ op: 'Replace', path: 'active', value }]),
      );
      if (!result.ok) throw new Error(result.error.detail);
      expect(result.value.resource.active).toBe(expected);
      expect(result.value.changed).toBe(true);
    }
  });

  it('accepts op in every capitalisation (checklist 31)', () => {
    for (const op of ['add', 'Add', 'ADD', 'replace', 'Replace', 'REPLACE']) {
      const result = applyPatch(
        userResourceType,
        BASE_USER,
        body([{ op, path: 'nickName', value: 'Babs' }]),
      );
      expect(result.ok && result.value.resource.nickName).toBe('Babs');
    }
    for (const op of ['remove', 'Remove', 'REMOVE']) {
      const result = applyPatch(userResourceType, BASE_USER, body([{ op, path: 'title' }]));
      expect(result.ok && result.value.resource.title).toBe(undefined);
    }
  });

  it('Entra null-update: "" then null leave the attribute unassigned (checklist 40)', () => {
    let resource = user({ nickName: 'Babs' });
    for (const value of ['', null]) {
      const result = applyPatch(
        userResourceType,
        resource,
        body([{ op: 'Replace', path: 'nickName', value }]),
      );
      if (!result.ok) throw new Error(result.error.detail);
      expect('nickName' in result.value.resource).toBe(false);
      resource = result.value.resource;
    }
  });

  it('a PATCH result can be patched again with no change', () => {
    const first = applyPatch(
      userResourceType,
      BASE_USER,
      body([
        {
          op: 'replace',
          value: { 'name.givenName': 'Augusta', [`${ENTERPRISE}:employeeNumber`]: '7' },
        },
      ]),
    );
    if (!first.ok) throw new Error(first.error.detail);
    const second = applyPatch(
      userResourceType,
      first.value.resource,
      body([
        {
          op: 'replace',
          value: { 'name.givenName': 'Augusta', [`${ENTERPRISE}:employeeNumber`]: '7' },
        },
      ]),
    );
    expect(second.ok && second.value.changed).toBe(false);
  });
});
