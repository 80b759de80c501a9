/**
 * Conditions compiled once per shape (`condition-shapes.ts`) give exactly the SQL and parameters
 * a fresh compile gives, for the request that introduced the shape and for later ones with other
 * values, on both dialects, across the filter grammar IdPs and admins use.
 */
import { describe, expect, it } from 'vitest';
import { withScimVisibility } from '../../src/http/scim/user-visibility.ts';
import { parseFilter } from '../../src/scim/filter/parser.ts';
import { toGroupCondition } from '../../src/scim/filter/to-group-condition.ts';
import { toUserCondition } from '../../src/scim/filter/to-user-condition.ts';
import { conditionShapes } from '../../src/store/sql/condition-shapes.ts';
import { conditionToSql } from '../../src/store/sql/condition-to-sql.ts';
import { postgresQuirks, sqliteQuirks } from '../../src/store/sql/dialect-quirks.ts';
import { groupTable } from '../../src/store/sql/groups.ts';
import { SqlFragment } from '../../src/store/sql/sql-fragment.ts';
import { userConditionToSql, userTable } from '../../src/store/sql/user-condition-to-sql.ts';

/** Each filter with `$` for its string operands, filled with two different value sets. */
const FILTERS = [
  'userName eq "$"',
  'externalId eq "$"',
  'emails[type eq "$"].value eq "$"',
  'emails[type eq "$" and value co "$"]',
  'userName sw "$" or displayName ew "$"',
  'not (title co "$") and not (title co "$")',
  'name.givenName ne "$"',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "$"',
  'groups[display co "$"]',
  'groups[not (type eq "$")]',
  'addresses[locality eq "$"].postalCode gt "$"',
  'meta.lastModified gt "2026-01-01T00:00:00Z" and userName eq "$"',
  'active eq true and title pr and userName eq "$"',
  'displayName eq null or nickName eq "$"',
];
const VALUES = [
  ['Ada@Example.com', 'WORK', 'x_y%z\\', 'Sales', 'ÉCOLE'],
  ['grace@example.org', 'home', '100%', 'R&D', 'straße'],
];

function fill(filter: string, values: readonly string[]): string {
  let n = 0;
  return filter.replace(/\$/g, () => (values[n++ % values.length] as string).replace(/"/g, ''));
}

function userCondition(filter: string) {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`${filter}: ${parsed.error.message}`);
  const condition = toUserCondition(parsed.value);
  if (!condition.ok) throw new Error(`${filter}: ${condition.error.detail}`);
  return withScimVisibility(condition.value);
}

describe.each([
  ['sqlite', sqliteQuirks],
  ['postgres', postgresQuirks],
] as const)('condition shapes (%s)', (_name, quirks) => {
  it('compile users’ conditions exactly as a fresh compile does, for every value set', () => {
    for (const filter of FILTERS) {
      for (const values of VALUES) {
        for (const accountId of ['acct-1', 'acct-2']) {
          const condition = userCondition(fill(filter, values));
          const fresh = conditionToSql(condition, accountId, quirks, userTable);
          const cached = userConditionToSql(condition, accountId, quirks);
          expect([cached.strings, cached.values], fill(filter, values)).toEqual([
            fresh.strings,
            fresh.values,
          ]);
        }
      }
    }
  });

  it('never caches a shape whose parameters it cannot derive, and still compiles it', () => {
    // A compiler whose SQL text depends on an operand's length: no marker can stand for that.
    const compile = conditionShapes(
      (condition) =>
        new SqlFragment(
          [`1 = ${String(condition.kind === 'compare' && String(condition.value).length)}`],
          [],
        ),
    );
    const condition = (value: string) =>
      ({
        kind: 'compare',
        field: { kind: 'column', column: 'userName' },
        op: 'eq',
        value,
        caseExact: false,
      }) as const;
    expect(compile(condition('ab'), 'a').strings).toEqual(['1 = 2']);
    expect(compile(condition('abc'), 'a').strings).toEqual(['1 = 3']);
    expect(compile(condition('abcd'), 'a').strings).toEqual(['1 = 4']);
  });

  it('compile groups’ conditions exactly as a fresh compile does', () => {
    for (const filter of ['displayName eq "$"', 'members[value eq "$"]', 'externalId sw "$"']) {
      for (const values of VALUES) {
        const parsed = parseFilter(fill(filter, values));
        if (!parsed.ok) throw new Error(filter);
        const condition = toGroupCondition(parsed.value);
        if (!condition.ok) throw new Error(filter);
        const table = groupTable;
        const fresh = conditionToSql(condition.value, 'acct', quirks, table);
        const cached = conditionShapes((c, a) => conditionToSql(c, a, quirks, table));
        const first = cached(condition.value, 'acct');
        const again = cached(condition.value, 'acct');
        expect([first.strings, first.values]).toEqual([fresh.strings, fresh.values]);
        expect([again.strings, again.values]).toEqual([fresh.strings, fresh.values]);
      }
    }
  });
});
