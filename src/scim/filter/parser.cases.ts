/**
 * Filter parser case table: every case cites the RFC text or the IdP that sends the form.
 * Run by parser.test.ts.
 */
import type { AttributeReference } from '../schemas/resolve-attribute.ts';
import type { CompareOperator, Filter, FilterValue } from './ast.ts';

export type Source =
  | 'RFC 7644 §3.4.2.2'
  | 'RFC 7644 §3.4.2.2 Figure 1'
  | 'RFC 7644 §3.4.2.2 Figure 2'
  | 'RFC 7644 §3.5.2'
  | 'RFC 7643 §2.1'
  | 'RFC 8259 §6'
  | 'RFC 8259 §7'
  | 'Entra ID'
  | 'Okta'
  | 'PingOne'
  | 'Roster limit';

export interface ParserCase<T> {
  readonly rfc: Source;
  readonly input: string;
  /** The parsed value, or a substring of the error message. */
  readonly expected: T | { readonly error: string };
}

export const enterpriseUrn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const coreUserUrn = 'urn:ietf:params:scim:schemas:core:2.0:User';

export function ref(name: string, subAttribute?: string, uri?: string): AttributeReference {
  return {
    ...(uri === undefined ? {} : { uri }),
    name,
    ...(subAttribute === undefined ? {} : { subAttribute }),
  };
}

function path(written: string | AttributeReference): AttributeReference {
  if (typeof written !== 'string') return written;
  const [name = '', subAttribute] = written.split('.');
  return ref(name, subAttribute);
}

export function cmp(
  attribute: string | AttributeReference,
  op: CompareOperator,
  value: FilterValue,
): Filter {
  return { kind: 'compare', path: path(attribute), op, value };
}

export function pr(attribute: string | AttributeReference): Filter {
  return { kind: 'present', path: path(attribute) };
}

export const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
export const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
export const not = (filter: Filter): Filter => ({ kind: 'not', filter });
export const valuePath = (attribute: string | AttributeReference, filter: Filter): Filter => ({
  kind: 'valuePath',
  path: path(attribute),
  filter,
});

const S = 'RFC 7644 §3.4.2.2';
const abnf = 'RFC 7644 §3.4.2.2 Figure 1';
const examples = 'RFC 7644 §3.4.2.2 Figure 2';

