/**
 * A throwaway PostgreSQL database for `npm run bench -- --postgres`: created through the
 * `postgres` maintenance database, described (version and the settings that bound write
 * throughput), and dropped WITH (FORCE) so connections still open cannot keep it alive.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  readonly name: string;
  /** The URL Roster and the seeder use. */
  readonly url: string;
  /** Idempotent; safe to call from a signal handler while other work is in flight. */
  drop(): Promise<void>;
}

export interface ServerInfo {
  readonly version: string;
  readonly settings: Readonly<Record<string, string>>;
}

/** Settings that bound the figures: durability of every COMMIT, memory, connection limit. */
const SETTINGS = [
  'fsync',
  'synchronous_commit',
  'wal_sync_method',
  'full_page_writes',
  'shared_buffers',
  'max_connections',
] as const;

async function withMaintenance<T>(
  origin: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: `${origin}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(origin: string): Promise<BenchDatabase> {
  const name = `roster_bench_${randomBytes(6).toString('hex')}`;
  // The name is generated here from hex digits only, so it needs no quoting beyond this.
  await withMaintenance(origin, (client) => client.query(`create database "${name}"`));
  let dropping: Promise<void> | undefined;
  return {
    name,
    url: `${origin}/${name}`,
    drop() {
      dropping ??= withMaintenance(origin, async (client) => {
        await client.query(`drop database if exists "${name}" with (force)`);
      });
      return dropping;
    },
  };
}

export async function serverInfo(origin: string): Promise<ServerInfo> {
  return withMaintenance(origin, async (client) => {
    const show = async (name: string) => {
      const { rows } = await client.query<Record<string, string>>(`show ${name}`);
      return Object.values(rows[0] ?? {})[0] ?? '?';
    };
    const settings: Record<string, string> = {};
    for (const name of SETTINGS) settings[name] = await show(name);
    return { version: await show('server_version'), settings };
  });
}
