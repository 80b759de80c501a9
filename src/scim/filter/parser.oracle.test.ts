/**
 * Differential test: valid RFC 7644 §3.4.2.2 filters parsed by our parser and by the
 * `scim2-parse-filter` devDependency (a test oracle only) must give the same tree once its AST
 * is converted to ours. Inputs avoid its known gaps (JSON escapes other than \", `$ref`,
 * capitalised literals, negative numbers before the end of input, Entra's `].value` form,
 * which it models differently).
 */
import { type Filter as OracleFilter, parse as oracleParse } from 'scim2-parse-filter';
import { describe, expect, it } from 'vitest';
import type { AttributeReference } from '../schemas/resolve-attribute.ts';
import type { Filter } from './ast.ts';
import { parseFilter } from './parser.ts';

/** The oracle keeps paths as strings: split at the last ':' then at '.', as RFC 7644 §3.10. */
function toReference(attrPath: string): AttributeReference {
  const colon = attrPath.lastIndexOf(':');
  const [name = '', subAttribute] = attrPath.slice(colon + 1).split('.');
  return {
    ...(colon >= 0 ? { uri: attrPath.slice(0, colon) } : {}),
    name,
    ...(subAttribute === undefined ? {} : { subAttribute }),
  };
}

/** Converts the oracle's tree (n-ary and/or) to ours (binary, left-associative). */
function convert(filter: OracleFilter): Filter {
  switch (filter.op) {
    case 'and':
    case 'or': {
      const kind = filter.op;
      const [first, ...rest] = filter.filters.map(convert);
      if (!first) throw new Error('empty logical expression from the oracle');
      return rest.reduce<Filter>((left, right) => ({ kind, left, right }), first);
    }
    case 'not':
      return { kind: 'not', filter: convert(filter.filter) };
    case '[]':
      return {
        kind: 'valuePath',
        path: toReference(filter.attrPath),
        filter: convert(filter.valFilter),
      };
    case 'pr':
      return { kind: 'present', path: toReference(filter.attrPath) };
    default:
      return {
        kind: 'compare',
        path: toReference(filter.attrPath),
        op: filter.op,
        value: filter.compValue,
      };
  }
}

const filters = [
  'userName eq "bjensen"',
  'name.familyName co "O\'Malley"',
  'userName sw "J"',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
  'title pr',
  'meta.lastModified gt "2011-05-13T04:42:34Z"',
  'meta.lastModified ge "2011-05-13T04:42:34Z"',
  'meta.lastModified lt "2011-05-13T04:42:34Z"',
  'meta.lastModified le "2011-05-13T04:42:34Z"',
  'title pr and userType eq "Employee"',
  'title pr or userType eq "Intern"',
  'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
  'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
  'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
  'userType eq "Employee" and (emails.type eq "work")',
  'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
  'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
  'a eq 1 or b eq 2 and c eq 3',
  'a eq 1 and b eq 2 or c eq 3 and d eq 4',
  'a eq 1 and b eq 2 and c eq 3',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"',
  'UserName EQ "x" AND active eq true',
  'y lt 0.25 and z eq null and w eq false and x gt -1.5e3',
  'userName eq "a\\"b"',
  'not (a pr) and b pr',
];

describe('parseFilter agrees with scim2-parse-filter', () => {
  for (const input of filters) {
    it(input, () => {
      const ours = parseFilter(input);
      expect(ours.ok).toBe(true);
      if (ours.ok) expect(ours.value).toEqual(convert(oracleParse(input)));
    });
  }
});
