/**
 * `npm run bench -- --postgres [--quick] [--json FILE]`: the SCIM hot paths on PostgreSQL, first
 * against one Roster instance, then against two instances on the same database driven at once,
 * each beside its floor measured in the same run: bench/floor-server.ts --bare on node-postgres
 * (a pool of 10, Roster's default), the same statements, one floor process per instance.
 *
 * A throwaway database roster_bench_<random> is created on 127.0.0.1:5432 (user postgres),
 * seeded with USERS users through the store, and dropped at the end, also when interrupted.
 * Nothing is pinned: this machine has 2 cores, shared by PostgreSQL, the Roster instance(s), the
 * floors and autocannon (this process), so every figure is bounded by those 2 cores.
 * --quick: 2k users, 1 s + 2 s runs, a smoke test.
 *
 * Targets: PATCH and creates ≥ 1,800/s (twice the 856 and 901/s one instance reached in the
 * PostgreSQL run of 2026-11-23, docs/performance.md); lookups (userName eq and by id) ≥ 50% of
 * their floor. The other rows (floors of the writes, first and walked index pages against a
 * deep cursor page, RSS) are printed for context.
 *
 * `--json FILE` writes { "kind": "postgres", "date", "quick", "code", "machine", "postgres":
 * { "version", "settings" }, "users", "loadAverage", "rows": [ { "instances", "name",
 * "reqPerSec", "floorReqPerSec", "reference", "ratio", "target", "minReqPerSec"?, "met", … } ],
 * "rssPeakMb", "rssPeakMbByInstance", "baseline": { "start", "end", "mean" }, "scenarios":
 * [ { "name", "instances", "reqPerSec", …, "cores": { "roster", "postgres", "bench" } } ] }:
 * the rows as in bench/run.ts (target a ratio, or null with "minReqPerSec" for the writes).
 */

import { cpus, loadavg, totalmem } from 'node:os';
import { type CpuSplit, startCpuSplit } from './cpu-split.ts';
import { createUserRequests, indexWalk, patchActiveRequests } from './create-requests.ts';
import { deepCursor } from './deep-cursor.ts';
import { type LoadResult, measure, type RequestShape } from './load.ts';
import { type BenchDatabase, createBenchDatabase, serverInfo } from './postgres-database.ts';
import {
  codeVersion,
  fmt,
  log,
  MB,
  percent,
  printRow,
  printTargets,
  type Row,
  rate,
  rateRow,
  scenarioJson,
  type TargetRow,
  writeJson,
} from './report.ts';
import { seedUsers, userNameOf } from './seed-users.ts';
import {
  BENCH_CURSOR_SECRET,
  BENCH_TOKEN,
  brakeStatus,
  releaseBrake,
  rosterServe,
  type ServerProcess,
  startServer,
} from './server-process.ts';

const ORIGIN = process.env.ROSTER_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432';
const TOKEN = BENCH_TOKEN;
const CURSOR_SECRET = BENCH_CURSOR_SECRET;
const CONNECTIONS = 50;
/** List pages one request at a time per instance, as in the SQLite bench. */
const PAGE_CONNECTIONS = 1;
const PAGE = 100;
const DRAIN_PATH = '/scim/v2/Users/00000000-0000-0000-0000-000000000000';
const USER_AGENT = 'Okta SCIM Client 1.0.0';
const RATIO_TARGET = 0.5;
/** Twice the one-instance PATCH (856/s) and create (901/s) rates of 2026-11-23, rounded. */
const MIN_WRITES_PER_SECOND = 1_800;
const WRITE_BASELINE =
  '2 × 900/s: the one-instance PATCH (856/s) and create (901/s) rates of the PostgreSQL run of 2026-11-23 14:47 UTC, commit 8e7646e (docs/performance.md)';

