/**
 * `npm run bench [-- --quick] [-- --json FILE] [-- --profile] [-- --keep]`: Roster's SCIM hot
 * paths under load on SQLite, each against a floor measured in the same run: the cheapest
 * node:http server doing the same work on the same file (bench/floor-server.ts), or for list
 * pages a deep cursor page. Prints every scenario, then the targets table.
 * `npm run bench -- --postgres [--quick] [--json FILE]`: the same on PostgreSQL with one and
 * two instances; see bench/postgres.ts.
 * `npm run bench -- --webhooks [--quick] [--json FILE]`: webhook delivery throughput and the
 * lag from commit to receiver under creates; see bench/webhook-lag.ts.
 * `npm run bench -- --groups [--quick]`: group membership PATCH on groups of 10 to 100,000
 * members and /Bulk against single creates; see bench/groups.ts.
 *
 * Servers (Roster and the floors, one at a time) run pinned to core 0 and this process
 * (autocannon) to core 1. Users are seeded straight into the database file: first SMALL, where
 * Roster's CPU per PATCH is measured (utime + stime of every thread from /proc/<pid>/stat,
 * before and after the measured run, over the requests it served); then topped up to LARGE,
 * where every other scenario runs on one Roster process, each floor in its own process on the
 * same file while Roster idles. The RSS target is the peak (VmHWM) of both Roster processes.
 *
 * --quick: 1k/10k users and 1 s + 2 s runs, a smoke test. --profile: the LARGE server writes a
 * V8 CPU profile (--cpu-prof) next to the database. --keep: keep the database and profiles.
 *
 * `--json FILE` writes:
 *   {
 *     "kind": "sqlite", "date", "quick", "code", "machine", "loadAverage": { "before", "after" },
 *     "users": { "cpu": SMALL, "large": LARGE },
 *     "rows": [                      // the targets table, in its order
 *       { "name", "reqPerSec", "floorReqPerSec", "reference", "ratio", "target": 0.5,
 *         "met", "non2xx", "errors" },                 // rate rows; create adds "minReqPerSec"
 *       { "name", "reqPerSec": null, "floorReqPerSec": null, "reference": null, "ratio": null,
 *         "cpuMsPerRequest", "serverCpuSeconds", "requestsServed",
 *         "target": "≤ 0.3 ms", "met" },                                // CPU per PATCH
 *       { …, "rssPeakMb", "target": "≤ 200 MB", "met" }               // RSS peak
 *     ],
 *     "rssPeakMb", "cpuMsPerRequest",
 *     "baseline": { "start", "end", "mean" },         // bare node:http req/s, for context
 *     "scenarios": [ { "name", "users", "connections", "reqPerSec", "p50Ms", "p99Ms", "total",
 *                      "non2xx", "errors", "statusCodes", "rssMb"? } ]   // every run, in order
 *   }
 * "met" is null for rows without a target or not measured.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { createUserRequests, indexWalk, patchActiveRequests } from './create-requests.ts';
import { deepCursor } from './deep-cursor.ts';
import { runGroups } from './groups.ts';
import { type LoadOptions, type LoadResult, measure, type RequestShape } from './load.ts';
import { runPostgres } from './postgres.ts';
import {
  codeVersion,
  fmt,
  jsonFile,
  log,
  MB,
  printRow,
  printSummary,
  printTargets,
  type Row,
  rateRow,
  scenarioJson,
  sqliteVersion,
  type TargetRow,
  writeJson,
} from './report.ts';
import { seedUsers, userNameOf } from './seed-users.ts';
import {
  BENCH_CURSOR_SECRET,
  BENCH_TOKEN,
  brakeStatus,
  compiledServer,
  hasTaskset,
  pinProcess,
  releaseBrake,
  rosterServe,
  type ServerProcess,
  startServer,
} from './server-process.ts';

const argv = process.argv.slice(2);
const args = new Set(argv);
const quick = args.has('--quick');
const json = jsonFile(argv);
const SMALL = quick ? 1_000 : 100_000;
const LARGE = quick ? 10_000 : 1_000_000;
const WARMUP_SECONDS = quick ? 1 : 2;
const SECONDS = quick ? 2 : 8;
const CONNECTIONS = 50;
/**
 * List pages are measured one request at a time, so p50 is the cost of one page rather than
 * time spent queueing behind other pages, and an index walk is one page after the other.
 */
