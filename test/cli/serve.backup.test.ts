/**
 * Backups exactly as docs/deploy.md gives them (its `sqlite3`, `pg_dump`, `rm`/`cp` and
 * `pg_restore` lines, with paths pointed at a scratch directory), taken while a real
 * `roster serve` is under write load, then restored and served (issue 13). A restore returns the
 * database to the moment its backup began: every create acknowledged before then is there, the
 * database is consistent, and the restored server takes new writes. SQLite: the online backup of
 * roster.db and of its provisioning log roster-log.db, and `VACUUM INTO`; PostgreSQL: `pg_dump
 * -Fc` and `pg_restore`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';

const run = promisify(execFile);
const TOKEN = 'backup-test-demo-token-0123456789abcdef';
const OPERATOR_KEY = 'backup-test-operator-key-0123456789';
const has = (tool: string) => spawnSync(tool, ['--version']).status === 0;
const pgAvailable = (await postgresAvailable()) && has('pg_dump') && has('pg_restore');
if (!has('sqlite3')) console.warn('sqlite3 is not installed: the SQLite backup test is skipped');
if (!pgAvailable) console.warn('PostgreSQL or pg_dump missing: the pg_dump test is skipped');

/** The shell lines of docs/deploy.md's code blocks that start with `command`. */
function documented(command: RegExp): string[] {
  const text = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
  const lines = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    (m[1] as string).split('\n'),
  );
  return lines
    .map((line) => line.replace(/^sudo /, '').replace(/\s+#.*$/, ''))
    .filter((line) => command.test(line));
}

/** Runs a documented line in bash, its example paths pointed at the test's. */
async function shell(line: string, paths: Readonly<Record<string, string>>, env = {}) {
  // One pass, longest example first, so a substituted path is never substituted again.
  const examples = Object.keys(paths).sort((x, y) => y.length - x.length);
  const pattern = new RegExp(
    examples.map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  const command = line.replace(pattern, (found) => paths[found] as string);
  await run('bash', ['-c', command], { env: { ...process.env, ...env } });
}

/** Creates users from `connections` loops until stopped; the userNames answered 201, in order. */
function writeLoad(origin: string, connections: number) {
  const acknowledged: { userName: string; at: number }[] = [];
  let stopped = false;
  let n = 0;
  const loop = async () => {
    while (!stopped) {
      const userName = `load-${n++}@example.com`;
      const response = await fetch(`${origin}/scim/v2/Users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ userName, name: { givenName: 'Load', familyName: String(n) } }),
      }).catch(() => undefined);
      if (response?.status === 201) acknowledged.push({ userName, at: Date.now() });
      await response?.arrayBuffer();
    }
  };
  const loops = Array.from({ length: connections }, loop);
  return {
    acknowledged,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Every userName of the demo account, through the admin API. */
async function userNames(server: ServerProcess): Promise<Set<string>> {
  const headers = { Authorization: `Bearer ${OPERATOR_KEY}` };
  const accounts = (await (
    await fetch(`${server.origin}/api/v1/accounts`, { headers })
  ).json()) as {
    items: { id: string }[];
  };
  const names = new Set<string>();
  let cursor: string | null = null;
  do {
    const url = new URL(`${server.origin}/api/v1/accounts/${accounts.items[0]?.id}/users`);
    url.searchParams.set('limit', '200');
    if (cursor) url.searchParams.set('cursor', cursor);
    const page = (await (await fetch(url, { headers })).json()) as {
      items: { userName: string }[];
      nextCursor: string | null;
    };
    for (const user of page.items) names.add(user.userName);
    cursor = page.nextCursor;
  } while (cursor);
  return names;
}

/** Load for a while, a backup in the middle of it; what was acknowledged before it began. */
async function backupUnderLoad(server: ServerProcess, backup: () => Promise<void>) {
  const load = writeLoad(server.origin, 16);
  let before: string[];
  try {
    while (load.acknowledged.length < 200) await new Promise((r) => setTimeout(r, 20));
    const began = Date.now();
    before = load.acknowledged.filter((a) => a.at < began).map((a) => a.userName);
    await backup();
    const during = load.acknowledged.length;
    while (load.acknowledged.length < during + 100) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await load.stop();
  }
  // What the live database holds once the load is over: more than the backup has.
  return { before, total: (await userNames(server)).size };
}

async function expectRestored(
  server: ServerProcess,
  before: readonly string[],
  total: number,
): Promise<void> {
  const restored = await userNames(server);
  // Everything acknowledged before the backup began is there...
  expect(before.filter((name) => !restored.has(name))).toEqual([]);
  // ...and the restore is a past moment: not everything the load wrote after it.
  expect(restored.size).toBeLessThan(total);
  const fresh = await fetch(`${server.origin}/scim/v2/Users`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
    body: JSON.stringify({ userName: 'after-restore@example.com' }),
  });
  expect(fresh.status).toBe(201);
}

const env = {
  ROSTER_ADMIN_KEY: OPERATOR_KEY,
  ROSTER_RATE_LIMIT_PER_SECOND: '1000000',
  ROSTER_DEMO_TOKEN: TOKEN,
};

describe('backups taken under load, restored', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-backup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!has('sqlite3'))(
    'SQLite: sqlite3 .backup of roster.db and roster-log.db, and VACUUM INTO',
    async () => {
      const live = join(dir, 'live');
      mkdirSync(live);
      const database = join(live, 'roster.db');
      const server = await startServer(['--database', database], env);
      const backups = join(dir, 'backups');
      mkdirSync(backups);
      const paths = { '/var/lib/roster': live, '/backups': backups };
      let taken: Awaited<ReturnType<typeof backupUnderLoad>>;
      let vacuumed: Awaited<ReturnType<typeof backupUnderLoad>>;
      try {
        // The commands of docs/deploy.md, run while the server writes.
        const online = documented(/^sqlite3 .*\.backup/);
        expect(online).toHaveLength(2);
        expect(online.join('\n')).toContain('roster.db');
        expect(online.join('\n')).toContain('roster-log.db');
        taken = await backupUnderLoad(server, async () => {
          for (const line of online) await shell(line, paths);
        });
        const [vacuum] = documented(/^sqlite3 .*VACUUM INTO/);
        expect(vacuum).toBeDefined();
        vacuumed = await backupUnderLoad(server, async () => {
          // Into a file of its own, beside the online backups.
          await shell(vacuum as string, {
            "'/backups/roster.db'": `'${join(backups, 'vacuumed.db')}'`,
            ...paths,
          });
        });
      } finally {
        expect(await server.stop()).toBe(0);
      }

      const made = readdirSync(backups).sort();
      const stamp = /^roster-(.+)\.db$/.exec(made.find((f) => /^roster-\d/.test(f)) ?? '')?.[1];
      expect(made).toEqual([`roster-${stamp}.db`, `roster-log-${stamp}.db`, 'vacuumed.db'].sort());
      for (const name of made) {
        const check = new SqliteDatabase(join(backups, name), { readonly: true });
        expect(check.pragma('integrity_check', { simple: true }), name).toBe('ok');
        check.close();
      }

      // Restore as documented: the server stopped, the rm and cp lines, the server started.
      const restoreLines = documented(/^(rm|cp) .*\/var\/lib\/roster\//);
      expect(restoreLines).toHaveLength(3);
      const target = mkdtempSync(join(dir, 'restored-'));
      for (const line of restoreLines) {
        await shell(line, {
          ...paths,
          '/var/lib/roster': target,
          '2026-12-04-0300': stamp as string,
        });
      }
      const restored = await startServer(['--database', join(target, 'roster.db')], env);
      try {
        await expectRestored(restored, taken.before, taken.total);
      } finally {
        expect(await restored.stop()).toBe(0);
      }
      // Without the log's file the directory is whole; the log starts empty.
      const compact = mkdtempSync(join(dir, 'restored-'));
      copyFileSync(join(backups, 'vacuumed.db'), join(compact, 'roster.db'));
      const fromVacuum = await startServer(['--database', join(compact, 'roster.db')], env);
      try {
        await expectRestored(fromVacuum, vacuumed.before, vacuumed.total);
      } finally {
        expect(await fromVacuum.stop()).toBe(0);
      }
    },
  );

  it.skipIf(!pgAvailable)('PostgreSQL: pg_dump -Fc, pg_restore into a new database', async () => {
    const source = await createPostgresDatabase();
    const target = await createPostgresDatabase();
    try {
      const server = await startServer(['--database', source.url], env);
      const backups = join(dir, 'pg-backups');
      mkdirSync(backups);
      const paths = { '/backups': backups };
      const [dumpLine] = documented(/^pg_dump /);
      const [restoreLine] = documented(/^pg_restore /);
      let taken: Awaited<ReturnType<typeof backupUnderLoad>>;
      try {
        taken = await backupUnderLoad(server, () =>
          shell(dumpLine as string, paths, { ROSTER_DATABASE_URL: source.url }),
        );
      } finally {
        expect(await server.stop()).toBe(0);
      }
      const [dump] = readdirSync(backups);
      const stamp = /^roster-(.+)\.dump$/.exec(dump ?? '')?.[1] as string;
      await shell(restoreLine as string, {
        ...paths,
        'postgres://roster:secret@db.internal:5432/roster_restored': target.url,
        '2026-12-04-0300': stamp,
      });
      const restored = await startServer(['--database', target.url], env);
      try {
        await expectRestored(restored, taken.before, taken.total);
      } finally {
        expect(await restored.stop()).toBe(0);
      }
    } finally {
      await source.drop();
      await target.drop();
    }
  });
});
