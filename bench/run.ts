/**
 * `npm run bench [-- --quick] [-- --profile] [-- --keep]`: Roster's SCIM hot paths under load on
 * SQLite, each as a ratio to a bare node:http server measured in the same run.
 * `npm run bench -- --postgres [--quick]`: the same scenarios on PostgreSQL with one and two
 * instances; see bench/postgres.ts.
 * `npm run bench -- --groups [--quick]`: group membership PATCH on groups of 10 to 100,000
 * members and /Bulk against single creates; see bench/groups.ts.
 *
 * The server runs pinned to core 0 and this process (autocannon) to core 1. Users are seeded
 * straight into the database file, first SMALL of them (a userName lookup is measured), then
 * topped up to LARGE, where every scenario runs and the server's memory is sampled.
 * --quick: 1k/10k users and 1 s + 2 s runs, a smoke test. --profile: the LARGE server writes a
 * V8 CPU profile (--cpu-prof) next to the database. --keep: keep the database and profiles.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createUserRequests, patchActiveRequests } from './create-requests.ts';
import { deepCursor } from './deep-cursor.ts';
import { runGroups } from './groups.ts';
import { type LoadResult, measure, type RequestShape } from './load.ts';
import { runPostgres } from './postgres.ts';
import {
  codeVersion,
  fmt,
  log,
  printRow,
  printSummary,
  type Row,
  sqliteVersion,
} from './report.ts';
import { seedUsers, userNameOf } from './seed-users.ts';
import {
  BENCH_CURSOR_SECRET,
  BENCH_TOKEN,
  hasTaskset,
  pinProcess,
  rosterServe,
  type ServerProcess,
  startServer,
} from './server-process.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const SMALL = quick ? 1_000 : 100_000;
const LARGE = quick ? 10_000 : 1_000_000;
const WARMUP_SECONDS = quick ? 1 : 2;
const SECONDS = quick ? 2 : 8;
const CONNECTIONS = 50;
/**
 * List pages cost hundreds of milliseconds each at 1M users. They are measured one request at
 * a time, so p50 is the cost of one page rather than time spent queueing behind other pages;
 * throughput is server-bound (one core) either way.
 */
const PAGE_CONNECTIONS = 1;
/** A by-id lookup that misses: queues behind the server's backlog, costs almost nothing. */
const DRAIN_PATH = '/scim/v2/Users/00000000-0000-0000-0000-000000000000';
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const TOKEN = BENCH_TOKEN;
const CURSOR_SECRET = BENCH_CURSOR_SECRET;
const DEEP = Math.floor(LARGE * 0.9);

const rows: Row[] = [];
const report = (row: Row) => {
  rows.push(row);
  printRow(row);
};
const random = (below: number) => Math.floor(Math.random() * below);

async function baseline(label: string): Promise<number> {
  const server = await startServer({
    name: 'baseline',
    args: ['bench/baseline-server.ts', '--port', '0'],
    core: SERVER_CORE,
  });
  try {
    const result = await measure({
      url: server.url,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
    });
    report({
      scenario: `baseline node:http (${label})`,
      users: undefined,
      connections: CONNECTIONS,
      result,
    });
    return result.requestsPerSecond;
  } finally {
    await server.stop();
  }
}

function startRoster(database: string, cpuProfileDir?: string): Promise<ServerProcess> {
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  return startServer({
    name: 'roster',
    ...rosterServe(database, profile),
    core: SERVER_CORE,
  });
}

async function seed(database: string, from: number, to: number) {
  const started = Date.now();
  let lastReport = started;
  const result = await seedUsers({
    database,
    token: TOKEN,
    from,
    to,
    onProgress: (done) => {
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`  … ${fmt(from + done)} users`);
      }
    },
  });
  log(
    `Seeded users ${fmt(from)}–${fmt(to)}: ${fmt(result.seeded)} in ${fmt(result.seconds, 1)} s = ${fmt(result.usersPerSecond)} users/s`,
  );
  return result;
}

const filterByUserName = (users: number) => (): RequestShape => ({
  path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userNameOf(random(users))}"`)}`,
});

