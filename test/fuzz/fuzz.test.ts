/**
 * The hardening issue's fuzz (`npm run fuzz`, bench/fuzz.ts) at a size the suite can afford:
 * with a fixed seed, 1,000 valid filters and 3,000 malformed requests against a real
 * `roster serve` process per store, and not one answer of 500 or more, no timeout, no
 * cross-tenant leak, and a server that still works afterwards. Before that, the generator
 * itself is checked: its filters are valid for the server's parser and translator, and for an
 * independent parser (scim2-parse-filter) where that one understands the syntax.
 */
import { parse as oracleParse } from 'scim2-parse-filter';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/scim/filter/parser.ts';
import { toGroupCondition } from '../../src/scim/filter/to-group-condition.ts';
import { toUserCondition } from '../../src/scim/filter/to-user-condition.ts';
import { parseListParameters } from '../../src/scim/list-query.ts';
import { postgresAvailable } from '../helpers/test-store.ts';
import {
  FILTER_LIMITS,
  type FilterValues,
  generateFilter,
  generateListRequest,
} from './filter-grammar.ts';
import type { FailureGroup } from './fuzz-run.ts';
import { type FuzzStore, fuzzStore } from './fuzz-store.ts';
import { Random } from './random.ts';

const SEED = 'roster-fuzz-ci';

const values: FilterValues = {
  strings: [
    'ada@example.com',
    'Engineering',
    'Sales Rep',
    "O'Malley",
    'Zoë',
    '100% Remote Analyst',
    '',
  ],
  ids: ['0190a0b0-0000-7000-8000-000000000000'],
};

/**
 * Whether scim2-parse-filter understands `text`: it reads no JSON escape but \", no capitalised
 * literal, no negative number, no `$ref`, no Entra `].value` form, single spaces only.
 */
function oracleReads(text: string): boolean {
  const bare = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (/\\(?!")/.test(text) || /\]\.|[\t\n]| {2}|-\d|\$ref/.test(bare)) return false;
  return [...bare.matchAll(/\b(?:true|false|null)\b/gi)].every(
    ([word]) => word === word.toLowerCase(),
  );
}

describe('the valid-filter generator', () => {
  it('generates filters the server parses and translates, within the documented limits', () => {
    let oracleChecked = 0;
    for (let i = 0; i < 3000; i++) {
      const resource = i % 3 === 0 ? 'Group' : 'User';
      const filter = generateFilter(Random.for(SEED, 'generator', i), resource, values);
      expect(filter.comparisons).toBeLessThanOrEqual(FILTER_LIMITS.comparisons);
      expect(filter.valuePaths).toBeLessThanOrEqual(FILTER_LIMITS.valuePaths);
      expect(filter.text.length).toBeLessThanOrEqual(FILTER_LIMITS.characters);
      const parsed = parseFilter(filter.text);
      expect(parsed, filter.text).toMatchObject({ ok: true });
      if (!parsed.ok) continue;
      const condition =
        resource === 'User' ? toUserCondition(parsed.value) : toGroupCondition(parsed.value);
      expect(condition.ok ? 'ok' : condition.error.detail, filter.text).toBe('ok');
      if (oracleReads(filter.text)) {
        expect(() => oracleParse(filter.text), filter.text).not.toThrow();
        oracleChecked++;
      }
    }
    // The independent parser judged a fair share of them.
    expect(oracleChecked).toBeGreaterThan(500);
  });

  it('generates list parameters the server accepts', () => {
    for (let i = 0; i < 1000; i++) {
      const list = generateListRequest(Random.for(SEED, 'list', i), 'User', values);
      const parsed = parseListParameters(list.parameters);
      expect(parsed.ok ? 'ok' : parsed.error.detail, JSON.stringify(list.parameters)).toBe('ok');
    }
  });

  it('is reproducible: one seed and index, one filter', () => {
    const a = generateFilter(Random.for(SEED, 'filters', 42), 'User', values).text;
    const b = generateFilter(Random.for(SEED, 'filters', 42), 'User', values).text;
    const c = generateFilter(Random.for(SEED, 'filters', 43), 'User', values).text;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

/**
 * 5xx already known and being fixed elsewhere (not in this suite's power to fix): reported by
 * the run, not failed on. Each entry names the store, the server's error and who fixes it.
 * Remove an entry when its fix lands; `npm run fuzz` reports these at full size either way.
 */
const KNOWN_5XX: readonly { store: FuzzStore; serverError: RegExp; why: string }[] = [];

function describeGroup(group: FailureGroup): string {
  const r = group.reproduction;
  return `${group.kind} ${r.status ?? ''} ${group.template} ×${group.count}: ${group.serverError ?? group.detail}\n  ${r.curl.slice(0, 1500)}`;
}

const pgAvailable = await postgresAvailable();

for (const store of ['sqlite', 'postgres'] as const) {
  describe.skipIf(store === 'postgres' && !pgAvailable)(`the bounded fuzz (${store})`, () => {
    it('answers 1,000 valid filters and 3,000 malformed requests below 500', {
      timeout: 240_000,
    }, async () => {
      const report = await fuzzStore({
        store,
        seed: SEED,
        users: 150,
        filters: 1000,
        malformed: 3000,
        concurrency: 4,
        timeoutMs: 30_000,
        slowMs: 5000,
        maxShrunk: 5,
      });
      const known = (group: FailureGroup) =>
        KNOWN_5XX.some((k) => k.store === store && k.serverError.test(group.serverError ?? ''));
      const unknown = report.groups.filter((group) => !known(group));
      for (const group of report.groups.filter(known)) {
        console.warn(`known 5xx, being fixed elsewhere: ${describeGroup(group)}`);
      }
      expect(unknown.map(describeGroup), 'new 5xx, timeouts or connection failures').toEqual([]);
      // Only failures the analysis grouped (it replays at most 60 groups) can be known ones.
      expect(report.groups.reduce((sum, g) => sum + g.count, 0)).toBe(report.failures);

      // No leak, no refused valid filter, no wrong ListResponse, no lookup missing its user.
      expect(report.suspicions.map((s) => `${s.what}: ${JSON.stringify(s.examples[0])}`)).toEqual(
        [],
      );
      expect(report.serverAlive).toBe(true);
      expect(report.finalChecks.filter((c) => !c.ok)).toEqual([]);
      expect(report.exitCode).toBe(0);

      // The run did what it says: every valid filter answered, malformed ones mostly 4xx.
      expect(report.phases.filters.requests).toBeGreaterThanOrEqual(1000);
      expect(report.phases.malformed.requests).toBe(3000);
      expect(report.phases.malformed.byClass['4xx'] ?? 0).toBeGreaterThan(1500);
    });
  });
}
