/**
 * Differential test: RFC-conformant operations run through our engine and through the
 * devDependency `scim-patch` (an independent RFC 7644 §3.5.2 implementation, used only here as an
 * oracle) must give the same resource. Only forms both engines specify identically are listed;
 * the IdP-specific forms (create-on-absent, remove with value, string booleans) are ours alone.
 */
import { type ScimPatchOperation, type ScimResource, scimPatch } from 'scim-patch';
import { describe, expect, it } from 'vitest';
import { normalizeResource, type Resource } from '../resources/normalize-resource.ts';
import { userResourceType } from '../schemas/resource-types.ts';
import { BASE_USER, ENTERPRISE } from './apply-patch.cases.ts';
import { applyPatch } from './apply-patch.ts';
import { PATCH_OP_SCHEMA } from './patch-operation.ts';

const oracleCases: readonly { name: string; operations: ScimPatchOperation[] }[] = [
  {
    name: 'replace a simple attribute',
    operations: [{ op: 'replace', path: 'title', value: 'Countess' }],
  },
  {
    name: 'add a new simple attribute',
    operations: [{ op: 'add', path: 'nickName', value: 'Babs' }],
  },
  {
    name: 'replace a sub-attribute',
    operations: [{ op: 'replace', path: 'name.givenName', value: 'Augusta' }],
  },
  { name: 'remove a simple attribute', operations: [{ op: 'remove', path: 'title' }] },
  { name: 'remove a sub-attribute', operations: [{ op: 'remove', path: 'name.familyName' }] },
  {
    name: 'add to a multi-valued attribute',
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'a@home.example', type: 'home' }] }],
  },
  {
    name: 'replace a multi-valued attribute',
    operations: [{ op: 'replace', path: 'roles', value: [{ value: 'Support' }] }],
  },
  {
    name: 'replace a value-path sub-attribute',
    operations: [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada@contoso.example' },
    ],
  },
  {
    name: 'remove by value path',
    operations: [{ op: 'remove', path: 'roles[value eq "Admin"]' }],
  },
  {
    name: 'path-less replace',
    operations: [{ op: 'replace', value: { displayName: 'Ada King', active: false } }],
  },
  {
    name: 'add merges into a complex attribute',
    operations: [{ op: 'add', path: 'name', value: { honorificPrefix: 'Countess' } }],
  },
  {
    name: 'extension attribute by URN path',
    operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'R&D' }],
  },
  {
    name: 'several operations in sequence',
    operations: [
      { op: 'add', path: 'locale', value: 'en-GB' },
      { op: 'replace', path: 'name.familyName', value: 'King' },
      { op: 'remove', path: 'phoneNumbers' },
    ],
  },
];

function canonical(resource: unknown): Resource {
  const result = normalizeResource(userResourceType, resource, { keepReadOnly: true });
  if (!result.ok) throw new Error(result.error.detail);
  return result.value;
}

describe('applyPatch agrees with scim-patch on RFC-conformant operations', () => {
  for (const c of oracleCases) {
    it(c.name, () => {
      const ours = applyPatch(userResourceType, BASE_USER, {
        schemas: [PATCH_OP_SCHEMA],
        Operations: c.operations,
      });
      if (!ours.ok) throw new Error(ours.error.detail);
      const theirs = scimPatch(
        structuredClone(BASE_USER) as unknown as ScimResource,
        c.operations,
        {
          mutateDocument: false,
          treatMissingAsAdd: true,
        },
      );
      expect(ours.value.resource).toEqual(canonical(theirs));
      expect(ours.value.changed).toBe(true);
    });
  }
});
