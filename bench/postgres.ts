/**
 * `npm run bench -- --postgres [--quick]`: the SCIM scenarios on PostgreSQL, first against one
 * Roster instance, then against two instances on the same database driven at once, each as a
 * ratio to a bare node:http server measured in the same run.
 *
 * A throwaway database roster_bench_<random> is created on 127.0.0.1:5432 (user postgres),
 * seeded with USERS users through the store, and dropped at the end, also when interrupted.
 * Nothing is pinned: this machine has 2 cores, shared by PostgreSQL, the Roster instance(s) and
 * autocannon (this process), so every figure is bounded by those 2 cores.
 * --quick: 2k users, 1 s + 2 s runs, a smoke test.
 */

import { cpus, loadavg, totalmem } from 'node:os';
import { type CpuSplit, startCpuSplit } from './cpu-split.ts';
import { createUserRequests, patchActiveRequests } from './create-requests.ts';
import { deepCursor } from './deep-cursor.ts';
import { type LoadResult, measure, type RequestShape } from './load.ts';
import { type BenchDatabase, createBenchDatabase, serverInfo } from './postgres-database.ts';
import { codeVersion, fmt, log, MB, percent, printRow, type Row, rate } from './report.ts';
import { seedUsers, userNameOf } from './seed-users.ts';
import {
  BENCH_CURSOR_SECRET,
  BENCH_TOKEN,
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
const DRAIN_PATH = '/scim/v2/Users/00000000-0000-0000-0000-000000000000';

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
const headers = { authorization: `Bearer ${TOKEN}` };
const json = { ...headers, 'content-type': 'application/scim+json' };
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

/** Instances still running, killed before the database is dropped on an interruption. */
const running = new Set<ServerProcess>();

async function startRoster(name: string, database: string): Promise<ServerProcess> {
  const server = await startServer({
    name,
    ...rosterServe(database),
  });
  running.add(server);
  return server;
}

async function runScenarios(
  servers: readonly ServerProcess[],
  settings: Settings,
  seeded: { accountId: string; sampleIds: readonly string[] },
  report: (row: PgRow) => void,
): Promise<void> {
  const { users, warmupSeconds, seconds } = settings;
  const ids = seeded.sampleIds;
  const instances = servers.length;
  /**
   * Every instance gets its share of the connections; warm-ups run together, then the measured
   * runs start together, each followed by its own drain (see load.ts).
   */
  const load = async (
    scenario: string,
    next: () => RequestShape,
    extra: { method?: string; headers?: Record<string, string>; connections?: number } = {},
  ) => {
    const total = extra.connections ?? CONNECTIONS;
    const each = extra.connections === undefined ? CONNECTIONS / instances : total;
    const options = (server: ServerProcess) => ({
      url: `${server.url}/scim/v2/Users`,
      headers,
      next,
      drainPath: DRAIN_PATH,
      ...extra,
      connections: each,
    });
    const split = startCpuSplit(servers.map((s) => s.pid));
    await Promise.all(
      servers.map((s) => measure({ ...options(s), warmupSeconds: 0, seconds: warmupSeconds })),
    );
    const results = await Promise.all(
      servers.map((s) => measure({ ...options(s), warmupSeconds: 0, seconds })),
    );
    report({
      scenario: instances === 1 ? scenario : `${scenario} (×${instances})`,
      instances,
      users,
      connections: each * instances,
      result: combine(results),
      rssAfter: Math.max(...servers.map((s) => s.rss())),
      cpu: split(),
    });
  };

  await load('GET filter userName eq', () => ({
    path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userNameOf(random(users))}"`)}`,
  }));
  await load('GET /Users/{id}', () => ({ path: `/scim/v2/Users/${ids[random(ids.length)]}` }));
  const paged = { connections: PAGE_CONNECTIONS };
  await load('GET cursor page, first', () => ({ path: '/scim/v2/Users?cursor&count=100' }), paged);
  // Sorted by seq the cursor position carries no dialect-specific value, so deep-cursor.ts
  // mints a PostgreSQL cursor unchanged; every instance is checked to serve it.
  const deepSeq = Math.floor(users * 0.9);
  const first = servers[0] as ServerProcess;
  const deep = await deepCursor(first.url, headers, CURSOR_SECRET, seeded.accountId, deepSeq);
  for (const [n, server] of servers.entries()) {
    const response = await fetch(`${server.url}/scim/v2/Users?count=100&cursor=${deep}`, {
      headers,
    });
    const page = (await response.json()) as { Resources?: { userName: string }[] };
    log(
      `  (instance ${n + 1}: deep cursor page → ${response.status}, starts at ${page.Resources?.[0]?.userName ?? 'nothing'})`,
    );
  }
  await load(
    `GET cursor page, after ${fmt(deepSeq)}`,
    () => ({ path: `/scim/v2/Users?count=100&cursor=${deep}` }),
    paged,
  );
  await load('PATCH replace active', patchActiveRequests(ids), { method: 'PATCH', headers: json });
  await load(
    'POST /Users (create)',
    createUserRequests(`${Date.now().toString(36)}-${instances}`),
    { method: 'POST', headers: json },
  );
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
    `Summary (baseline = mean of the two node:http runs = ${fmt(base)} req/s; two instances: summed req/s, worse p50/p99; cores = CPU used per wall second, warm-up included)`,
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

async function bench(database: BenchDatabase, settings: Settings): Promise<void> {
  const rows: PgRow[] = [];
  const report = (row: PgRow) => {
    rows.push(row);
    printRow(row);
    if (row.cpu) log(`      cores used: ${cores(row.cpu)}`);
  };
  const load1 = () => loadavg()[0]?.toFixed(2) ?? '?';
  log(`Load average (1 min) before: ${load1()} — other work on this machine skews every figure`);
  const before = await baseline('start', settings, report);

  const started = performance.now();
  const seeded = await seedUsers({
    database: database.url,
    token: TOKEN,
    from: 0,
    to: settings.users,
  });
  log(
    `Seeded ${fmt(settings.users)} users through the store in ${fmt(seeded.seconds, 1)} s = ${fmt(seeded.usersPerSecond)} users/s (migrate included: ${fmt((performance.now() - started) / 1000, 1)} s)`,
  );

  log('One instance:');
  const a = await startRoster('roster-a', database.url);
  let peakA = 0;
  let peakB = 0;
  try {
    await runScenarios([a], settings, seeded, report);
    log('Two instances on the same database (instance 1 keeps running, instance 2 starts):');
    const b = await startRoster('roster-b', database.url);
    try {
      await runScenarios([a, b], settings, seeded, report);
    } finally {
      peakB = b.peakRss();
      await b.stop();
      running.delete(b);
    }
  } finally {
    peakA = a.peakRss();
    await a.stop();
    running.delete(a);
  }
  const after = await baseline('end', settings, report);
  log(`Load average (1 min) after: ${load1()}`);
  printTable(rows, (before + after) / 2);
  log('');
  log(
    `Seeding: ${fmt(seeded.usersPerSecond)} users/s. Peak RSS (VmHWM): instance 1 ${fmt(peakA / MB)} MB, instance 2 ${fmt(peakB / MB)} MB.`,
  );
  log(
    'Bounded by 2 cores: PostgreSQL, the instance(s) and autocannon share them, so the two-instance rows show that two instances on one database work together and where the 2-core ceiling is, not horizontal scaling.',
  );
}

export async function runPostgres(quick: boolean): Promise<void> {
  const settings: Settings = quick
    ? { users: 2_000, warmupSeconds: 1, seconds: 2 }
    : { users: 100_000, warmupSeconds: 2, seconds: 8 };
  const started = Date.now();
  const info = await serverInfo(ORIGIN);
  log(`Roster bench on PostgreSQL${quick ? ' (--quick)' : ''} — ${new Date().toISOString()}`);
  log(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 1024 ** 3, 1)} GiB, Node ${process.version}`,
  );
  log(
    `PostgreSQL ${info.version} at ${ORIGIN}: ${Object.entries(info.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  log(`Code: ${codeVersion()}`);
  log(
    `Pinning: none. PostgreSQL, the Roster instance(s) and autocannon (this process) all share the ${cpus().length} cores; every figure is bounded by them.`,
  );
  log(
    `Load: autocannon, ${CONNECTIONS} connections in all (${PAGE_CONNECTIONS} per instance for cursor pages), split evenly over the instances; ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured per scenario; ${fmt(settings.users)} users; Roster pool ${process.env.ROSTER_DATABASE_POOL_SIZE ?? '10 (default)'} connections per instance`,
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
    await bench(database, settings);
  } finally {
    await database.drop();
    log(`Dropped ${database.name}`);
  }
  log(`Total time ${fmt((Date.now() - started) / 1000)} s`);
}
