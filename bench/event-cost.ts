/**
 * What emitting events costs SCIM creates (issue 11 allows at most 10%): `npm run bench:events`.
 *
 * Compared honestly, without a switch in the product: the same creates against `roster serve`
 * built from this checkout (events emitted in every create's transaction, then sequenced) and
 * against the code before events (the merge base with `main`, extracted with `git archive` into
 * a temporary directory, sharing node_modules). Both run in this process's run, on the same
 * core, alternating A B A B… on fresh SQLite files, so load from other work on the machine
 * falls on both; the cost is the difference of the medians.
 *
 * Usage: `npm run bench:events [-- --rounds 3 --seconds 10 --base <commit>]`
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createUserRequests } from './create-requests.ts';
import { measure } from './load.ts';
import { BENCH_TOKEN, rosterServe, startServer } from './server-process.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CONNECTIONS = 50;
const SERVER_CORE = 0;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    base: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT }).toString().trim();

function extract(commit: string, into: string): void {
  const archive = spawnSync('git', ['archive', '--format=tar', commit], {
    cwd: ROOT,
    maxBuffer: 1 << 30,
  });
  if (archive.status !== 0) throw new Error(`git archive ${commit}: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', into], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'));
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Run {
  readonly perSecond: number;
  /** Server CPU time per create (all threads), microseconds. */
  readonly cpuMicros: number;
}

async function createsPerSecond(cwd: string, label: string, round: number): Promise<Run> {
  const workdir = mkdtempSync(join(tmpdir(), `roster-event-cost-${label}-`));
  const server = await startServer({
    name: label,
    cwd,
    core: SERVER_CORE,
    ...rosterServe(join(workdir, 'roster.db'), [], cwd),
  });
  try {
    const result = await measure({
      url: `${server.url}/scim/v2/Users`,
      connections: CONNECTIONS,
      warmupSeconds: warmup,
      seconds,
      method: 'POST',
      headers: {
        authorization: `Bearer ${BENCH_TOKEN}`,
        'content-type': 'application/scim+json',
        'user-agent': 'Okta SCIM Client 1.0.0',
      },
      next: createUserRequests(`${label}${round}${Date.now().toString(36)}`),
      drainPath: '/scim/v2/Users/00000000-0000-0000-0000-000000000000',
      cpuPid: server.pid,
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    }
    const creates = result.sent ?? result.total;
    return {
      perSecond: result.requestsPerSecond,
      cpuMicros: ((result.serverCpuSeconds ?? 0) / Math.max(1, creates)) * 1e6,
    };
  } finally {
    await server.stop();
    rmSync(workdir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const base = values.base ?? git('merge-base', 'HEAD', 'main');
  const head = git('rev-parse', '--short', 'HEAD');
  const baseDir = mkdtempSync(join(tmpdir(), 'roster-event-cost-base-'));
  extract(base, baseDir);
  console.log(`Event cost bench — ${new Date().toISOString()}`);
  console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}`);
  console.log(
    `With events: ${head} (this checkout${git('status', '--porcelain') ? ', modified' : ''})`,
  );
  console.log(`Without: ${base.slice(0, 7)} (merge base with main)`);
  console.log(
    `SQLite, ${CONNECTIONS} connections, ${warmup} s warm-up + ${seconds} s per run, ${rounds} rounds alternating; load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const without: Run[] = [];
  const withEvents: Run[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      without.push(await createsPerSecond(baseDir, 'without', round));
      withEvents.push(await createsPerSecond(ROOT, 'with', round));
      const [a, b] = [without.at(-1) as Run, withEvents.at(-1) as Run];
      console.log(
        `  round ${round}: without ${a.perSecond.toFixed(0)}/s (${a.cpuMicros.toFixed(0)} µs CPU each), ` +
          `with events ${b.perSecond.toFixed(0)}/s (${b.cpuMicros.toFixed(0)} µs CPU each)`,
      );
    }
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
  const a = median(without.map((r) => r.perSecond));
  const b = median(withEvents.map((r) => r.perSecond));
  const cost = ((a - b) / a) * 100;
  const ca = median(without.map((r) => r.cpuMicros));
  const cb = median(withEvents.map((r) => r.cpuMicros));
  const cpuCost = ((cb - ca) / cb) * 100;
  console.log(`Median creates/s: without ${a.toFixed(0)}, with events ${b.toFixed(0)}`);
  console.log(
    `Cost of events in creates/s: ${cost.toFixed(1)}% (limit 10%) — ${cost <= 10 ? 'within' : 'OVER'}`,
  );
  // Server CPU per create hardly depends on what else the machine runs, so on a busy machine
  // it is the steadier measure: the rate a core could sustain falls by this share.
  console.log(
    `Median server CPU per create: without ${ca.toFixed(0)} µs, with events ${cb.toFixed(0)} µs ` +
      `(rate a core sustains: ${cpuCost.toFixed(1)}% lower)`,
  );
  console.log(`Load average after: ${loadavg()[0]?.toFixed(2)}`);
}

await main();
