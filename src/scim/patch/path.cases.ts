/**
 * PATCH path case table (RFC 7644 §3.5.2 and the paths IdPs send). Run by path.test.ts.
 */
import {
  and,
  cmp,
  coreUserUrn,
  enterpriseUrn,
  type ParserCase,
  pr,
  ref,
} from '../filter/parser.cases.ts';
import type { PatchPath } from './path.ts';

const S = 'RFC 7644 §3.5.2';

export const pathCases: readonly ParserCase<PatchPath>[] = [
  { rfc: S, input: 'active', expected: { attribute: ref('active') } },
  { rfc: S, input: 'members', expected: { attribute: ref('members') } },
  { rfc: S, input: 'name.givenName', expected: { attribute: ref('name', 'givenName') } },
  { rfc: S, input: 'name.familyName', expected: { attribute: ref('name', 'familyName') } },
  { rfc: 'Entra ID', input: 'displayName', expected: { attribute: ref('displayName') } },
  {
    rfc: S,
    input: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
    expected: {
      attribute: ref('members'),
      filter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646'),
    },
  },
  {
    rfc: 'Entra ID',
    input: 'emails[type eq "work"].value',
    expected: { attribute: ref('emails', 'value'), filter: cmp('type', 'eq', 'work') },
  },
  {
    rfc: 'Entra ID',
    input: 'addresses[type eq "work"].streetAddress',
    expected: { attribute: ref('addresses', 'streetAddress'), filter: cmp('type', 'eq', 'work') },
  },
  {
    rfc: 'Entra ID',
    input: 'phoneNumbers[type eq "mobile"].value',
    expected: { attribute: ref('phoneNumbers', 'value'), filter: cmp('type', 'eq', 'mobile') },
  },
  {
    rfc: 'Entra ID',
    input: 'roles[primary eq "True"].value',
    expected: { attribute: ref('roles', 'value'), filter: cmp('primary', 'eq', 'True') },
  },
  {
    rfc: S,
    input: 'emails[type eq "work" and primary eq true]',
    expected: {
      attribute: ref('emails'),
      filter: and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)),
    },
  },
  {
    rfc: S,
    input: 'x509Certificates[value pr]',
    expected: { attribute: ref('x509Certificates'), filter: pr('value') },
  },
  {
    rfc: 'Entra ID',
    input: `${enterpriseUrn}:manager`,
    expected: { attribute: ref('manager', undefined, enterpriseUrn) },
  },
  {
    rfc: 'Entra ID',
    input: `${enterpriseUrn}:employeeNumber`,
    expected: { attribute: ref('employeeNumber', undefined, enterpriseUrn) },
  },
  {
    rfc: S,
    input: `${enterpriseUrn}:manager.value`,
    expected: { attribute: ref('manager', 'value', enterpriseUrn) },
  },
  {
    rfc: S,
    input: `${coreUserUrn}:name.familyName`,
    expected: { attribute: ref('name', 'familyName', coreUserUrn) },
  },
  {
    rfc: S,
    input: `${coreUserUrn}:emails[type eq "work"].value`,
    expected: { attribute: ref('emails', 'value', coreUserUrn), filter: cmp('type', 'eq', 'work') },
  },
  {
    rfc: S,
    input: 'members[value eq "a:b]c"]',
    expected: { attribute: ref('members'), filter: cmp('value', 'eq', 'a:b]c') },
  },

  // Errors.
  { rfc: S, input: '', expected: { error: 'empty path' } },
  { rfc: S, input: 'name.givenName.x', expected: { error: 'at most one sub-attribute' } },
  {
    rfc: S,
    input: 'name.givenName[type eq "x"]',
    expected: { error: "unexpected '[' at position 14" },
  },
  {
    rfc: S,
    input: 'members[value eq "x"',
    expected: { error: "missing ']' for '[' at position 7" },
  },
  {
    rfc: S,
    input: 'members[value eq]',
    expected: { error: "expected a value after 'eq' at position 16, found ']'" },
  },
  {
    rfc: S,
    input: 'members[value eq',
    expected: { error: "unexpected end of path: expected a value after 'eq'" },
  },
  {
    rfc: S,
    input: 'members[value eq "x"] extra',
    expected: {
      error:
        "expected the end of the path or '.subAttribute' after ']' at position 22, found 'extra'",
    },
  },
  {
    rfc: S,
    input: 'emails[type eq "work"].value.x',
    expected: { error: "invalid attribute name 'value.x'" },
  },
  { rfc: S, input: 'emails[type eq "work"].', expected: { error: "invalid attribute name ''" } },
  {
    rfc: S,
    input: 'active eq true',
    expected: {
      error: "expected the end of the path or '[' after 'active' at position 7, found 'eq'",
    },
  },
  {
    rfc: S,
    input: 'emails[value eq "x"].value eq "y"',
    expected: { error: "expected the end of the path after '.value' at position 27, found 'eq'" },
  },
  {
    rfc: S,
    input: '"name"',
    expected: { error: 'expected an attribute path at position 0, found \'"name"\'' },
  },
  { rfc: S, input: 'emails[type[value pr]]', expected: { error: 'value paths cannot be nested' } },
  { rfc: 'Roster limit', input: 'a'.repeat(10_001), expected: { error: 'path is too long' } },
];
