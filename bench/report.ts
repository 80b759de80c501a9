/** Console output: one line per scenario while running, then the summary table and targets. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  /** The user count the targets apply to. */
  readonly large: number;
  /** Peak RSS of the server at `large` users, bytes. */
  readonly peakRss: number;
  readonly seeding: readonly {
    readonly from: number;
    readonly to: number;
    readonly perSecond: number;
  }[];
}

export function printSummary({ rows, baseline: base, large, peakRss, seeding }: Summary): void {
  const ratio = (row: Row) => row.result.requestsPerSecond / base;
  log('');
  log(
    `Summary (baseline = mean of the two node:http runs = ${fmt(base)} req/s; RSS = server VmRSS after the scenario)`,
  );
  log('');
  log(
    '| Scenario | Users | Conns | req/s | p50 ms | p99 ms | non-2xx | errors | of baseline | RSS MB |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const r = row.result;
    log(
      `| ${row.scenario} | ${row.users === undefined ? '–' : fmt(row.users)} | ${row.connections} | ${rate(r.requestsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${r.non2xx} | ${r.errors} | ${percent(ratio(row))} | ${row.rssAfter === undefined ? '–' : fmt(row.rssAfter / MB)} |`,
    );
  }
  log('');
  log(
    `Seeding: ${seeding.map((s) => `${fmt(s.perSecond)} users/s (users ${fmt(s.from)}–${fmt(s.to)})`).join(', ')}`,
  );
  log(`Peak server RSS at ${fmt(large)} users (VmHWM): ${fmt(peakRss / MB)} MB`);

  const find = (prefix: string) =>
    rows.find((row) => row.users === large && row.scenario.startsWith(prefix));
  const lookup = find('GET filter userName eq');
  const create = find('POST /Users');
  const cursorFirst = find('GET cursor page, first');
  const cursorDeep = find('GET cursor page, after');
  const verdict = (ok: boolean) => (ok ? 'MET   ' : 'MISSED');
  log('');
  log(`Targets at ${fmt(large)} users:`);
  if (lookup) {
    const r = ratio(lookup);
    log(
      `  ${verdict(r >= 0.25)} userName eq ≥ 25% of node:http: ${(r * 100).toFixed(1)}% (${fmt(lookup.result.requestsPerSecond)} of ${fmt(base)} req/s)`,
    );
  }
  if (create) {
    const perSecond = create.result.requestsPerSecond;
    log(`  ${verdict(perSecond >= 4000)} creates ≥ 4,000/s: ${fmt(perSecond)}/s`);
  }
  if (cursorFirst && cursorDeep) {
    const deep = cursorDeep.result;
    const first = cursorFirst.result;
    const r = deep.requestsPerSecond / first.requestsPerSecond;
    const met = r >= 0.8 && deep.p50Ms <= first.p50Ms * 1.25;
    log(
      `  ${verdict(met)} deep cursor page ≈ first page (≥ 80% of its rate, p50 ≤ 125%): ${percent(r)} of the rate (${rate(deep.requestsPerSecond)} vs ${rate(first.requestsPerSecond)} req/s), p50 ${fmt(deep.p50Ms)} vs ${fmt(first.p50Ms)} ms`,
    );
  }
  log(
    `  ${verdict(peakRss > 0 && peakRss < 300 * MB)} server RSS < 300 MB: ${fmt(peakRss / MB)} MB`,
  );
}
