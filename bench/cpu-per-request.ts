/**
 * `npm run bench:cpu -- [--users N] [--requests N] [scenario…]`: Roster's CPU per request for
 * each hot path, in-process: requests go through the app's own fetch handler (`app.fetch`, the
 * handler the HTTP server calls) 50 at a time, without sockets, so the figure is Roster's work
 * alone, every thread of the process counted (`process.cpuUsage`, which includes the provisioning
 * log's writer thread). Use it to compare one change against the last; the rates that count are
 * `npm run bench`'s, measured over real sockets against the floors.
 * Scenarios: healthz (the harness and Hono alone, to subtract), lookup, get, patch, create, page-first, page-index-next (default: all).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { deprovisionBrakePolicy, loadConfig } from '../src/config.ts';
import { createDirectory } from '../src/directory/directory.ts';
import { createApp } from '../src/http/app.ts';
import { createStore } from '../src/store/create-store.ts';
import { createUserRequests, patchActiveRequests } from './create-requests.ts';
import { fmt, log } from './report.ts';
import { userNameOf } from './seed-users.ts';
import { BENCH_CURSOR_SECRET, BENCH_TOKEN } from './server-process.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const SCENARIOS = [
  'healthz',
  'lookup',
  'get',
  'patch',
  'create',
  'page-first',
  'page-index-next',
] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Shape {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

/** Up to 2,000 user ids spread over the list, and how many users there are. */
async function sampleIds(database: string): Promise<{ sampleIds: string[]; users: number }> {
  const store = createStore(database);
  try {
    await store.migrate();
    const [account] = await store.accounts.list();
    if (!account) throw new Error(`no account in ${database}`);
    const users = await store.users.count(account.id);
    const every = Math.max(1, Math.floor(users / 2000));
    const page = await store.users.query({
      accountId: account.id,
      condition: { kind: 'all' },
      sort: undefined,
      page: { kind: 'index', offset: 0, limit: users },
    });
    return { sampleIds: page.users.filter((_, i) => i % every === 0).map((u) => u.id), users };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const users = option('--users', 100_000);
  const requests = option('--requests', 20_000);
  const chosen = process.argv
    .slice(2)
    .filter((a) => (SCENARIOS as readonly string[]).includes(a)) as Scenario[];
  const scenarios = chosen.length > 0 ? chosen : [...SCENARIOS];
  const given = process.argv.indexOf('--database');
  const workdir = mkdtempSync(join(tmpdir(), 'roster-cpu-'));
  // `--database FILE`: seed FILE once (in a child process, so a profile of this one shows only
  // requests), then reuse it on later runs.
  const database = given >= 0 ? (process.argv[given + 1] as string) : join(workdir, 'roster.db');
  try {
    if (!existsSync(database)) {
      const seeding = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/seed-users.ts', database, String(users)],
        { stdio: 'inherit' },
      );
      if (seeding.status !== 0) throw new Error('seeding failed');
    }
    const seeded = await sampleIds(database);
    // The brake as `npm run bench` sets it (bench/server-process.ts): it counts and records
    // every deactivation but never holds, or half of the patch scenario's requests would be.
    const config = loadConfig(
      { demoToken: BENCH_TOKEN },
      {
        ROSTER_RATE_LIMIT_PER_SECOND: '100000000',
        ROSTER_CURSOR_SECRET: BENCH_CURSOR_SECRET,
        ROSTER_DEPROVISION_BRAKE_SHARE: '1',
      },
    );
    const store = createStore(database);
    await store.migrate();
    const directory = createDirectory({ store, deprovisionBrake: deprovisionBrakePolicy(config) });
    const app = createApp({
      directory,
      config,
      logger: pino({ level: 'silent' }),
      cursorSecret: BENCH_CURSOR_SECRET,
    });
    const headers = {
      authorization: `Bearer ${BENCH_TOKEN}`,
      'content-type': 'application/scim+json',
      'user-agent': 'Okta SCIM Client 1.0.0',
    };
    const send = async ({ method, path, body }: Shape) => {
      const response = await app.fetch(
        new Request(`http://127.0.0.1${path}`, {
          method,
          headers,
          ...(body ? { body } : {}),
        }),
      );
      await response.arrayBuffer();
      return response.status;
    };
    const ids = seeded.sampleIds;
    const total = seeded.users;
    const random = (below: number) => Math.floor(Math.random() * below);
    const creates = createUserRequests(`cpu${Date.now().toString(36)}`);
    const patches = patchActiveRequests(ids);
    let indexPage = 0;
    const next: Record<Scenario, () => Shape> = {
      healthz: () => ({ method: 'GET', path: '/healthz' }),
      lookup: () => ({
        method: 'GET',
        path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userNameOf(random(total))}"`)}`,
      }),
      get: () => ({ method: 'GET', path: `/scim/v2/Users/${ids[random(ids.length)]}` }),
      patch: () => ({ method: 'PATCH', ...patches() }) as Shape,
      create: () => ({ method: 'POST', path: '/scim/v2/Users', ...creates() }),
      'page-first': () => ({ method: 'GET', path: '/scim/v2/Users?startIndex=1&count=100' }),
      'page-index-next': () => {
        const start = 1 + ((indexPage++ * 100) % Math.max(100, total - 100));
        return { method: 'GET', path: `/scim/v2/Users?startIndex=${start}&count=100` };
      },
    };
    for (const scenario of scenarios) {
      const count = scenario.startsWith('page') ? Math.max(200, requests / 50) : requests;
      const run = async (n: number) => {
        let failed = 0;
        let done = 0;
        const worker = async () => {
          while (done < n) {
            done++;
            const status = await send(next[scenario]());
            if (status >= 300) failed++;
          }
        };
        await Promise.all(Array.from({ length: scenario.startsWith('page') ? 1 : 50 }, worker));
        await directory.provisioningLog.flush();
        return failed;
      };
      await run(Math.ceil(count / 10));
      const cpu = process.cpuUsage();
      const wall = performance.now();
      const failed = await run(count);
      const used = process.cpuUsage(cpu);
      const ms = performance.now() - wall;
      log(
        `${scenario.padEnd(16)} ${fmt((used.user + used.system) / count, 1).padStart(7)} µs CPU/request  ${fmt((count / ms) * 1000).padStart(7)} req/s  (${fmt(count)} requests${failed ? `, ${failed} not 2xx` : ''})`,
      );
    }
    await directory.close();
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

await main();
