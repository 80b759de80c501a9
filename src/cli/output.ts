/**
 * What the CLI prints: human-readable tables by default, JSON with `--json`; spinners on
 * stderr only when both stdout and stderr are terminals and JSON was not asked for, so scripts
 * and pipes never see spinner noise.
 */
import { confirm, isCancel, spinner } from '@clack/prompts';

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

/**
 * Every list, with --json: `{"items": [...], "next": ...}`. `next` continues the list where it
 * was cut (the command's `--cursor`), or is null when there is no more.
 */
export function printList(
  items: readonly unknown[],
  next: string | null = null,
  extra: Readonly<Record<string, unknown>> = {},
): void {
  printJson({ items, next, ...extra });
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

/**
 * Runs `work` under a spinner when interactive. Otherwise silently, unless `narrate`: a wait
 * that can last (domain verify --wait) then says what it is waiting for, one line on stderr per
 * update, so a log or CI job never sits silent.
 */
export async function withSpinner<T>(
  json: boolean,
  message: string,
  work: (update: (message: string) => void) => Promise<T>,
  { narrate = false }: { narrate?: boolean } = {},
): Promise<T> {
  if (!interactive(json)) {
    if (!narrate) return work(() => {});
    const say = (line: string) => process.stderr.write(`${line}\n`);
    say(message);
    return work(say);
  }
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

/**
 * Destructive commands ask first on a terminal (the question on stderr, so --json output stays
 * clean). `--yes` skips the question, and so does a non-terminal: scripts and pipes are never
 * stopped by a prompt they cannot answer.
 */
export async function confirmFirst(question: string, yes: boolean | undefined): Promise<void> {
  if (yes || process.stdin.isTTY !== true || process.stderr.isTTY !== true) return;
  const answer = await confirm({
    message: question,
    initialValue: false,
    output: process.stderr,
    withGuide: false,
  });
  if (isCancel(answer) || answer !== true) {
    throw new CliError('nothing was changed (not confirmed; --yes skips the question)');
  }
}
