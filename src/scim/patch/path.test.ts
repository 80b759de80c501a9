import { describe, expect, it } from 'vitest';
import { pathCases } from './path.cases.ts';
import { parsePath } from './path.ts';

describe('parsePath', () => {
  for (const { rfc, input, expected } of pathCases) {
    const label = input.length > 80 ? `${input.slice(0, 77)}...` : input;
    it(`${rfc}: ${JSON.stringify(label)}`, () => {
      const result = parsePath(input);
      if ('error' in expected) {
        expect(result.ok, 'expected a syntax error').toBe(false);
        if (!result.ok) expect(result.error.message).toContain(expected.error);
      } else {
        expect(result).toEqual({ ok: true, value: expected });
      }
    });
  }
});
