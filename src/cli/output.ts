/**
 * What the CLI prints: human-readable tables by default, JSON with `--json`; spinners on
 * stderr only when both stdout and stderr are terminals and JSON was not asked for, so scripts
 * and pipes never see spinner noise.
 */
import { spinner } from '@clack/prompts';

/** A failure the CLI reports as one line (plus optional detail lines), with an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly details: readonly string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function interactive(json: boolean): boolean {
  return !json && process.stdout.isTTY === true && process.stderr.isTTY === true;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Fixed-width columns for terminal tables. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `key: value` lines, aligned. */
export function fields(entries: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries
    .map(
      ([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v === null || v === undefined ? '-' : String(v)}`,
    )
    .join('\n');
}

export const orDash = (value: string | null | undefined) => value ?? '-';

/** Runs `work` under a spinner when interactive; silently otherwise. */
export async function withSpinner<T>(
  json: boolean,
  message: string,
  work: (update: (message: string) => void) => Promise<T>,
): Promise<T> {
  if (!interactive(json)) return work(() => {});
  const spin = spinner({ output: process.stderr, withGuide: false });
  spin.start(message);
  try {
    const result = await work((next) => spin.message(next));
    spin.clear();
    return result;
  } catch (error) {
    spin.clear();
    throw error;
  }
}
