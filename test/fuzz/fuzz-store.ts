/**
 * One fuzz run on one store: a loopback DNS server (domain verification for the accounts the
 * seeding creates), a fresh database (SQLite file, or a throwaway PostgreSQL database), a real
 * `roster serve` process over it, seeding, both phases, and everything torn down again. Used by
 * `npm run fuzz` (bench/fuzz.ts) and by test/fuzz/fuzz.test.ts at a small size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer } from '../helpers/dns-server.ts';
import { startServer } from '../helpers/server-process.ts';
import { createPostgresDatabase } from '../helpers/test-store.ts';
import { createFuzzClient } from './fuzz-client.ts';
import { type RunOptions, type RunReport, runFuzz } from './fuzz-run.ts';
import { seedWorld } from './fuzz-seed.ts';

export type FuzzStore = 'sqlite' | 'postgres';

/** Fixed secrets of the server under test, given through its environment. */
export const FUZZ_DEMO_TOKEN = 'fuzz-demo-token-0123456789abcdef0123456789';
export const FUZZ_OPERATOR_KEY = 'fuzz-operator-key-0123456789abcdef';
const FUZZ_CURSOR_SECRET = 'fuzz-cursor-secret-0123456789abcdef';

export interface StoreRunOptions extends RunOptions {
  readonly store: FuzzStore;
  /** Users seeded per SCIM tenant. */
  readonly users: number;
}

export interface StoreReport extends RunReport {
  readonly store: FuzzStore;
  readonly users: number;
  readonly seedSeconds: number;
  readonly totalSeconds: number;
  /** The server's exit code after SIGTERM (0: drained and closed cleanly). */
  readonly exitCode: number | null;
}

export async function fuzzStore(options: StoreRunOptions): Promise<StoreReport> {
  const started = performance.now();
  const dns = await startDnsServer();
  let database: string;
  let cleanupDatabase: () => Promise<void>;
  if (options.store === 'postgres') {
    const created = await createPostgresDatabase();
    database = created.url;
    cleanupDatabase = created.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'roster-fuzz-'));
    database = join(dir, 'roster.db');
    cleanupDatabase = async () => rmSync(dir, { recursive: true, force: true });
  }
  const server = await startServer(['--database', database], {
    ROSTER_DEMO_TOKEN: FUZZ_DEMO_TOKEN,
    ROSTER_ADMIN_KEY: FUZZ_OPERATOR_KEY,
    ROSTER_CURSOR_SECRET: FUZZ_CURSOR_SECRET,
    ROSTER_RATE_LIMIT_PER_SECOND: '1000000',
    ROSTER_ADMIN_RATE_LIMIT_PER_SECOND: '1000000',
    // Malformed credentials are part of the fuzz; one address sends them all.
    ROSTER_AUTH_FAILURE_LIMIT: '100000000',
    ROSTER_DNS_RESOLVER: dns.address,
    ROSTER_DNS_TIMEOUT_MS: '1000',
    ROSTER_DOMAIN_RECHECK_SECONDS: '0',
    // Errors only: each is tied to the request that caused it by replaying that request.
    ROSTER_LOG_LEVEL: 'error',
    ROSTER_PUBLIC_URL: '',
  });
  const client = createFuzzClient(server.origin, {
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
  });
  let exitCode: number | null = null;
  try {
    const seedStarted = performance.now();
    const world = await seedWorld(client, {
      seed: options.seed,
      users: options.users,
      operatorKey: FUZZ_OPERATOR_KEY,
      demoToken: FUZZ_DEMO_TOKEN,
      publishTxt: (host, value) => dns.setTxt(host, [value]),
      onProgress: options.onProgress,
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    options.onProgress?.(`seeded in ${seedSeconds.toFixed(1)} s`);
    const report = await runFuzz(
      client,
      world,
      {
        output: () => server.output(),
        alive: () => server.process.exitCode === null && server.process.signalCode === null,
      },
      options,
    );
    client.close();
    exitCode = await server.stop();
    return {
      ...report,
      store: options.store,
      users: options.users,
      seedSeconds,
      totalSeconds: (performance.now() - started) / 1000,
      exitCode,
    };
  } finally {
    client.close();
    if (server.process.exitCode === null) await server.stop();
    await dns.close();
    await cleanupDatabase();
  }
}
