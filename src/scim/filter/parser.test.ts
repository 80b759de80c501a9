import { describe, expect, it } from 'vitest';
import { filterCases, pr } from './parser.cases.ts';
import { parseFilter } from './parser.ts';

describe('parseFilter', () => {
  for (const { rfc, input, expected } of filterCases) {
    const label = input.length > 80 ? `${input.slice(0, 77)}...` : input;
    it(`${rfc}: ${JSON.stringify(label)}`, () => {
      const result = parseFilter(input);
      if ('error' in expected) {
        expect(result.ok, 'expected a syntax error').toBe(false);
        if (!result.ok) expect(result.error.message).toContain(expected.error);
      } else {
        expect(result).toEqual({ ok: true, value: expected });
      }
    });
  }

  it('accepts exactly the maximum nesting depth', () => {
    expect(parseFilter(`${'('.repeat(64)}a pr${')'.repeat(64)}`)).toEqual({
      ok: true,
      value: pr('a'),
    });
  });

  it('reports the position of the problem', () => {
    const result = parseFilter('userName xx "a"');
    expect(result.ok ? undefined : result.error.position).toBe(9);
    const unterminated = parseFilter('userName eq "abc');
    expect(unterminated.ok ? undefined : unterminated.error.position).toBe(12);
    const end = parseFilter('userName eq');
    expect(end.ok ? undefined : end.error.position).toBe(11);
  });

  it('never throws, whatever the input', () => {
    const alphabet = [
      '(',
      ')',
      '[',
      ']',
      '"',
      '\\',
      ' ',
      'a',
      'eq',
      'not',
      'and',
      '.',
      ':',
      '1',
      'pr',
      'u',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 0; n < 2000; n += 1) {
      let input = '';
      const length = Math.floor(random() * 20);
      for (let i = 0; i < length; i += 1) {
        input += alphabet[Math.floor(random() * alphabet.length)];
      }
      const result = parseFilter(input);
      expect(typeof result.ok).toBe('boolean');
    }
    // A long flat chain stays iterative: no recursion per 'and'.
    const chain = Array.from({ length: 900 }, () => 'a pr').join(' and ');
    expect(parseFilter(chain).ok).toBe(true);
    expect(parseFilter(undefined as unknown as string).ok).toBe(false);
  });
});
