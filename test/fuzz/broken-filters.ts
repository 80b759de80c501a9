/**
 * Filters and PATCH paths broken on purpose: generated valid ones damaged character by
 * character, and a catalogue of filters that are grammatical but refused, past a limit
 * (value paths, comparisons, length, nesting), mistyped, or holding escapes of NUL and unpaired
 * surrogates.
 */
import { type FuzzResource, generateFilter } from './filter-grammar.ts';
import type { Tenant } from './fuzz-world.ts';
import type { Random } from './random.ts';

export const PATH_SOUP = [
  '[',
  ']',
  '(',
  ')',
  '"',
  '\\',
  '.',
  ':',
  ' ',
  ' and ',
  ' or ',
  'not ',
  ' pr',
  ' eq ',
  '[type eq "work"]',
  '].value',
  '..',
  'urn:',
  '\u0000',
  '\\u0000',
  '\\ud800',
  '\ud800',
  '😀',
  '$ref',
  '[]',
  '[[',
  ']]',
  '""',
];

/** Damages text (a filter or a path) 1–3 times: deletions, insertions, duplications, cuts. */
export function mutateText(r: Random, text: string, soup: readonly string[] = PATH_SOUP): string {
  let out = text;
  for (let n = r.int(1, 3); n > 0; n--) {
    const at = r.int(0, out.length);
    out = r.weighted<() => string>([
      [4, () => out.slice(0, at) + r.pick(soup) + out.slice(at)],
      [3, () => out.slice(0, at) + out.slice(at + r.int(1, 6))],
      [1, () => out.slice(0, at)],
      [
        1,
        () =>
          out.slice(0, at) + out.slice(at, at + r.int(1, 20)).repeat(r.int(2, 4)) + out.slice(at),
      ],
      [1, () => out.slice(at) + out.slice(0, at)],
      [1, () => out.toUpperCase()],
    ])();
  }
  return out;
}

export const ODD_PATHS = [
  '',
  ' ',
  '.',
  '..',
  'emails[',
  'emails]',
  'emails[]',
  'emails[type eq "work"',
  'emails[type eq "work"]]',
  'emails[type eq "work"].',
  'emails[type eq "work"].value.display',
  'emails[value[type eq "x"]]',
  'emails[type eq "work"][type eq "home"]',
  'name.givenName.x',
  'name[givenName eq "x"]',
  'urn:',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value.x',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq "x"]',
  'urn:unknown:schema:attr',
  ':userName',
  'members[value eq "x"].display',
  'members[not (value pr)]',
  'groups',
  'groups[value eq "x"]',
  'id',
  'meta.version',
  'schemas',
  'password',
  'roles[primary eq "True"].value',
  'x509Certificates[value co "x"]',
  `emails[${'('.repeat(70)}type eq "x"${')'.repeat(70)}]`,
  `emails[${Array.from({ length: 200 }, () => 'type eq "x"').join(' or ')}]`,
  `${'a'.repeat(12_000)}`,
  'emails[type eq "\\u0000"].value',
  'emails[type eq "\\ud800"]',
  'emails[type eq 1e309]',
  'emails[primary eq "maybe"]',
  'emails[display gt true]',
  '$ref',
  'members.$ref',
  'not (emails pr)',
];

export const FILTER_SOUP = [
  ...PATH_SOUP,
  ' eq null',
  ' gt true',
  ' lt false',
  ' co 1e309',
  ' sw ',
  'emails[',
  'not(',
  '((',
  '))',
  ' and not (userName pr)',
  '\\"',
  '\t',
  '\n',
  '%',
  '+',
  '&',
  '#',
  '=',
];

/** Literals no store can keep (the README says: refused with 400 invalidValue). */
export const UNSTORABLE_LITERALS = [
  '"\\u0000"',
  '"a\\u0000"',
  '"\\ud800"',
  '"x\\udfff"',
  '"\\udbff\\udbff"',
  '"\\ud83d"',
];

export function tooMany(r: Random, unit: string, min: number, max: number, join = ' and '): string {
  return Array.from({ length: r.int(min, max) }, () => unit).join(join);
}

