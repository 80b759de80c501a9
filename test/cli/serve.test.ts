/**
 * The README's promise, end to end: `roster serve` on an empty database migrates, creates the
 * demo account, prints its tenant URL and a token once, and serves SCIM over a real socket;
 * `roster users` and `roster log` read it through the admin API.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, startServer } from '../helpers/server-process.ts';

const run = promisify(execFile);

describe('roster serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
  const database = join(dir, 'roster.db');
  let token = '';
  let userId = '';

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const server = await startServer(['--database', database]);
    try {
      const banner = server.output();
      expect(banner).toContain(`SCIM tenant URL: ${server.origin}/scim/v2`);
      expect(banner).toContain('?aadOptscim062020');
      token = /Access token \(shown once[^)]*\): (\S+)/.exec(banner)?.[1] ?? '';
      expect(token).toMatch(/^roster_[A-Za-z0-9_-]{40,}$/);

      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const created = await fetch(`${server.origin}/scim/v2/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          userName: 'Grace@example.com',
          name: { givenName: 'Grace', familyName: 'Hopper' },
        }),
      });
      expect(created.status).toBe(201);
      userId = ((await created.json()) as { id: string }).id;

      // A real URL with `+` for spaces and raw quotes, as Entra's validator sends it.
      const found = await fetch(
        `${server.origin}/scim/v2/Users?filter=userName+eq+"grace%40example.com"`,
        { headers },
      );
      expect(found.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      const list = (await found.json()) as { totalResults: number; Resources: { id: string }[] };
      expect(list.totalResults).toBe(1);
      expect(list.Resources[0]?.id).toBe(userId);

      const wrong = await fetch(`${server.origin}/scim/v2/Users`, {
        headers: { Authorization: 'Bearer nope' },
      });
      expect(wrong.status).toBe(401);
    } finally {
      // Graceful shutdown drains and exits cleanly.
      expect(await server.stop()).toBe(0);
    }
  });

  it('prints the token only on the first start, and the token keeps working', async () => {
    const server = await startServer([
      '--database',
      database,
      '--demo-token',
      'a-chosen-demo-token-0123456789abcdef',
    ]);
    try {
      expect(server.output()).not.toContain('shown once');
      const old = await fetch(`${server.origin}/scim/v2/Users/${userId}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(old.status).toBe(200);
      const chosen = await fetch(`${server.origin}/scim/v2/Users/${userId}`, {
        headers: { Authorization: 'Bearer a-chosen-demo-token-0123456789abcdef' },
      });
      expect(chosen.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('roster users and roster log read the same server through the admin API', async () => {
    const operatorKey = 'serve-test-operator-key-0123456789';
    const server = await startServer(['--database', database], { ROSTER_ADMIN_KEY: operatorKey });
    const configDir = join(dir, 'config');
    const roster = (...args: string[]) =>
      run(
        process.execPath,
        ['--import', 'tsx', MAIN, ...args, '--url', server.origin, '--key', operatorKey],
        {
          cwd: ROOT,
          env: { ...process.env, ROSTER_CONFIG_DIR: configDir },
        },
      );
    try {
      const accounts = JSON.parse((await roster('accounts', 'list', '--json')).stdout) as {
        items: { id: string; name: string }[];
      };
      const demo = accounts.items[0]?.id as string;
      const { stdout } = await roster('users', 'list', '--account', demo);
      expect(stdout).toMatch(/EMAIL/);
      expect(stdout).toContain('Grace@example.com');
      expect(stdout).toContain(userId);

      const log = await roster('log', '--account', demo, '--json');
      const { items: events } = JSON.parse(log.stdout) as {
        items: { operation: string; status: number; userId: string | null }[];
      };
      // Oldest first; a request with an unknown token belongs to no account's log.
      expect(events.map((e) => [e.operation, e.status])).toEqual([
        ['create user', 201],
        ['find users', 200],
        ['get user', 200],
        ['get user', 200],
      ]);
      expect(events[0]?.userId).toBe(userId);
      const table = await roster('log', '--account', demo);
      expect(table.stdout).toMatch(/^TIME +IDP +OPERATION +STATUS +OUTCOME +USER +GROUP/);
      expect(table.stdout).toContain('create user');

      const group = await fetch(`${server.origin}/scim/v2/Groups`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'Logged',
        }),
      });
      const groupId = ((await group.json()) as { id: string }).id;
      const { items: forGroup } = JSON.parse(
        (await roster('log', '--account', demo, '--group', groupId, '--json')).stdout,
      ) as { items: { operation: string; groupId: string }[] };
      expect(forGroup.map((e) => [e.operation, e.groupId])).toEqual([['create group', groupId]]);
    } finally {
      await server.stop();
    }
  });

  it('rejects invalid configuration with a clear message', async () => {
    const result = await run(
      process.execPath,
      ['--import', 'tsx', MAIN, 'serve', '--port', 'abc'],
      { cwd: ROOT },
    ).catch((error: { code: number; stderr: string }) => error);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/port/);
  });
});
