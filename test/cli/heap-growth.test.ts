/**
 * `roster serve` holds V8's heap growth (src/cli/heap-growth.ts): the same allocation pattern
 * must commit a clearly smaller heap with the limit than without it, and an operator's own
 * `--heap-growing-percent` must be left alone. Sizes, not times: the factor decides them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = join(import.meta.dirname, '..', 'helpers', 'heap-churn.ts');

function churn(nodeArgs: string[], mode: 'limit' | 'plain') {
  const run = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', CHILD, mode], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { limited: boolean; peakMb: number };
}

describe('heap growth limit', () => {
  it('keeps the committed heap well below what V8 grows to on its own', () => {
    const plain = churn([], 'plain');
    const limited = churn([], 'limit');
    expect(limited.limited).toBe(true);
    expect(limited.peakMb).toBeLessThan(plain.peakMb * 0.75);
  }, 60_000);

  it("leaves an operator's own --heap-growing-percent in place", () => {
    const own = churn(['--heap-growing-percent=300'], 'limit');
    expect(own.limited).toBe(false);
  }, 60_000);
});