async function main(): Promise<void> {
  const workdir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  const database = join(workdir, 'roster.db');
  const pinnedSelf = pinProcess(process.pid, LOAD_CORE);
  const started = Date.now();
  log(`Roster bench${quick ? ' (--quick)' : ''} — ${new Date().toISOString()}`);
  log(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 1024 ** 3, 1)} GiB, Node ${process.version}, SQLite ${sqliteVersion()}`,
  );
  log(`Code: ${codeVersion()}`);
  log(
    hasTaskset && pinnedSelf
      ? `Pinning: servers on core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), autocannon on core ${LOAD_CORE}`
      : 'Pinning: taskset unavailable, processes are NOT pinned',
  );
  log(
    `Load: autocannon, ${CONNECTIONS} connections (${PAGE_CONNECTIONS} for list pages), ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per scenario; database ${database}`,
  );

  const load1 = () => loadavg()[0]?.toFixed(2) ?? '?';
  log(`Load average (1 min) before: ${load1()} — other work on this machine skews every figure`);
  const baselineBefore = await baseline('start');

  // SMALL users: the userName lookup only.
  const small = await seed(database, 0, SMALL);
  const headers = { authorization: `Bearer ${TOKEN}` };
  const json = { ...headers, 'content-type': 'application/scim+json' };
  const load = (
    server: ServerProcess,
    next: () => RequestShape,
    extra: { method?: string; headers?: Record<string, string>; connections?: number } = {},
  ) =>
    measure({
      url: `${server.url}/scim/v2/Users`,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      headers,
      next,
      drainPath: DRAIN_PATH,
      ...extra,
    });
  const paged = { connections: PAGE_CONNECTIONS };
  let server = await startRoster(database);
  try {
    report({
      scenario: 'GET filter userName eq',
      users: SMALL,
      connections: CONNECTIONS,
      result: await load(server, filterByUserName(SMALL)),
    });
  } finally {
    await server.stop();
  }

  // Top up to LARGE users: every scenario, server memory sampled after each.
  const large = await seed(database, SMALL, LARGE);
  const ids = [...small.sampleIds, ...large.sampleIds];
  const profileDir = args.has('--profile') ? join(workdir, 'profiles') : undefined;
  server = await startRoster(database, profileDir);
  const atLarge = async (
    scenario: string,
    run: () => Promise<LoadResult>,
    connections = CONNECTIONS,
  ) => {
    const result = await run();
    report({ scenario, users: LARGE, connections, result, rssAfter: server.rss() });
  };
  let peakRss = 0;
  try {
    await atLarge('GET /Users/{id}', () =>
      load(server, () => ({ path: `/scim/v2/Users/${ids[random(ids.length)]}` })),
    );
    await atLarge('GET filter userName eq', () => load(server, filterByUserName(LARGE)));
    // The floor of this stack for the same lookup (bench/floor-server.ts), on the same file and
    // core while Roster idles: how much of the lookup's cost is Hono, node-server and SQLite;
    // then the same on node:http alone, the floor of any Node server for it.
    for (const [bare, withLog] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ]) {
      const floor = await startServer({
        name: 'floor',
        args: [
          'bench/floor-server.ts',
          '--database',
          database,
          '--token',
          TOKEN,
          ...(withLog ? ['--log'] : []),
          ...(bare ? ['--bare'] : []),
        ],
        core: SERVER_CORE,
      });
      try {
        const result = await load(floor, filterByUserName(LARGE));
        const scenario = `floor: ${bare ? 'node:http' : 'Hono'} + one SQLite lookup${withLog ? ' + log insert' : ''}`;
        report({ scenario, users: LARGE, connections: CONNECTIONS, result });
      } finally {
        await floor.stop();
      }
    }
    await atLarge(
      'GET index page, startIndex=1',
      () => load(server, () => ({ path: '/scim/v2/Users?startIndex=1&count=100' }), paged),
      PAGE_CONNECTIONS,
    );
    await atLarge(
      `GET index page, startIndex=${fmt(DEEP + 1)}`,
      () =>
        load(server, () => ({ path: `/scim/v2/Users?startIndex=${DEEP + 1}&count=100` }), paged),
      PAGE_CONNECTIONS,
    );
    await atLarge(
      'GET cursor page, first',
      () => load(server, () => ({ path: '/scim/v2/Users?cursor&count=100' }), paged),
      PAGE_CONNECTIONS,
    );
    const deep = await deepCursor(server.url, headers, CURSOR_SECRET, small.accountId, DEEP);
    const check = (await (
      await fetch(`${server.url}/scim/v2/Users?count=100&cursor=${deep}`, { headers })
    ).json()) as { Resources?: { userName: string }[] };
    log(`  (deep cursor page starts at ${check.Resources?.[0]?.userName ?? 'nothing'})`);
    await atLarge(
      `GET cursor page, after ${fmt(DEEP)}`,
      () => load(server, () => ({ path: `/scim/v2/Users?count=100&cursor=${deep}` }), paged),
      PAGE_CONNECTIONS,
    );
    await atLarge('PATCH replace active', () =>
      load(server, patchActiveRequests(ids), { method: 'PATCH', headers: json }),
    );
    await atLarge('POST /Users (create)', () =>
      load(server, createUserRequests(Date.now().toString(36)), { method: 'POST', headers: json }),
    );
    peakRss = server.peakRss();
  } finally {
    await server.stop();
  }

  const baselineAfter = await baseline('end');
  log(`Load average (1 min) after: ${load1()}`);
  const base = (baselineBefore + baselineAfter) / 2;
  printSummary({
    rows,
    baseline: base,
    large: LARGE,
    peakRss,
    seeding: [
      { from: 0, to: SMALL, perSecond: small.usersPerSecond },
      { from: SMALL, to: LARGE, perSecond: large.usersPerSecond },
    ],
  });
  if (profileDir) log(`CPU profile of the ${fmt(LARGE)}-user server: ${profileDir}`);
  if (args.has('--keep') || profileDir) log(`Kept ${workdir}`);
  else rmSync(workdir, { recursive: true, force: true });
  log(`Total time ${fmt((Date.now() - started) / 1000)} s`);
}

if (args.has('--postgres')) {
  await runPostgres(quick);
} else if (args.has('--groups')) {
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  await runGroups(quick);
} else {
  // Interrupted: exit normally so the 'exit' hooks stop the servers this run started.
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  await main();
}
