/**
 * Console output: one line per scenario while running, then the scenario table and the targets
 * table; and the JSON file of `--json`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import type { LoadResult } from './load.ts';

export const MB = 1024 * 1024;

export interface Row {
  readonly scenario: string;
  readonly users: number | undefined;
  readonly connections: number;
  readonly result: LoadResult;
  /** Server RSS right after the scenario, bytes (only measured at the large user count). */
  readonly rssAfter?: number;
}

export const log = (line: string) => process.stdout.write(`${line}\n`);
export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** Whole numbers, except below 10 where one decimal keeps slow scenarios readable. */
export const rate = (n: number) => fmt(n, n < 10 ? 1 : 0);
export const percent = (r: number) => `${(r * 100).toFixed(r < 0.01 ? 2 : 1)}%`;

export function sqliteVersion(): string {
  const db = new SqliteDatabase(':memory:');
  const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
  db.close();
  return version;
}

/**
 * Which code was measured: the commit, and a hash of every file under src/ as it is on disk
 * (the working tree may hold uncommitted changes).
 */
export function codeVersion(): string {
  const git = (...gitArgs: string[]) =>
    spawnSync('git', gitArgs, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const files = git('ls-files', '--cached', '--others', '--exclude-standard', 'src')
    .split('\n')
    .filter(Boolean)
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    try {
      hash.update(file).update(readFileSync(file));
    } catch {
      // Listed but deleted meanwhile.
    }
  }
  const dirty = git('status', '--porcelain', 'src') === '' ? '' : ' with uncommitted src changes';
  return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty}, src/ hash ${hash.digest('hex').slice(0, 12)}`;
}

export function printRow(row: Row): void {
  const r = row.result;
  const codes = Object.entries(r.statusCodes)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  const rss = row.rssAfter === undefined ? '' : `, server RSS ${fmt(row.rssAfter / MB)} MB`;
  log(
    `  ${row.scenario.padEnd(34)} ${rate(r.requestsPerSecond).padStart(8)} req/s  p50 ${fmt(r.p50Ms, 1)} ms  p99 ${fmt(r.p99Ms, 1)} ms  non-2xx ${r.non2xx}  errors ${r.errors}  [${codes}]${rss}`,
  );
}

export interface Summary {
  readonly rows: readonly Row[];
  /** req/s of the bare node:http server. */
  readonly baseline: number;
  /** Peak RSS of the Roster servers over the run, bytes. */
  readonly peakRss: number;
  readonly seeding: readonly {
    readonly from: number;
    readonly to: number;
    readonly perSecond: number;
  }[];
}

/** Every scenario of the run, each also as a share of the bare node:http baseline. */
export function printSummary({ rows, baseline: base, peakRss, seeding }: Summary): void {
  log('');
  log(
    `Scenarios (baseline = mean of the two node:http runs = ${fmt(base)} req/s; RSS = server VmRSS after the scenario)`,
  );
  log('');
  log(
    '| Scenario | Users | Conns | req/s | p50 ms | p99 ms | non-2xx | errors | of baseline | RSS MB |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const r = row.result;
    log(
      `| ${row.scenario} | ${row.users === undefined ? '–' : fmt(row.users)} | ${row.connections} | ${rate(r.requestsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${r.non2xx} | ${r.errors} | ${percent(r.requestsPerSecond / base)} | ${row.rssAfter === undefined ? '–' : fmt(row.rssAfter / MB)} |`,
    );
  }
  log('');
  log(
    `Seeding: ${seeding.map((s) => `${fmt(s.perSecond)} users/s (users ${fmt(s.from)}–${fmt(s.to)})`).join(', ')}`,
  );
  log(`Peak Roster server RSS over the run (VmHWM): ${fmt(peakRss / MB)} MB`);
}

/**
 * One row of the targets table, and of the JSON `rows`. Rate rows compare `reqPerSec` with a
 * reference measured in the same run (a floor server, or a deep cursor page): `ratio` is
 * reqPerSec / floorReqPerSec and `target` the least ratio. Other rows (CPU per request, RSS)
 * have null rates and ratio, their figure in a field of their own and `target` as text.
 */
export interface TargetRow {
  readonly name: string;
  readonly reqPerSec: number | null;
  readonly floorReqPerSec: number | null;
  /** What floorReqPerSec measured. */
  readonly reference: string | null;
  readonly ratio: number | null;
  /** The least ratio, or the bound as text ("≤ 0.3 ms"); null: informational row. */
  readonly target: number | string | null;
  /** A least absolute rate, besides (or instead of) the ratio. */
  readonly minReqPerSec?: number;
  readonly cpuMsPerRequest?: number;
  /** The CPU row's inputs: server CPU seconds over the requests it served. */
  readonly serverCpuSeconds?: number;
  readonly requestsServed?: number;
  readonly rssPeakMb?: number;
  /** Responses outside 2xx, and connection errors and timeouts, in the measured run. */
  readonly non2xx?: number;
  readonly errors?: number;
  /** null: informational, or not measured. */
  readonly met: boolean | null;
}

/**
 * A rate row: `result` against `reference`, met when the ratio reaches `target` (if given) and
 * the rate reaches `minReqPerSec` (if given). Unmeasured sides give nulls and met null.
 */
export function rateRow(
  name: string,
  result: LoadResult | undefined,
  reference: { readonly name: string; readonly result: LoadResult | undefined } | undefined,
  target: number | null,
  minReqPerSec?: number,
): TargetRow {
  const reqPerSec = result?.requestsPerSecond ?? null;
  const floorReqPerSec = reference?.result?.requestsPerSecond ?? null;
  const ratio = reqPerSec !== null && floorReqPerSec ? reqPerSec / floorReqPerSec : null;
  const checks: boolean[] = [];
  if (target !== null) checks.push(ratio !== null && ratio >= target);
  if (minReqPerSec !== undefined) checks.push(reqPerSec !== null && reqPerSec >= minReqPerSec);
  const measured = reqPerSec !== null && (target === null || ratio !== null);
  return {
    name,
    reqPerSec,
    floorReqPerSec,
    reference: reference?.name ?? null,
    ratio,
    target: target ?? (minReqPerSec === undefined ? null : `≥ ${fmt(minReqPerSec)}/s`),
    ...(minReqPerSec === undefined ? {} : { minReqPerSec }),
    ...(result ? { non2xx: result.non2xx, errors: result.errors } : {}),
    met: checks.length === 0 || !measured ? null : checks.every(Boolean),
  };
}

function targetText(row: TargetRow): string {
  const parts: string[] = [];
  if (typeof row.target === 'number') parts.push(`≥ ${fmt(row.target * 100)}%`);
  else if (row.target !== null && row.minReqPerSec === undefined) parts.push(row.target);
  if (row.minReqPerSec !== undefined) parts.push(`≥ ${fmt(row.minReqPerSec)}/s`);
  return parts.length === 0 ? '– (for context)' : parts.join(' and ');
}

function figureText(row: TargetRow): string {
  if (row.cpuMsPerRequest !== undefined) return `${fmt(row.cpuMsPerRequest, 3)} ms`;
  if (row.rssPeakMb !== undefined) return `${fmt(row.rssPeakMb)} MB`;
  return row.reqPerSec === null ? '–' : `${rate(row.reqPerSec)} req/s`;
}

/** The targets table: one line per row, its figure, reference, ratio, target and verdict. */
export function printTargets(title: string, rows: readonly TargetRow[]): void {
  log('');
  log(title);
  log('');
  log(
    '| Hot path | Measured | Reference (same run) | Reference req/s | Ratio | Target | Verdict |',
  );
  log('|---|---:|---|---:|---:|---|---|');
  for (const row of rows) {
    let verdict = row.met === null ? '–' : row.met ? 'met' : '**missed**';
    // Two conditions: say which one failed.
    if (row.met === false && typeof row.target === 'number' && row.minReqPerSec !== undefined) {
      const ratioMet = row.ratio !== null && row.ratio >= row.target;
      const rateMet = row.reqPerSec !== null && row.reqPerSec >= row.minReqPerSec;
      verdict += ` (ratio ${ratioMet ? 'met' : 'missed'}, rate ${rateMet ? 'met' : 'missed'})`;
    }
    const failures =
      (row.non2xx ?? 0) + (row.errors ?? 0) > 0
        ? ` (non-2xx ${row.non2xx ?? 0}, errors ${row.errors ?? 0})`
        : '';
    log(
      `| ${row.name} | ${figureText(row)}${failures} | ${row.reference ?? '–'} | ${row.floorReqPerSec === null ? '–' : rate(row.floorReqPerSec)} | ${row.ratio === null ? '–' : percent(row.ratio)} | ${targetText(row)} | ${verdict} |`,
    );
  }
}

/** One scenario as the JSON file gives it. */
export function scenarioJson(row: Row) {
  const r = row.result;
  return {
    name: row.scenario,
    users: row.users ?? null,
    connections: row.connections,
    reqPerSec: r.requestsPerSecond,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    total: r.total,
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes: r.statusCodes,
    ...(row.rssAfter === undefined ? {} : { rssMb: row.rssAfter / MB }),
  };
}

/** `--json FILE`: the file named after the flag, if given. */
export function jsonFile(argv: readonly string[]): string | undefined {
  const at = argv.indexOf('--json');
  if (at < 0) return undefined;
  const file = argv[at + 1];
  if (file === undefined || file.startsWith('--')) throw new Error('--json needs a file name');
  return file;
}

export function writeJson(file: string, data: unknown): void {
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  log(`Wrote ${file}`);
}