interface Settings {
  readonly users: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

interface PgRow extends Row {
  readonly instances: number;
  readonly cpu?: CpuSplit;
}

const random = (below: number) => Math.floor(Math.random() * below);
const headers = { authorization: `Bearer ${TOKEN}`, 'user-agent': USER_AGENT };
const withBody = { ...headers, 'content-type': 'application/scim+json' };
const cores = (split: CpuSplit) =>
  `server(s) ${split.roster.toFixed(2)}, postgres ${split.postgres.toFixed(2)}, autocannon ${split.bench.toFixed(2)}`;

/** Summed rate, worse p50 and p99, summed failures: what the instances did together. */
function combine(results: readonly LoadResult[]): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const r of results) {
    for (const [code, count] of Object.entries(r.statusCodes)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  const sum = (pick: (r: LoadResult) => number) => results.reduce((t, r) => t + pick(r), 0);
  return {
    requestsPerSecond: sum((r) => r.requestsPerSecond),
    p50Ms: Math.max(...results.map((r) => r.p50Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    total: sum((r) => r.total),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    statusCodes,
  };
}

/** Servers still running, killed before the database is dropped on an interruption. */
const running = new Set<ServerProcess>();

async function startRoster(name: string, database: string): Promise<ServerProcess> {
  const server = await startServer({ name, ...rosterServe(database) });
  running.add(server);
  return server;
}

async function stopServer(server: ServerProcess): Promise<void> {
  await server.stop();
  running.delete(server);
}

type FloorScenario = 'lookup' | 'get' | 'patch' | 'create';

async function startFloor(name: string, database: string, scenario: FloorScenario) {
  const server = await startServer({
    name,
    args: [
      'bench/floor-server.ts',
      '--database',
      database,
      '--token',
      TOKEN,
      '--scenario',
      scenario,
      '--bare',
      '--pool',
      process.env.ROSTER_DATABASE_POOL_SIZE ?? '10',
    ],
  });
  running.add(server);
  return server;
}

/** The Roster instances' ids for the PATCH scenarios: disjoint, so every request flips. */
interface Seeded {
  readonly accountId: string;
  readonly sampleIds: readonly string[];
}

interface Measured {
  readonly rows: TargetRow[];
}

/** Each instance's request generator: shared ones (ids, unique names) or one per instance. */
type Generators = (instance: number) => () => RequestShape;
const shared =
  (next: () => RequestShape): Generators =>
  () =>
    next;

async function runScenarios(
  servers: readonly ServerProcess[],
  database: string,
  settings: Settings,
  seeded: Seeded,
  patchIds: { readonly roster: readonly string[]; readonly floor: readonly string[] },
  report: (row: PgRow) => void,
): Promise<Measured> {
  const { users, warmupSeconds, seconds } = settings;
  const ids = seeded.sampleIds;
  const instances = servers.length;
  const label = (scenario: string) => (instances === 1 ? scenario : `${scenario} (×${instances})`);
  const results = new Map<string, LoadResult>();
  /**
   * Every server gets its share of the connections; warm-ups run together, then the measured
   * runs start together, each followed by its own drain (see load.ts).
   */
  const load = async (
    scenario: string,
    on: readonly ServerProcess[],
    next: Generators,
    extra: {
      method?: string;
      headers?: Record<string, string>;
      connections?: number;
      /** The warm-up's own generators, and a step between it and the measured run. */
      warmup?: Generators;
      prime?: (server: ServerProcess) => Promise<void>;
    } = {},
  ) => {
    const each = extra.connections ?? CONNECTIONS / on.length;
    const options = (server: ServerProcess) => ({
      url: `${server.url}/scim/v2/Users`,
      headers: extra.headers ?? headers,
      method: extra.method,
      drainPath: DRAIN_PATH,
      connections: each,
      warmupSeconds: 0,
    });
    const split = startCpuSplit(on.map((s) => s.pid));
    const warmup = extra.warmup ?? next;
    const measured = on.map((_, n) => next(n));
    await Promise.all(
      on.map((s, n) =>
        measure({
          ...options(s),
          next: extra.warmup ? warmup(n) : measured[n],
          seconds: warmupSeconds,
        }),
      ),
    );
    if (extra.prime) await Promise.all(on.map(extra.prime));
    const runs = await Promise.all(
      on.map((s, n) => measure({ ...options(s), next: measured[n], seconds })),
    );
    const result = combine(runs);
    results.set(scenario, result);
    report({
      scenario: label(scenario),
      instances,
      users,
      connections: each * on.length,
      result,
      rssAfter: Math.max(...servers.map((s) => s.rss())),
      cpu: split(),
    });
    return result;
  };
  /** The floor: one floor process per instance, on the same database, while Roster idles. */
  const floor = async (
    scenario: string,
    kind: FloorScenario,
    next: Generators,
    extra: { method?: string; headers?: Record<string, string> } = {},
  ) => {
    const floors: ServerProcess[] = [];
    try {
      for (let n = 0; n < instances; n++) {
        floors.push(await startFloor(`floor-${kind}-${n + 1}`, database, kind));
      }
      await load(scenario, floors, next, extra);
    } finally {
      for (const f of floors) await stopServer(f);
    }
  };

  const S = {
    lookup: 'GET filter userName eq',
    lookupFloor: 'floor: node:http + pg, one read by userName',
    get: 'GET /Users/{id}',
    getFloor: 'floor: node:http + pg, one read by id',
    firstPage: 'GET index page, startIndex=1',
    deepCursor: '',
    walk: '',
    patch: 'PATCH replace active',
    patchFloor: 'floor: node:http + pg, select + update in one transaction',
    create: 'POST /Users (create)',
    createFloor: 'floor: node:http + pg, insert users + user_values in one transaction',
  };
  const deepSeq = Math.floor(users * 0.9);
  const walkStart = deepSeq + 1;
  S.deepCursor = `GET cursor page, after ${fmt(deepSeq)}`;
  S.walk = `GET index page walk from startIndex=${fmt(walkStart)}`;

  const byUserName = shared(() => ({
    path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userNameOf(random(users))}"`)}`,
  }));
  const byId = shared(() => ({ path: `/scim/v2/Users/${ids[random(ids.length)]}` }));
  await load(S.lookup, servers, byUserName);
  await floor(S.lookupFloor, 'lookup', byUserName);
  await load(S.get, servers, byId);
  await floor(S.getFloor, 'get', byId);
  const paged = { connections: PAGE_CONNECTIONS };
  await load(
    S.firstPage,
    servers,
    shared(() => ({ path: `/scim/v2/Users?startIndex=1&count=${PAGE}` })),
    paged,
  );
  // Sorted by seq the cursor position carries no dialect-specific value, so deep-cursor.ts
  // mints a PostgreSQL cursor unchanged; every instance is checked to serve it.
  const first = servers[0] as ServerProcess;
  const deep = await deepCursor(first.url, headers, CURSOR_SECRET, seeded.accountId, deepSeq);
  for (const [n, server] of servers.entries()) {
    const response = await fetch(`${server.url}/scim/v2/Users?count=${PAGE}&cursor=${deep}`, {
      headers,
    });
    const page = (await response.json()) as { Resources?: { userName: string }[] };
    log(
      `  (instance ${n + 1}: deep cursor page → ${response.status}, starts at ${page.Resources?.[0]?.userName ?? 'nothing'})`,
    );
  }
  await load(
    S.deepCursor,
    servers,
    shared(() => ({ path: `/scim/v2/Users?count=${PAGE}&cursor=${deep}` })),
    paged,
  );
  // One walk per instance, each one page after the other from walkStart, after a warm-up on
  // the pages before it and the page right before walkStart.
  await load(S.walk, servers, () => indexWalk(walkStart, users - PAGE + 1, PAGE), {
    ...paged,
    warmup: () => indexWalk(Math.max(1, walkStart - 1_000 * PAGE), walkStart - 2 * PAGE, PAGE),
    prime: async (server) => {
      const before = `/scim/v2/Users?startIndex=${walkStart - PAGE}&count=${PAGE}`;
      await (await fetch(`${server.url}${before}`, { headers })).arrayBuffer();
    },
  });
  await releaseBrake(first.url, seeded.accountId);
  const patching = { method: 'PATCH', headers: withBody };
  await load(S.patch, servers, shared(patchActiveRequests(patchIds.roster)), patching);
  const brake = await brakeStatus(first.url, seeded.accountId);
  log(`      brake: ${fmt(brake.deactivations)} deactivations counted, engaged ${brake.engaged}`);
  await floor(S.patchFloor, 'patch', shared(patchActiveRequests(patchIds.floor)), patching);
  const creating = { method: 'POST', headers: withBody };
  const tag = `${Date.now().toString(36)}-${instances}`;
  await load(S.create, servers, shared(createUserRequests(`r${tag}`)), creating);
  await floor(S.createFloor, 'create', shared(createUserRequests(`f${tag}`)), creating);

  const pick = (name: string) => ({ name, result: results.get(name) });
  const deepPage = {
    name: `deep cursor page (after ${fmt(deepSeq)})`,
    result: results.get(S.deepCursor),
  };
  return {
    rows: [
      rateRow('`userName eq` lookup', results.get(S.lookup), pick(S.lookupFloor), RATIO_TARGET),
      rateRow('`GET /Users/{id}`', results.get(S.get), pick(S.getFloor), RATIO_TARGET),
      rateRow(
        'PATCH `active`',
        results.get(S.patch),
        pick(S.patchFloor),
        null,
        MIN_WRITES_PER_SECOND,
      ),
      rateRow(
        'create (`POST /Users`)',
        results.get(S.create),
        pick(S.createFloor),
        null,
        MIN_WRITES_PER_SECOND,
      ),
      rateRow(
        'first page of `GET /Users` (exact totalResults)',
        results.get(S.firstPage),
        deepPage,
        null,
      ),
      rateRow(
        `\`startIndex=${walkStart}&count=${PAGE}\` after the page before it (one walk per instance)`,
        results.get(S.walk),
        deepPage,
        null,
      ),
    ],
  };
}

async function baseline(label: string, settings: Settings, report: (row: PgRow) => void) {
  const server = await startServer({
    name: 'baseline',
    args: ['bench/baseline-server.ts', '--port', '0'],
  });
  try {
    const split = startCpuSplit([server.pid]);
    const result = await measure({
      url: server.url,
      connections: CONNECTIONS,
      warmupSeconds: settings.warmupSeconds,
      seconds: settings.seconds,
    });
    report({
      scenario: `baseline node:http (${label})`,
      instances: 1,
      users: undefined,
      connections: CONNECTIONS,
      result,
      cpu: split(),
    });
    return result.requestsPerSecond;
  } finally {
    await server.stop();
  }
}

function printTable(rows: readonly PgRow[], base: number): void {
  log('');
  log(
    `Scenarios (baseline = mean of the two node:http runs = ${fmt(base)} req/s; two instances or floors: summed req/s, worse p50/p99; cores = CPU used per wall second, warm-up included)`,
  );
  log('');
  log(
    '| Scenario | Instances | Conns | req/s | p50 ms | p99 ms | non-2xx | errors | of node:http | cores used: server(s) / postgres / autocannon |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    const r = row.result;
    const cpu = row.cpu
      ? `${row.cpu.roster.toFixed(2)} / ${row.cpu.postgres.toFixed(2)} / ${row.cpu.bench.toFixed(2)}`
      : '–';
    log(
      `| ${row.scenario} | ${row.users === undefined ? '–' : row.instances} | ${row.connections} | ${rate(r.requestsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${r.non2xx} | ${r.errors} | ${percent(r.requestsPerSecond / base)} | ${cpu} |`,
    );
  }
}

interface Header {
  readonly date: string;
  readonly machine: string;
  readonly code: string;
  readonly postgres: { readonly version: string; readonly settings: Record<string, string> };
}

async function bench(
  database: BenchDatabase,
  settings: Settings,
  header: Header,
  quick: boolean,
  json: string | undefined,
): Promise<void> {
  const rows: PgRow[] = [];
  const report = (row: PgRow) => {
    rows.push(row);
    printRow(row);
    if (row.cpu) log(`      cores used: ${cores(row.cpu)}`);
  };
  const load1 = () => loadavg()[0]?.toFixed(2) ?? '?';
  const loadBefore = load1();
  log(`Load average (1 min) before: ${loadBefore} — other work on this machine skews every figure`);
  const before = await baseline('start', settings, report);

  const started = performance.now();
  const seeded = await seedUsers({
    database: database.url,
    token: TOKEN,
    from: 0,
    to: settings.users,
    sampleSize: 4_000,
  });
  log(
    `Seeded ${fmt(settings.users)} users through the store in ${fmt(seeded.seconds, 1)} s = ${fmt(seeded.usersPerSecond)} users/s (migrate included: ${fmt((performance.now() - started) / 1000, 1)} s)`,
  );
  // Four disjoint sets of active users: Roster's PATCH and the floor's, with one and two
  // instances, so every PATCH flips its user.
  const quarter = (k: number) => seeded.sampleIds.filter((_, i) => i % 4 === k);

  log('One instance:');
  const a = await startRoster('roster-a', database.url);
  let peakA = 0;
  let peakB = 0;
  let one: Measured;
  let two: Measured;
  try {
    one = await runScenarios(
      [a],
      database.url,
      settings,
      seeded,
      {
        roster: quarter(0),
        floor: quarter(1),
      },
      report,
    );
    log('Two instances on the same database (instance 1 keeps running, instance 2 starts):');
    const b = await startRoster('roster-b', database.url);
    try {
      two = await runScenarios(
        [a, b],
        database.url,
        settings,
        seeded,
        {
          roster: quarter(2),
          floor: quarter(3),
        },
        report,
      );
    } finally {
      peakB = b.peakRss();
      await stopServer(b);
    }
  } finally {
    peakA = a.peakRss();
    await stopServer(a);
  }
  const after = await baseline('end', settings, report);
  const loadAfter = load1();
  log(`Load average (1 min) after: ${loadAfter}`);
  const base = (before + after) / 2;
  printTable(rows, base);
  log('');
  log(
    `Seeding: ${fmt(seeded.usersPerSecond)} users/s. Peak RSS (VmHWM): instance 1 ${fmt(peakA / MB)} MB, instance 2 ${fmt(peakB / MB)} MB.`,
  );
  const targets = [
    ...one.rows.map((row) => ({ instances: 1, ...row })),
    ...two.rows.map((row) => ({ instances: 2, ...row })),
  ];
  printTargets(
    `Targets (${fmt(settings.users)} users, PostgreSQL; floors and deep cursor pages measured in this run; load average ${loadBefore} before, ${loadAfter} after)`,
    targets.map((row) => ({
      ...row,
      name: `${row.name}, ${row.instances} instance${row.instances === 1 ? '' : 's'}`,
    })),
  );
  log(`Writes: ≥ ${fmt(MIN_WRITES_PER_SECOND)}/s is ${WRITE_BASELINE}.`);
  log(
    'Bounded by 2 cores: PostgreSQL, the instance(s), the floors and autocannon share them, so the two-instance rows show that two instances on one database work together and where the 2-core ceiling is, not horizontal scaling.',
  );
  if (json) {
    writeJson(json, {
      kind: 'postgres',
      ...header,
      quick,
      users: settings.users,
      loadAverage: { before: Number(loadBefore), after: Number(loadAfter) },
      writeTargetBaseline: WRITE_BASELINE,
      rows: targets,
      rssPeakMb: Math.max(peakA, peakB) / MB,
      rssPeakMbByInstance: [peakA / MB, peakB / MB],
      baseline: { start: before, end: after, mean: base },
      scenarios: rows.map((row) => ({
        ...scenarioJson(row),
        instances: row.users === undefined ? null : row.instances,
        ...(row.cpu ? { cores: row.cpu } : {}),
      })),
    });
  }
}

export async function runPostgres(quick: boolean, json?: string): Promise<void> {
  const settings: Settings = quick
    ? { users: 2_000, warmupSeconds: 1, seconds: 2 }
    : { users: 100_000, warmupSeconds: 2, seconds: 8 };
  const started = Date.now();
  const info = await serverInfo(ORIGIN);
  const date = new Date().toISOString();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 1024 ** 3, 1)} GiB, Node ${process.version}`;
  const code = codeVersion();
  log(`Roster bench on PostgreSQL${quick ? ' (--quick)' : ''} — ${date}`);
  log(`Machine: ${machine}`);
  log(
    `PostgreSQL ${info.version} at ${ORIGIN}: ${Object.entries(info.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  log(`Code: ${code}`);
  log(
    `Pinning: none. PostgreSQL, the Roster instance(s), the floors and autocannon (this process) all share the ${cpus().length} cores; every figure is bounded by them.`,
  );
  log(
    `Load: autocannon, ${CONNECTIONS} connections in all (${PAGE_CONNECTIONS} per instance for list pages), split evenly over the instances (or floors); ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured per scenario; ${fmt(settings.users)} users; pool ${process.env.ROSTER_DATABASE_POOL_SIZE ?? '10 (default)'} connections per instance and per floor`,
  );
  log(
    'Roster: demo token and operator key from the environment; deprovisioning brake share 1 (it counts and records every deactivation but never holds; released before each PATCH scenario)',
  );

  const database = await createBenchDatabase(ORIGIN);
  log(`Database: ${database.name} (dropped at the end)`);
  // Interrupted: kill the instances (dropping the database under them would only make them
  // print connection errors), drop the database, exit; the 'exit' hooks stop anything else.
  const interrupted = (code: number) => () => {
    log(`Interrupted: dropping ${database.name}`);
    for (const server of running) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    database
      .drop()
      .catch((error: unknown) => log(`could not drop ${database.name}: ${String(error)}`))
      .finally(() => process.exit(code));
  };
  process.on('SIGINT', interrupted(130));
  process.on('SIGTERM', interrupted(143));
  try {
    await bench(database, settings, { date, machine, code, postgres: info }, quick, json);
  } finally {
    await database.drop();
    log(`Dropped ${database.name}`);
  }
  log(`Total time ${fmt((Date.now() - started) / 1000)} s`);
}