const PAGE_CONNECTIONS = 1;
/** A by-id lookup that misses: queues behind the server's backlog, costs almost nothing. */
const DRAIN_PATH = '/scim/v2/Users/00000000-0000-0000-0000-000000000000';
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const TOKEN = BENCH_TOKEN;
const CURSOR_SECRET = BENCH_CURSOR_SECRET;
const PAGE = 100;
/** The deep cursor page is the one after this seq; the index walk starts right after it. */
const DEEP = Math.floor(LARGE * 0.9);
const WALK_START = DEEP + 1;
/** The issue's targets. */
const RATIO_TARGET = 0.5;
const MIN_CREATES_PER_SECOND = 8_000;
const CPU_MS_TARGET = 0.3;
const RSS_MB_TARGET = 200;
/** IdP requests carry their client's User-Agent; Roster's log records which IdP sent them. */
const USER_AGENT = 'Okta SCIM Client 1.0.0';

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

type FloorScenario = 'lookup' | 'get' | 'patch' | 'create';

function startFloor(database: string, scenario: FloorScenario, bare = true) {
  return startServer({
    name: `floor-${scenario}`,
    args: [
      'bench/floor-server.ts',
      '--database',
      database,
      '--token',
      TOKEN,
      '--scenario',
      scenario,
      ...(bare ? ['--bare'] : []),
    ],
    core: SERVER_CORE,
  });
}

