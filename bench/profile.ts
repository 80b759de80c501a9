/**
 * `npm run bench:profile -- <lookup|get|create|patch> [--users N] [--seconds S] [--floor]`: where one
 * SCIM hot path spends its CPU. Seeds N users (default 100,000) into a fresh database, runs one
 * Roster server pinned to core 0 under V8's sampling profiler, loads it with one scenario
 * (50 connections) from core 1, then prints CPU per request and the self and inclusive time of
 * the top functions and source files. Inclusive time of a file counts a sample once however
 * often the file appears on its stack, so it answers "what would vanish if this file cost 0".
 * `--floor` profiles the scenario's floor server (bench/floor-server.ts --bare) instead of Roster.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuProfile, summariseProfile } from './cpu-profile-summary.ts';
import { createUserRequests, patchActiveRequests } from './create-requests.ts';
import { measure, type RequestShape } from './load.ts';
import { createBenchDatabase } from './postgres-database.ts';
import { fmt, log } from './report.ts';
import { seedUsers, userNameOf } from './seed-users.ts';
import { BENCH_TOKEN, pinProcess, rosterServe, startServer } from './server-process.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const scenario = process.argv[2] ?? 'lookup';
  const users = option('--users', 100_000);
  const seconds = option('--seconds', 10);
  const workdir = mkdtempSync(join(tmpdir(), 'roster-profile-'));
  // `--postgres`: a throwaway database on ROSTER_BENCH_POSTGRES (PostgreSQL runs unpinned).
  const pgDatabase = process.argv.includes('--postgres')
    ? await createBenchDatabase(
        process.env.ROSTER_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432',
      )
    : undefined;
  const database = pgDatabase?.url ?? join(workdir, 'roster.db');
  const profiles = join(workdir, 'profiles');
  pinProcess(process.pid, 1);
  try {
    const seeded = await seedUsers({ database, token: BENCH_TOKEN, from: 0, to: users });
    log(`Seeded ${fmt(users)} users in ${fmt(seeded.seconds, 1)} s`);
    const cpuProf = ['--cpu-prof', '--cpu-prof-dir', profiles];
    // `--floor`: profile the scenario's floor (bench/floor-server.ts --bare) instead.
    const server = await startServer(
      process.argv.includes('--floor')
        ? {
            name: 'floor',
            args: [
              ...cpuProf,
              'bench/floor-server.ts',
              '--database',
              database,
              '--token',
              BENCH_TOKEN,
              '--scenario',
              scenario,
              '--bare',
            ],
            core: 0,
          }
        : { name: 'roster', ...rosterServe(database, cpuProf), core: 0 },
    );
    const random = (below: number) => Math.floor(Math.random() * below);
    let next: () => RequestShape;
    let method = 'GET';
    let path = '/scim/v2/Users';
    if (scenario === 'lookup') {
      next = () => ({
        path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userNameOf(random(users))}"`)}`,
      });
    } else if (scenario === 'create') {
      method = 'POST';
      next = createUserRequests('profile');
    } else if (scenario === 'get' || scenario === 'patch') {
      // Spread over the whole list; a floor serves no list to take them from.
      const ids = seeded.sampleIds;
      if (scenario === 'get') next = () => ({ path: `/scim/v2/Users/${ids[random(ids.length)]}` });
      else {
        method = 'PATCH';
        next = patchActiveRequests(ids);
      }
    } else throw new Error(`unknown scenario '${scenario}': lookup, get, create or patch`);
    path = `${server.url}${path}`;
    const loadStartedUs = Number(process.hrtime.bigint() / 1000n);
    const result = await measure({
      url: path,
      connections: 50,
      warmupSeconds: 0,
      seconds,
      method,
      headers: {
        authorization: `Bearer ${BENCH_TOKEN}`,
        'content-type': 'application/scim+json',
        'user-agent': 'Okta SCIM Client 1.0.0',
      },
      next,
      drainPath: '/scim/v2/Users/00000000-0000-0000-0000-000000000000',
    });
    await server.stop();
    log(
      `${scenario}: ${fmt(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, non-2xx ${result.non2xx}`,
    );
    const file = readdirSync(profiles).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('the server wrote no CPU profile');
    const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8')) as CpuProfile;
    // Requests served include the drain probes; seeding-time work is not in the profile.
    summariseProfile(profile, result.total + 2, loadStartedUs);
  } finally {
    await pgDatabase?.drop();
    if (!process.argv.includes('--keep')) rmSync(workdir, { recursive: true, force: true });
    else log(`Kept ${workdir}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