export const filterCases: readonly ParserCase<Filter>[] = [
  // Every attribute operator (RFC 7644 §3.4.2.2).
  { rfc: examples, input: 'userName eq "bjensen"', expected: cmp('userName', 'eq', 'bjensen') },
  { rfc: S, input: 'userName ne "bjensen"', expected: cmp('userName', 'ne', 'bjensen') },
  {
    rfc: examples,
    input: 'name.familyName co "O\'Malley"',
    expected: cmp('name.familyName', 'co', "O'Malley"),
  },
  { rfc: examples, input: 'userName sw "J"', expected: cmp('userName', 'sw', 'J') },
  { rfc: S, input: 'userName ew "son"', expected: cmp('userName', 'ew', 'son') },
  { rfc: examples, input: 'title pr', expected: pr('title') },
  {
    rfc: examples,
    input: 'meta.lastModified gt "2011-05-13T04:42:34Z"',
    expected: cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z'),
  },
  {
    rfc: examples,
    input: 'meta.lastModified ge "2011-05-13T04:42:34Z"',
    expected: cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z'),
  },
  {
    rfc: examples,
    input: 'meta.lastModified lt "2011-05-13T04:42:34Z"',
    expected: cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z'),
  },
  {
    rfc: examples,
    input: 'meta.lastModified le "2011-05-13T04:42:34Z"',
    expected: cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z'),
  },

  // Case-insensitive operators, keywords and literals; attribute names kept as written.
  { rfc: S, input: 'UserName EQ "x"', expected: cmp('UserName', 'eq', 'x') },
  { rfc: 'PingOne', input: 'username Eq "%s"', expected: cmp('username', 'eq', '%s') },
  { rfc: 'PingOne', input: 'email Co "%s"', expected: cmp('email', 'co', '%s') },
  { rfc: S, input: 'title PR', expected: pr('title') },
  {
    rfc: S,
    input: 'a eq 1 AND b eq 2 Or NOT (c pr)',
    expected: or(and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), not(pr('c'))),
  },
  { rfc: S, input: 'active eq TRUE', expected: cmp('active', 'eq', true) },
  { rfc: 'Entra ID', input: 'active eq False', expected: cmp('active', 'eq', false) },
  { rfc: abnf, input: 'nickName eq null', expected: cmp('nickName', 'eq', null) },

  // Precedence: grouping, then not > and > or; and/or left-associative.
  {
    rfc: S,
    input: 'a eq 1 or b eq 2 and c eq 3',
    expected: or(cmp('a', 'eq', 1), and(cmp('b', 'eq', 2), cmp('c', 'eq', 3))),
  },
  {
    rfc: S,
    input: 'a eq 1 and b eq 2 or c eq 3',
    expected: or(and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3)),
  },
  {
    rfc: S,
    input: '(a eq 1 or b eq 2) and c eq 3',
    expected: and(or(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3)),
  },
  {
    rfc: S,
    input: 'a pr and b pr and c pr',
    expected: and(and(pr('a'), pr('b')), pr('c')),
  },
  { rfc: S, input: 'a pr or b pr or c pr', expected: or(or(pr('a'), pr('b')), pr('c')) },
  {
    rfc: examples,
    input: 'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    expected: and(
      cmp('userType', 'eq', 'Employee'),
      or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')),
    ),
  },
  { rfc: S, input: '((title pr))', expected: pr('title') },

  // not forms.
  {
    rfc: examples,
    input:
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    expected: and(
      cmp('userType', 'ne', 'Employee'),
      not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))),
    ),
  },
  { rfc: abnf, input: 'not(title pr)', expected: not(pr('title')) },
  { rfc: abnf, input: 'not  (title pr)', expected: not(pr('title')) },
  {
    rfc: S,
    input: 'not (a pr) and b pr',
    expected: and(not(pr('a')), pr('b')),
  },
  { rfc: S, input: 'not(not(a pr))', expected: not(not(pr('a'))) },
  { rfc: 'RFC 7643 §2.1', input: 'not pr', expected: pr('not') },

  // URN-qualified attribute paths: split at the last ':' (the URN contains "2.0").
  {
    rfc: abnf,
    input: `${coreUserUrn}:userName eq "x"`,
    expected: cmp(ref('userName', undefined, coreUserUrn), 'eq', 'x'),
  },
  {
    rfc: abnf,
    input: `${coreUserUrn}:name.familyName sw "J"`,
    expected: cmp(ref('name', 'familyName', coreUserUrn), 'sw', 'J'),
  },
  {
    rfc: abnf,
    input: `${enterpriseUrn}:employeeNumber eq "701984"`,
    expected: cmp(ref('employeeNumber', undefined, enterpriseUrn), 'eq', '701984'),
  },
  {
    rfc: 'Entra ID',
    input: `${enterpriseUrn}:manager.value eq "x"`,
    expected: cmp(ref('manager', 'value', enterpriseUrn), 'eq', 'x'),
  },
  { rfc: S, input: 'members.$ref pr', expected: pr(ref('members', '$ref')) },

  // Values: JSON strings with every escape, JSON numbers.
  { rfc: 'RFC 8259 §7', input: 'userName eq "a\\"b"', expected: cmp('userName', 'eq', 'a"b') },
  {
    rfc: 'RFC 8259 §7',
    input: 'userName eq "\\\\ \\/ \\b\\f\\n\\r\\t"',
    expected: cmp('userName', 'eq', '\\ / \b\f\n\r\t'),
  },
  {
    rfc: 'RFC 8259 §7',
    input: 'userName eq "Ren\\u00E9e"',
    expected: cmp('userName', 'eq', 'Renée'),
  },
  {
    rfc: 'RFC 8259 §7',
    input: 'displayName eq "\\ud83d\\ude00"',
    expected: cmp('displayName', 'eq', '😀'),
  },
  {
    rfc: S,
    input: 'displayName eq "a (b) [c] and or"',
    expected: cmp('displayName', 'eq', 'a (b) [c] and or'),
  },
  { rfc: 'RFC 8259 §6', input: 'x eq 42', expected: cmp('x', 'eq', 42) },
  { rfc: 'RFC 8259 §6', input: 'x gt -1.5e3', expected: cmp('x', 'gt', -1500) },
  { rfc: 'RFC 8259 §6', input: 'x lt 0.25E-2', expected: cmp('x', 'lt', 0.0025) },

  // Value paths (valuePath = attrPath "[" valFilter "]").
  {
    rfc: examples,
    input: 'emails[type eq "work" and value co "@example.com"]',
    expected: valuePath(
      'emails',
      and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')),
    ),
  },
  {
    rfc: examples,
    input:
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    expected: or(
      valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
      valuePath('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
    ),
  },
  {
    rfc: abnf,
    input: 'emails[type eq "work" or not (primary eq true)]',
    expected: valuePath('emails', or(cmp('type', 'eq', 'work'), not(cmp('primary', 'eq', true)))),
  },
  {
    rfc: abnf,
    input: 'not (emails[type eq "work"]) and userName pr',
    expected: and(not(valuePath('emails', cmp('type', 'eq', 'work'))), pr('userName')),
  },
  {
    rfc: abnf,
    input: `${coreUserUrn}:emails[value ew ".org"]`,
    expected: valuePath(ref('emails', undefined, coreUserUrn), cmp('value', 'ew', '.org')),
  },

  // Entra's non-RFC form: the trailing comparison joins the element filter.
  {
    rfc: 'Entra ID',
    input: 'emails[type eq "work"].value eq "ada@contoso.example"',
    expected: valuePath(
      'emails',
      and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'ada@contoso.example')),
    ),
  },
  {
    rfc: 'Entra ID',
    input: 'emails[type eq "work"].value pr and active eq true',
    expected: and(
      valuePath('emails', and(cmp('type', 'eq', 'work'), pr('value'))),
      cmp('active', 'eq', true),
    ),
  },

  // Whitespace: decoded `+` gives runs of spaces; tabs too.
  { rfc: 'Entra ID', input: '  userName   eq\t"x"  ', expected: cmp('userName', 'eq', 'x') },
  {
    rfc: 'Okta',
    input: 'userName eq "ada.lovelace@contoso.example"',
    expected: cmp('userName', 'eq', 'ada.lovelace@contoso.example'),
  },

  // Errors.
  { rfc: 'RFC 7644 §3.4.2.2', input: '', expected: { error: 'empty filter' } },
  { rfc: 'RFC 7644 §3.4.2.2', input: '   \t ', expected: { error: 'empty filter' } },
  {
    rfc: abnf,
    input: 'userName xx "a"',
    expected: {
      error: "expected a comparison operator after 'userName' at position 9, found 'xx'",
    },
  },
  {
    rfc: abnf,
    input: 'userName',
    expected: {
      error: "unexpected end of filter: expected a comparison operator after 'userName'",
    },
  },
  {
    rfc: abnf,
    input: 'userName eq',
    expected: { error: "unexpected end of filter: expected a value after 'eq'" },
  },
  {
    rfc: 'RFC 8259 §7',
    input: 'userName eq "abc',
    expected: { error: 'unterminated string starting at position 12' },
  },
  {
    rfc: 'RFC 8259 §7',
    input: 'userName eq "a\\"',
    expected: { error: 'unterminated string starting at position 12' },
  },
  {
    rfc: 'RFC 8259 §7',
    input: 'userName eq "a\\qb"',
    expected: { error: "invalid escape '\\q' in string at position 14" },
  },
  {
    rfc: 'RFC 8259 §7',
    input: 'userName eq "\\u12G4"',
    expected: { error: 'invalid unicode escape' },
  },
  {
    rfc: abnf,
    input: 'userName eq bjensen',
    expected: { error: "expected a value after 'eq' at position 12, found 'bjensen'" },
  },
  { rfc: 'RFC 8259 §6', input: 'x eq 01', expected: { error: "found '01'" } },
  { rfc: 'RFC 8259 §6', input: 'x eq 1e999', expected: { error: 'out of range' } },
  { rfc: S, input: '(title pr', expected: { error: "missing ')' for '(' at position 0" } },
  {
    rfc: S,
    input: '(a pr b pr)',
    expected: { error: "expected 'and', 'or' or ')' after 'pr' at position 6, found 'b'" },
  },
  {
    rfc: S,
    input: 'title pr)',
    expected: { error: "unexpected ')' at position 8 with no matching '('" },
  },
  {
    rfc: S,
    input: 'a pr b pr',
    expected: { error: "expected 'and' or 'or' after 'pr' at position 5, found 'b'" },
  },
  {
    rfc: S,
    input: 'a pr and',
    expected: {
      error: "unexpected end of filter: expected an attribute path, 'not' or '(' after 'and'",
    },
  },
  {
    rfc: S,
    input: 'or a pr',
    expected: { error: "expected a comparison operator after 'or' at position 3, found 'a'" },
  },
  {
    rfc: abnf,
    input: 'not a pr',
    expected: {
      error: "expected '(' (not applies to a filter in parentheses) after 'not' at position 4",
    },
  },
  { rfc: abnf, input: 'not', expected: { error: "unexpected end of filter: expected '('" } },
  {
    rfc: S,
    input: '()',
    expected: {
      error: "expected an attribute path, 'not' or '(' after '(' at position 1, found ')'",
    },
  },
  {
    rfc: abnf,
    input: 'emails[type eq "work"',
    expected: { error: "missing ']' for '[' at position 6" },
  },
  {
    rfc: abnf,
    input: 'emails[]',
    expected: { error: "expected a filter after '[' at position 7, found ']'" },
  },
  {
    rfc: abnf,
    input: 'emails[type eq "work" and x[y pr]]',
    expected: { error: "value paths cannot be nested: unexpected '[' at position 27" },
  },
  {
    rfc: abnf,
    input: 'name.givenName[x pr]',
    expected: { error: "unexpected '[' at position 14" },
  },
  {
    rfc: 'Entra ID',
    input: 'emails[type eq "work"].value',
    expected: { error: "expected a comparison operator after '.value'" },
  },
  { rfc: abnf, input: 'a.b.c pr', expected: { error: 'at most one sub-attribute' } },
  {
    rfc: abnf,
    input: '1abc pr',
    expected: { error: "expected an attribute path at position 0, found '1abc'" },
  },
  { rfc: abnf, input: 'name.1x pr', expected: { error: "invalid attribute name '1x'" } },
  {
    rfc: abnf,
    input: `${enterpriseUrn}: pr`,
    expected: { error: 'expected an attribute name after the schema URI' },
  },
  { rfc: abnf, input: ':userName pr', expected: { error: "invalid schema URI ''" } },
  {
    rfc: abnf,
    input: '"userName" eq "x"',
    expected: { error: "expected an attribute path, 'not' or '(' at position 0" },
  },
  {
    rfc: 'Roster limit',
    input: `${'('.repeat(65)}a pr${')'.repeat(65)}`,
    expected: { error: 'filter nests too deeply at position 64' },
  },
  {
    rfc: 'Roster limit',
    input: `${'not ('.repeat(100)}a pr${')'.repeat(100)}`,
    expected: { error: 'nests too deeply' },
  },
  {
    rfc: 'Roster limit',
    input: `userName eq "${'x'.repeat(10_000)}"`,
    expected: { error: 'filter is too long' },
  },
];