async function seed(database: string, from: number, to: number, sampleSize?: number) {
  const started = Date.now();
  let lastReport = started;
  const result = await seedUsers({
    database,
    token: TOKEN,
    from,
    to,
    sampleSize,
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

type Extra = Partial<
  Pick<LoadOptions, 'method' | 'headers' | 'connections' | 'warmupSeconds' | 'seconds' | 'cpuPid'>
>;

async function main(): Promise<void> {
  const workdir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  const database = join(workdir, 'roster.db');
  const pinnedSelf = pinProcess(process.pid, LOAD_CORE);
  const started = Date.now();
  const date = new Date().toISOString();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 1024 ** 3, 1)} GiB, Node ${process.version}, SQLite ${sqliteVersion()}`;
  const code = codeVersion();
  log(`Roster bench${quick ? ' (--quick)' : ''} — ${date}`);
  log(`Machine: ${machine}`);
  log(`Code: ${code}`);
  log(
    hasTaskset && pinnedSelf
      ? `Pinning: servers on core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), autocannon on core ${LOAD_CORE}`
      : 'Pinning: taskset unavailable, processes are NOT pinned',
  );
  log(
    `Load: autocannon, ${CONNECTIONS} connections (${PAGE_CONNECTIONS} for list pages), ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per scenario; database ${database}`,
  );
  log(
    'Roster: demo token and operator key from the environment; deprovisioning brake share 1 (it counts and records every deactivation but never holds; released before each PATCH scenario)',
  );
  log(
    `Roster: the compiled server ${relative(process.cwd(), compiledServer())}, as deployed (npm run build first when dist/ is older than src/)`,
  );

  const load1 = () => loadavg()[0]?.toFixed(2) ?? '?';
  const loadBefore = load1();
  log(`Load average (1 min) before: ${loadBefore} — other work on this machine skews every figure`);
  const baselineBefore = await baseline('start');

  const headers = { authorization: `Bearer ${TOKEN}`, 'user-agent': USER_AGENT };
  const withBody = { ...headers, 'content-type': 'application/scim+json' };
  const load = (server: ServerProcess, next: () => RequestShape, extra: Extra = {}) =>
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
  const paged: Extra = { connections: PAGE_CONNECTIONS };
  const patching: Extra = { method: 'PATCH', headers: withBody };
  const creating: Extra = { method: 'POST', headers: withBody };
  let peakRss = 0;

  // SMALL users: Roster's CPU per PATCH.
  const small = await seed(database, 0, SMALL);
  const accountId = small.accountId;
  let server = await startRoster(database);
  let cpuPatch: LoadResult | undefined;
  try {
    await releaseBrake(server.url, accountId);
    cpuPatch = await load(server, patchActiveRequests(small.sampleIds), {
      ...patching,
      cpuPid: server.pid,
    });
    report({
      scenario: 'PATCH replace active (server CPU)',
      users: SMALL,
      connections: CONNECTIONS,
      result: cpuPatch,
      rssAfter: server.rss(),
    });
    const brake = await brakeStatus(server.url, accountId);
    log(`      brake: ${fmt(brake.deactivations)} deactivations counted, engaged ${brake.engaged}`);
    peakRss = server.peakRss();
  } finally {
    await server.stop();
  }
  const served = cpuPatch.sent ?? cpuPatch.total;
  const cpuMsPerRequest = ((cpuPatch.serverCpuSeconds ?? Number.NaN) * 1000) / served;
  log(
    `      server CPU (all threads): ${fmt(cpuPatch.serverCpuSeconds ?? 0, 2)} s over ${fmt(served)} requests served = ${fmt(cpuMsPerRequest, 3)} ms per request`,
  );

  // Top up to LARGE users: every other scenario, server memory sampled after each.
  const large = await seed(database, SMALL, LARGE, 4_000);
  const ids = [...small.sampleIds, ...large.sampleIds];
  // Disjoint users for Roster's PATCH and the floor's, each starting active: every request of
  // either flips its user (Roster answers a PATCH that changes nothing without writing).
  const rosterPatchIds = large.sampleIds.filter((_, i) => i % 2 === 0);
  const floorPatchIds = large.sampleIds.filter((_, i) => i % 2 === 1);
  const profileDir = args.has('--profile') ? join(workdir, 'profiles') : undefined;
  server = await startRoster(database, profileDir);
  const results = new Map<string, LoadResult>();
  const atLarge = async (
    scenario: string,
    run: () => Promise<LoadResult>,
    connections = CONNECTIONS,
  ) => {
    const result = await run();
    results.set(scenario, result);
    report({ scenario, users: LARGE, connections, result, rssAfter: server.rss() });
    return result;
  };
  /** A floor in its own process on the same file and core, while Roster idles. */
  const floor = async (
    scenario: string,
    kind: FloorScenario,
    next: () => RequestShape,
    extra: Extra = {},
    bare = true,
  ) => {
    const floorServer = await startFloor(database, kind, bare);
    try {
      const result = await load(floorServer, next, extra);
      results.set(scenario, result);
      report({ scenario, users: LARGE, connections: CONNECTIONS, result });
      return result;
    } finally {
      await floorServer.stop();
    }
  };
  const S = {
    lookup: 'GET filter userName eq',
    lookupFloor: 'floor: node:http + one SQLite read by userName',
    lookupHono: 'floor: Hono + one SQLite read by userName',
    get: 'GET /Users/{id}',
    getFloor: 'floor: node:http + one SQLite read by id',
    firstPage: 'GET index page, startIndex=1',
    deepCursor: `GET cursor page, after ${fmt(DEEP)}`,
    walk: `GET index page walk from startIndex=${fmt(WALK_START)}`,
    patch: 'PATCH replace active',
    patchFloor: 'floor: node:http + read + durable update',
    create: 'POST /Users (create)',
    createFloor: 'floor: node:http + durable insert (users + user_values)',
  };
  try {
    await atLarge(S.lookup, () => load(server, filterByUserName(LARGE)));
    await floor(S.lookupFloor, 'lookup', filterByUserName(LARGE));
    await floor(S.lookupHono, 'lookup', filterByUserName(LARGE), {}, false);
    await atLarge(S.get, () =>
      load(server, () => ({ path: `/scim/v2/Users/${ids[random(ids.length)]}` })),
    );
    await floor(S.getFloor, 'get', () => ({
      path: `/scim/v2/Users/${ids[random(ids.length)]}`,
    }));
    await atLarge(
      S.firstPage,
      () => load(server, () => ({ path: `/scim/v2/Users?startIndex=1&count=${PAGE}` }), paged),
      PAGE_CONNECTIONS,
    );
    const deep = await deepCursor(server.url, headers, CURSOR_SECRET, accountId, DEEP);
    const check = (await (
      await fetch(`${server.url}/scim/v2/Users?count=${PAGE}&cursor=${deep}`, { headers })
    ).json()) as { Resources?: { userName: string }[] };
    log(`  (deep cursor page starts at ${check.Resources?.[0]?.userName ?? 'nothing'})`);
    await atLarge(
      S.deepCursor,
      () => load(server, () => ({ path: `/scim/v2/Users?count=${PAGE}&cursor=${deep}` }), paged),
      PAGE_CONNECTIONS,
    );
    // The walk: warm up on the pages before it, ask for the page right before WALK_START, then
    // measure WALK_START, WALK_START + 100, … one page after the other.
    await atLarge(
      S.walk,
      async () => {
        const warmFrom = Math.max(1, WALK_START - 1_000 * PAGE);
        await load(server, indexWalk(warmFrom, WALK_START - 2 * PAGE, PAGE), {
          ...paged,
          warmupSeconds: 0,
          seconds: WARMUP_SECONDS,
        });
        const before = `/scim/v2/Users?startIndex=${WALK_START - PAGE}&count=${PAGE}`;
        await (await fetch(`${server.url}${before}`, { headers })).arrayBuffer();
        return load(server, indexWalk(WALK_START, LARGE - PAGE + 1, PAGE), {
          ...paged,
          warmupSeconds: 0,
        });
      },
      PAGE_CONNECTIONS,
    );
    await releaseBrake(server.url, accountId);
    await atLarge(S.patch, () => load(server, patchActiveRequests(rosterPatchIds), patching));
    const brake = await brakeStatus(server.url, accountId);
    log(`      brake: ${fmt(brake.deactivations)} deactivations counted, engaged ${brake.engaged}`);
    await floor(S.patchFloor, 'patch', patchActiveRequests(floorPatchIds), patching);
    await atLarge(S.create, () =>
      load(server, createUserRequests(`r${Date.now().toString(36)}`), creating),
    );
    await floor(
      S.createFloor,
      'create',
      createUserRequests(`f${Date.now().toString(36)}`),
      creating,
    );
    peakRss = Math.max(peakRss, server.peakRss());
  } finally {
    await server.stop();
  }

  const baselineAfter = await baseline('end');
  const loadAfter = load1();
  log(`Load average (1 min) after: ${loadAfter}`);
  const base = (baselineBefore + baselineAfter) / 2;
  printSummary({
    rows,
    baseline: base,
    peakRss,
    seeding: [
      { from: 0, to: SMALL, perSecond: small.usersPerSecond },
      { from: SMALL, to: LARGE, perSecond: large.usersPerSecond },
    ],
  });

  const pick = (name: string) => ({ name, result: results.get(name) });
  const deepPage = pick(`deep cursor page (after ${fmt(DEEP)})`);
  const deepResult = results.get(S.deepCursor);
  const rssPeakMb = peakRss / MB;
  const targets: TargetRow[] = [
    rateRow('`userName eq` lookup', results.get(S.lookup), pick(S.lookupFloor), RATIO_TARGET),
    rateRow('`GET /Users/{id}`', results.get(S.get), pick(S.getFloor), RATIO_TARGET),
    rateRow('PATCH `active`', results.get(S.patch), pick(S.patchFloor), RATIO_TARGET),
    rateRow(
      'create (`POST /Users`)',
      results.get(S.create),
      pick(S.createFloor),
      RATIO_TARGET,
      MIN_CREATES_PER_SECOND,
    ),
    rateRow(
      'first page of `GET /Users` (exact totalResults)',
      results.get(S.firstPage),
      { name: deepPage.name, result: deepResult },
      RATIO_TARGET,
    ),
    rateRow(
      `\`startIndex=${WALK_START}&count=${PAGE}\` after the page before it (sequential walk)`,
      results.get(S.walk),
      { name: deepPage.name, result: deepResult },
      RATIO_TARGET,
    ),
    rateRow(
      "lookup on Hono + one SQLite read (context: the framework's share)",
      results.get(S.lookupHono),
      pick(S.lookupFloor),
      null,
    ),
    {
      name: `PATCH at ${fmt(SMALL)} users: server CPU per request`,
      reqPerSec: null,
      floorReqPerSec: null,
      reference: null,
      ratio: null,
      cpuMsPerRequest,
      serverCpuSeconds: cpuPatch.serverCpuSeconds ?? Number.NaN,
      requestsServed: served,
      target: `≤ ${CPU_MS_TARGET} ms`,
      non2xx: cpuPatch.non2xx,
      errors: cpuPatch.errors,
      met: Number.isFinite(cpuMsPerRequest) ? cpuMsPerRequest <= CPU_MS_TARGET : null,
    },
    {
      name: 'server RSS, peak over the run (VmHWM)',
      reqPerSec: null,
      floorReqPerSec: null,
      reference: null,
      ratio: null,
      rssPeakMb,
      target: `≤ ${RSS_MB_TARGET} MB`,
      met: peakRss > 0 ? rssPeakMb <= RSS_MB_TARGET : null,
    },
  ];
  printTargets(
    `Targets (${fmt(LARGE)} users, SQLite; floors and the deep cursor page measured in this run; load average ${loadBefore} before, ${loadAfter} after)`,
    targets,
  );
  log(
    `Context: bare node:http ${fmt(baselineBefore)} req/s at the start, ${fmt(baselineAfter)} at the end.`,
  );
  if (json) {
    writeJson(json, {
      kind: 'sqlite',
      date,
      quick,
      code,
      machine,
      loadAverage: { before: Number(loadBefore), after: Number(loadAfter) },
      users: { cpu: SMALL, large: LARGE },
      rows: targets,
      rssPeakMb,
      cpuMsPerRequest,
      baseline: { start: baselineBefore, end: baselineAfter, mean: base },
      scenarios: rows.map(scenarioJson),
    });
  }
  if (profileDir) log(`CPU profile of the ${fmt(LARGE)}-user server: ${profileDir}`);
  if (args.has('--keep') || profileDir) log(`Kept ${workdir}`);
  else rmSync(workdir, { recursive: true, force: true });
  log(`Total time ${fmt((Date.now() - started) / 1000)} s`);
}

if (args.has('--postgres')) {
  await runPostgres(quick, json);
} else if (args.has('--webhooks')) {
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  await (await import('./webhook-lag.ts')).runWebhookLag(quick, json);
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
