/**
 * What emitting events costs SCIM creates (issue 11 allows at most 10%): `npm run bench:events`.
 *
 * Compared without a switch in the product: the same creates against `roster serve` built from
 * this checkout (events emitted in every create's transaction) and against a copy of this
 * checkout whose directory drops the events instead of appending them (the one statement that
 * hands a transaction's events to the store is replaced; building the event objects stays, so
 * the cost is, if anything, understated by that). `--base <commit>` compares against another
 * commit instead (extracted with `git archive`), as the first measurements did against the
 * code before events.
 *
 * Both servers run on the same core. By default they run at the same time, each loaded by 25 of
 * the 50 connections: the scheduler shares the core between them, so each one's rate is what its
 * CPU per create allows, and the host's speed, which drifts by more than the 10% being measured
 * from one minute to the next (docs/performance.md), moves both alike. `--alternate` runs them
 * one after the other (A B A B…, 50 connections each), as the first measurements did. Either
 * way the figure is the median of the rounds' paired ratios (each round's B against its own A).
 *
 * Usage: `npm run bench:events [-- --rounds 9 --seconds 5 --alternate --base <commit>]`
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    rounds: { type: 'string', default: '9' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    base: { type: 'string' },
    alternate: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
/** Both servers in one round run at the same time (default), or one after the other. */
const together = !values.alternate;

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

/** The statement in the directory's transaction wrapper that hands events to the store. */
const APPEND_FILE = 'src/directory/directory.ts';
const APPEND = `                for (const event of events) {
                  accountIds ??= new Set();
                  accountIds.add(event.accountId);
                }
                return session.events.append(events);`;
const DROP = `                void events;
                return Promise.resolve();`;

/** A copy of this checkout (as it is, modified or not) whose directory drops every event. */
function withoutEvents(into: string): void {
  for (const entry of ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    cpSync(join(ROOT, entry), join(into, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'));
  const file = join(into, APPEND_FILE);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(APPEND)) {
    throw new Error(`${APPEND_FILE} no longer holds the append this bench removes; update APPEND`);
  }
  writeFileSync(file, text.replace(APPEND, DROP));
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

/** One server's creates for a round: started, loaded with `connections`, stopped. */
async function createsPerSecond(
  cwd: string,
  label: string,
  round: number,
  connections = CONNECTIONS,
): Promise<Run> {
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
      connections,
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
  const head = git('rev-parse', '--short', 'HEAD');
  const modified = git('status', '--porcelain', '--', 'src') !== '';
  const baseDir = mkdtempSync(join(tmpdir(), 'roster-event-cost-base-'));
  if (values.base === undefined) withoutEvents(baseDir);
  else extract(values.base, baseDir);
  console.log(`Event cost bench — ${new Date().toISOString()}`);
  console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}`);
  console.log(`With events: ${head} (this checkout${modified ? ', modified' : ''})`);
  console.log(
    values.base === undefined
      ? `Without: the same code, its directory dropping events instead of appending them`
      : `Without: ${values.base.slice(0, 7)}`,
  );
  console.log(
    `SQLite, ${warmup} s warm-up + ${seconds} s per run, ${rounds} rounds, ${together ? `both servers at once on core ${SERVER_CORE}, ${CONNECTIONS / 2} connections each` : `alternating, ${CONNECTIONS} connections`}; load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const without: Run[] = [];
  const withEvents: Run[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      if (together) {
        // Both at once on the one server core, half the connections each: the scheduler gives
        // each the same share of the core, so each one's rate is what its CPU per create
        // allows, and whatever the host's speed does meanwhile falls on both alike.
        const [a, b] = await Promise.all([
          createsPerSecond(baseDir, 'without', round, CONNECTIONS / 2),
          createsPerSecond(ROOT, 'with', round, CONNECTIONS / 2),
        ]);
        without.push(a);
        withEvents.push(b);
      } else {
        without.push(await createsPerSecond(baseDir, 'without', round));
        withEvents.push(await createsPerSecond(ROOT, 'with', round));
      }
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
  // Each round's pair ran at the same time (or a minute apart at most), so its ratio is what
  // drifts least.
  const rateCosts = without.map(
    (r, i) => (1 - (withEvents[i] as Run).perSecond / r.perSecond) * 100,
  );
  const cost = median(rateCosts);
  const ca = median(without.map((r) => r.cpuMicros));
  const cb = median(withEvents.map((r) => r.cpuMicros));
  // CPU per create: the rate a core sustains falls by the share events add to it.
  const cpuCosts = without.map(
    (r, i) => (1 - r.cpuMicros / (withEvents[i] as Run).cpuMicros) * 100,
  );
  const cpuCost = median(cpuCosts);
  const spread = (xs: number[]) =>
    `rounds ${[...xs]
      .sort((x, y) => x - y)
      .map((x) => x.toFixed(1))
      .join(', ')}`;
  console.log(`Median creates/s: without ${a.toFixed(0)}, with events ${b.toFixed(0)}`);
  console.log(
    `Cost of events in creates/s (median of the rounds' pairs): ${cost.toFixed(1)}% (limit 10%) — ${cost <= 10 ? 'within' : 'OVER'}; ${spread(rateCosts)}`,
  );
  console.log(
    `Median server CPU per create: without ${ca.toFixed(0)} µs, with events ${cb.toFixed(0)} µs; ` +
      `rate a core sustains ${cpuCost.toFixed(1)}% lower (median of pairs); ${spread(cpuCosts)}`,
  );
  console.log(`Load average after: ${loadavg()[0]?.toFixed(2)}`);
}

await main();