/** Filters that are grammatical but refused, or past a limit, or odd in one specific way. */
export function badFilter(r: Random, resource: FuzzResource, tenant: Tenant): string {
  const valid = () => generateFilter(r, resource, tenant.values).text;
  return r.weighted<() => string>([
    [6, () => mutateText(r, valid(), FILTER_SOUP)],
    [
      4,
      () => {
        // A valid filter whose first string literal cannot be stored.
        const text = valid();
        const literal = /"(?:[^"\\]|\\.)*"/.exec(text);
        const bad = r.pick(UNSTORABLE_LITERALS);
        return literal ? text.replace(literal[0], bad) : `userName eq ${bad}`;
      },
    ],
    [1, () => tooMany(r, 'emails[type eq "work"]', 11, 60)],
    [1, () => tooMany(r, 'emails.value co "a"', 11, 60, ' or ')],
    [1, () => tooMany(r, 'userName eq "x@example.com"', 101, 800, ' or ')],
    [1, () => `userName eq "${'x'.repeat(r.int(10_001, 12_000))}"`],
    [
      1,
      () => {
        const n = r.int(60, 3000);
        return `${'('.repeat(n)}userName pr${')'.repeat(n)}`;
      },
    ],
    [1, () => `${'not ('.repeat(r.int(60, 500))}title pr${')'.repeat(r.int(60, 500))}`],
    [1, () => `emails[${'('.repeat(r.int(60, 200))}type eq "work"${')'.repeat(r.int(60, 200))}]`],
    [
      8,
      () =>
        r.pick([
          'active gt 5',
          'active eq "maybe"',
          'active co true',
          'meta.created eq "notadate"',
          'meta.created gt 5',
          'meta.created gt "+275760-09-13T00:00:00.001Z"',
          'meta.created lt "-271821-04-20T00:00:00.000Z"',
          'meta.lastModified ge "+275760-09-13T00:00:00.000Z"',
          'meta.created eq "2025-02-30T00:00:00Z"',
          'meta.created eq "1"',
          'meta.created gt "0"',
          'meta.created co "Tue, 01 Jan 2025 00:00:00 GMT"',
          'meta.created lt "2025-01-01T00:00:00+99:99"',
          'meta.lastModified gt null',
          'emails eq true',
          'emails.primary eq "yes"',
          'name eq "x"',
          'addresses eq "x"',
          'meta pr',
          'meta eq "x"',
          'meta.version eq "W/\\"1\\""',
          'meta.location eq "x"',
          'meta.resourceType eq 5',
          'password eq "x"',
          'password pr',
          'groups.$ref eq "x"',
          'members.$ref eq "x"',
          'manager.$ref pr',
          'id gt null',
          'userName co null',
          'unknown eq 1',
          'urn:x:y:z eq 1',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:unknown eq 1',
          'urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"',
          'urn:ietf:params:scim:schemas:core:2.0:User:members eq "x"',
          'emails[value[type eq "x"]]',
          'emails[type eq "work"].value.x eq "y"',
          'emails[type eq "work"].unknown eq "y"',
          'emails[urn:x:value eq "x"]',
          'emails[value.sub eq "x"]',
          'emails[type eq "work"] eq "x"',
          'name.givenName[value eq "x"]',
          'userName[value eq "x"]',
          'a.b.c eq 1',
          'not emails pr',
          'emails[]',
          'userName eq',
          'eq "x"',
          'userName "x"',
          'userName eq "x" and',
          'userName eq "x" or or title pr',
          '()',
          '(userName pr',
          'userName pr)',
          'userName eq 1e309',
          'userName eq -1e309',
          'userName eq 01',
          'userName eq .5',
          'userName eq "\\x41"',
          'userName eq "\\u12"',
          'userName eq "unterminated',
          "userName eq 'single'",
          'userName eq bare',
          'userName eq True and active eq NULL',
          'userName eq "a" and not',
          'not (not (not (userName pr)))',
          'userName pr pr',
          'title pr and',
          'emails[type eq "work"].value eq "x" and emails[type eq "home"].value eq "y"',
          'roles[value eq "admin"]',
          'roles.value eq "x" or not (roles pr)',
          'entitlements[value co "x"]',
          'x509Certificates.value eq "AAAA"',
          'groups[not (type eq "x")]',
          'not (groups[display co "x"])',
          'members[not (value eq "x")]',
          'members[display co "a" and not (type pr)]',
          'emails[not (type eq "work") and value co "@"]',
          'phoneNumbers[not (primary eq true)]',
          'addresses[not (country eq "US")] or addresses.locality pr',
          'displayName eq "\u0000"',
          `id eq "${'\\ud800'.repeat(30)}"`,
        ]),
    ],
  ])();
}
