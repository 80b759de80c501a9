/**
 * `roster events tail` as separate processes against a real `roster serve`: the human lines,
 * NDJSON with --json, --types and --after, --follow printing a change made while it waits, the
 * server's precise refusal of a bad type, a closed pipe, and a server that stops promptly while
 * a follower long-polls it.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const OPERATOR_KEY = 'events-cli-test-operator-key-0123456789';
const DEMO_TOKEN = 'events-cli-test-demo-token-0123456789abcdef';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('roster events tail', { timeout: 120_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-events-cli-'));
  const configDir = join(home, 'config');
  const env = { ...process.env, ROSTER_CONFIG_DIR: configDir };
  let server: ServerProcess;

  const roster = (args: readonly string[]): Promise<Run> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['--import', TSX, MAIN, ...args],
        { cwd: home, env },
        (error, stdout, stderr) => {
          const code = error ? (error as { code?: number }).code : 0;
          done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });
  const ok = async (args: readonly string[]): Promise<string> => {
    const result = await roster(args);
    expect(result.code, `roster ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const createUser = async (local: string) => {
    const response = await fetch(`${server.origin}/scim/v2/Users`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${DEMO_TOKEN}`,
        'Content-Type': 'application/scim+json',
        'User-Agent': 'Okta SCIM Client',
      },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `${local}@tail.example`,
        emails: [{ value: `${local}@tail.example`, primary: true }],
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    server = await startServer(['--database', join(home, 'roster.db')], {
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
      ROSTER_DEMO_TOKEN: DEMO_TOKEN,
    });
    await ok(['login', '--url', server.origin, '--key', OPERATOR_KEY]);
    const accounts = JSON.parse(await ok(['accounts', 'list', '--json']));
    await ok([
      'login',
      '--url',
      server.origin,
      '--key',
      OPERATOR_KEY,
      '--account',
      accounts.items[0].id,
    ]);
  }, 120_000);
  afterAll(async () => {
    if (server?.process.exitCode === null) await server.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('prints one line per event, NDJSON with --json, and filters by type and cursor', async () => {
    const ada = await createUser('ada');
    const bob = await createUser('bob');
    const human = (await ok(['events', 'tail'])).trim().split('\n');
    expect(human).toHaveLength(2);
    expect(human[0]).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z  #1  user\\.created  user:${ada}  idp:okta$`),
    );
    expect(human[1]).toContain(`#2  user.created  user:${bob}`);
    const lines = (await ok(['events', 'tail', '--json'])).trim().split('\n');
    const events = lines.map((text) => JSON.parse(text));
    expect(events.map((e) => [e.sequence, e.type, e.subject])).toEqual([
      [1, 'user.created', `user:${ada}`],
      [2, 'user.created', `user:${bob}`],
    ]);
    expect(events[0].data.user.userName).toBe('ada@tail.example');
    const after = (await ok(['events', 'tail', '--json', '--after', '1'])).trim().split('\n');
    expect(after.map((text) => JSON.parse(text).sequence)).toEqual([2]);
    expect(await ok(['events', 'tail', '--types', 'user.deactivated'])).toBe(
      'No events after 2.\n',
    );
  });

  it('passes the server’s refusal of an unknown type on, with its code', async () => {
    const result = await roster(['events', 'tail', '--types', 'user.exploded']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("'user.exploded' is not an event type");
  });

  it('--follow prints a change made while it waits, and a closed pipe ends it quietly', async () => {
    const script = `${process.execPath} --import ${TSX} ${MAIN} events tail --follow --json --after latest | head -1`;
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], { cwd: home, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let code: number | null | undefined;
    void exited.then((c) => {
      code = c;
    });
    // Changes until the follower printed one and head went away (it starts after `latest`).
    const made: string[] = [];
    for (let i = 0; i < 60 && code === undefined; i++) {
      made.push(await createUser(`follow-${i}`));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const printed = JSON.parse(stdout.trim());
    expect(printed.type).toBe('user.created');
    expect(made.map((id) => `user:${id}`)).toContain(printed.subject);
  });

  it('the server stops at once (exit 0) while a follower long-polls it', async () => {
    const follower = spawn(
      process.execPath,
      ['--import', TSX, MAIN, 'events', 'tail', '--follow', '--after', 'latest'],
      { cwd: home, env },
    );
    const followerExited = new Promise((done) => follower.on('exit', done));
    // Give the follower time to start its long-poll (its wait is 30 s, the drain's limit 10 s).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await server.stop()).toBe(0);
    follower.kill('SIGTERM');
    await followerExited;
  });
});
