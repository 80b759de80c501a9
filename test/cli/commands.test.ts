/**
 * The `roster` commands beyond the setup path, as separate processes against a real server:
 * JSON for scripts, tokens rotated and revoked (proven with SCIM requests), users, permission
 * sets, teams, the brake, `log --follow`, the SCIM adoption preview, group mappings, and how each
 * kind of failure is reported: one line on stderr and a non-zero exit.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const OPERATOR_KEY = 'commands-test-operator-key-0123456789';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('roster commands against a running server', { timeout: 120_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-commands-'));
  const configDir = join(home, 'config');
  let server: ServerProcess;
  let accountId = '';
  let otherAccountId = '';

  const roster = (
    args: readonly string[],
    cwd = home,
    env: Record<string, string> = {},
  ): Promise<Run> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['--import', TSX, MAIN, ...args],
        { cwd, env: { ...process.env, ROSTER_CONFIG_DIR: configDir, ...env } },
        (error, stdout, stderr) => {
          const code = error ? (error as { code?: number }).code : 0;
          done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });
  const ok = async (args: readonly string[], cwd = home): Promise<string> => {
    const result = await roster(args, cwd);
    expect(result.code, `roster ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const json = async (args: readonly string[]) => JSON.parse(await ok([...args, '--json']));
  const scim = async (token: string) =>
    (
      await fetch(`${server.origin}/scim/v2/Users?count=1`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).status;

  beforeAll(async () => {
    server = await startServer(['--database', join(home, 'roster.db')], {
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
      ROSTER_DEPROVISION_BRAKE_MIN_USERS: '1',
    });
    await ok(['login', '--url', server.origin, '--key', OPERATOR_KEY]);
    const other = await json([
      'accounts',
      'create',
      'Other Co',
      '--tier',
      'enterprise',
      '--sso',
      'on',
    ]);
    otherAccountId = other.id;
    const init = await json([
      'init',
      '--yes',
      '--name',
      'Commands Co',
      '--profile-name',
      'commands',
    ]);
    accountId = init.account.id;
  }, 120_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    rmSync(home, { recursive: true, force: true });
  });

  it('rotates tokens with an overlap or none, revokes them, and prints JSON for scripts', async () => {
    const project = join(home, 'tokens-app');
    await ok(['project', 'create', '--name', 'tokens-app', '--dest', project]);
    await ok(['project', 'upload', '--dir', project]);
    const installed = await json(['app', 'install']);
    expect(installed.tenantUrl).toBe(`${server.origin}/scim/v2`);
    expect(await scim(installed.token)).toBe(200);

    const rotated = await json(['token', 'rotate']);
    expect(rotated.replaced[0]).toMatchObject({ id: installed.tokenRecord.id, state: 'expiring' });
    expect(await scim(installed.token)).toBe(200);
    const now = await json([
      'token',
      'rotate',
      '--token',
      rotated.tokenRecord.id,
      '--overlap',
      '0',
    ]);
    expect(await scim(rotated.token)).toBe(401);
    expect(await scim(now.token)).toBe(200);

    const human = await ok(['token', 'revoke', now.tokenRecord.id]);
    expect(human).toBe(
      `Revoked the token ${now.tokenRecord.prefix}… (${now.tokenRecord.id}); it no longer works.\n`,
    );
    expect(await scim(now.token)).toBe(401);
    const list = await ok(['token', 'list']);
    expect(list.split('\n')[0]).toMatch(/^ID +PREFIX +STATE +CREATED +LAST USED +EXPIRES$/);
    expect(list).toMatch(/expiring/);
    expect(list).toMatch(/revoked/);
    expect(list).not.toContain(installed.token);

    const bad = await roster(['token', 'rotate', '--overlap', 'soon']);
    expect(bad).toMatchObject({
      code: 1,
      stderr: "roster: invalid duration 'soon': use e.g. 24h, 90m, 3600s or 0\n",
    });
  });

  it('manages users, permission sets and teams by name, id or email', async () => {
    const created = await json(['users', 'create', 'grace@commands.test', '--given-name', 'Grace']);
    expect(created).toMatchObject({ email: 'grace@commands.test', managedBy: 'app', active: true });
    expect(await ok(['users', 'deactivate', 'grace@commands.test'])).toBe(
      'grace@commands.test is deactivated.\n',
    );
    expect((await json(['users', 'show', created.id])).active).toBe(false);
    await ok(['users', 'reactivate', created.id]);
    const inactive = await json(['users', 'list', '--no-active']);
    expect(inactive.items).toEqual([]);

    await ok([
      'permission-sets',
      'create',
      'Sales Rep',
      '--permissions',
      'contacts.read, deals.write',
    ]);
    const sets = await json(['permission-sets', 'list']);
    expect(sets.items.map((s: { name: string }) => s.name)).toEqual(['Minimal', 'Sales Rep']);
    const taken = await roster(['permission-sets', 'create', 'Sales Rep']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^roster: .*\(permission_set\.name_taken\)\n$/);

    await ok(['teams', 'create', 'East']);
    await ok(['teams', 'rename', 'East', 'East Coast']);
    expect((await json(['teams', 'list'])).items.map((t: { name: string }) => t.name)).toEqual([
      'East Coast',
    ]);
    await ok(['teams', 'delete', 'East Coast']);
    expect((await json(['teams', 'list'])).items).toEqual([]);
    const missing = await roster(['teams', 'delete', 'Nowhere']);
    expect(missing.stderr).toBe("roster: no team with the id or exact name 'Nowhere'\n");
  });

  it('shows and releases the deprovisioning brake', async () => {
    // The profile `init` saved acts on the account it created.
    expect((await json(['accounts', 'show'])).id).toBe(accountId);
    const status = await json(['brake', 'status']);
    expect(status).toMatchObject({ engaged: false, deactivations: 0, minUsers: 1 });
    const released = await ok(['brake', 'release']);
    expect(released).toMatch(/^Released\.\nState: +not engaged/);
  });

  it('log --follow prints new events as they arrive and stops cleanly', async () => {
    const installed = await json(['app', 'show']);
    expect(installed.installed).toBe(true);
    const rotated = await json(['token', 'rotate', '--overlap', '0']);
    const follower: ChildProcess = spawn(
      process.execPath,
      ['--import', TSX, MAIN, 'log', '--follow', '--interval', '1s', '--json'],
      { cwd: home, env: { ...process.env, ROSTER_CONFIG_DIR: configDir } },
    );
    let out = '';
    follower.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => follower.on('exit', (code) => done(code)));
    try {
      // Events already logged come first, one JSON object per line.
      const seen = () =>
        out
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { path: string; status: number });
      for (let i = 0; i < 300 && seen().length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(seen().length).toBeGreaterThan(0);
      // Events of earlier requests may still reach the log (it is written in batches) and show
      // up a poll later: count from once the output has stood still for two polls.
      let before = seen().length;
      for (let stable = 0; stable < 20; ) {
        await new Promise((r) => setTimeout(r, 100));
        stable = seen().length === before ? stable + 1 : 0;
        before = seen().length;
      }
      await fetch(`${server.origin}/scim/v2/Users/not-a-user`, {
        headers: { Authorization: `Bearer ${rotated.token}` },
      });
      for (let i = 0; i < 300 && seen().length === before; i++)
        await new Promise((r) => setTimeout(r, 100));
      const after = seen().slice(before);
      expect(after.filter((e) => e.path === '/scim/v2/Users/not-a-user')).toEqual([
        expect.objectContaining({ path: '/scim/v2/Users/not-a-user', status: 404 }),
      ]);
    } finally {
      follower.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('previews an IdP user list: adopt, create, match, refused; read-only, exit 0', async () => {
    // The demo account, whose example.com domain is verified, through the operator's profile.
    const accounts = await json(['accounts', 'list', '--profile', 'default']);
    const demoId = accounts.items.find((a: { name: string }) => a.name === 'Demo').id;
    const demo = ['--profile', 'default', '--account', demoId];
    // The demo account starts as a sandbox (any domain); a production account refuses Carol.
    await ok(['accounts', 'update', demoId, '--sandbox', 'off', '--profile', 'default']);
    const ada = await json(['users', 'create', 'ada@example.com', ...demo]);
    const scimUser = (address: string) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: address,
      name: { givenName: 'Given', familyName: 'Family' },
      emails: [{ value: address, primary: true }],
    });
    // Dave is already provisioned: an IdP finds him by userName and updates him.
    const demoToken = /Access token \(shown once[^)]*\): (\S+)/.exec(server.output())?.[1];
    const dave = await fetch(`${server.origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${demoToken}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify(scimUser('dave@example.com')),
    });
    expect(dave.status).toBe(201);
    const daveId = ((await dave.json()) as { id: string }).id;
    const idpUsers = [
      scimUser('ada@example.com'),
      scimUser('bob@example.com'),
      scimUser('carol@unverified.test'),
      scimUser('Dave@example.com'),
    ];
    const before = await json(['users', 'list', '--all', ...demo]);

    const file = join(home, 'idp-users.json');
    writeFileSync(file, JSON.stringify(idpUsers));
    const human = await roster(['scim', 'preview', '--file', file, ...demo]);
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toMatch(/^# +USERNAME +OUTCOME +EXISTING USER +PERMISSION SET +NOTE$/);
    // Numbered as people count, from 1.
    expect(lines[2]).toMatch(
      new RegExp(`^1 +ada@example\\.com +adopt +${ada.id} +Minimal → Minimal$`),
    );
    expect(lines[3]).toMatch(/^2 +bob@example\.com +create +- +Minimal$/);
    expect(lines[4]).toMatch(
      /^3 +carol@unverified\.test +refused +- +- +the email domain 'unverified\.test' .*\(user\.domain_unverified\)$/,
    );
    expect(lines[5]).toMatch(
      new RegExp(`^4 +Dave@example\\.com +match +${daveId} +Minimal → Minimal$`),
    );
    expect(lines.slice(6)).toEqual([
      '1 to create, 1 to adopt, 1 already provisioned (the IdP matches and updates them), ' +
        '1 refused (of 4); nothing was changed.',
      '',
    ]);

    // A SCIM ListResponse, as GET /Users gives it; --json prints the API's body.
    const listResponse = join(home, 'idp-list-response.json');
    writeFileSync(
      listResponse,
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 4,
        Resources: idpUsers,
      }),
    );
    const body = await json(['scim', 'preview', '--file', listResponse, ...demo]);
    expect(body.summary).toEqual({ create: 1, adopt: 1, match: 1, refused: 1 });
    expect(body.next).toBeNull();
    expect(body.items.map((i: { outcome: string }) => i.outcome)).toEqual([
      'adopt',
      'create',
      'refused',
      'match',
    ]);
    expect(body.items[0]).toMatchObject({ existingUserId: ada.id, permissionSetBefore: 'Minimal' });
    expect(body.items[2].error.code).toBe('user.domain_unverified');
    writeFileSync(file, JSON.stringify({ users: idpUsers.slice(1, 2) }));
    expect((await json(['scim', 'preview', '--file', file, ...demo])).summary).toEqual({
      create: 1,
      adopt: 0,
      match: 0,
      refused: 0,
    });

    // Read-only: every user exactly as before (Ada still the app's, no Bob).
    expect(await json(['users', 'list', '--all', ...demo])).toEqual(before);

    writeFileSync(file, '{"people": []}');
    expect(await roster(['scim', 'preview', '--file', file, ...demo])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `roster: ${file} holds no user list: expected a JSON array of SCIM users, { "users": [...] } or a SCIM ListResponse { "Resources": [...] }\n`,
    });
  });

  it('maps a SCIM group to a permission set, lists it, unmaps it', async () => {
    const accounts = await json(['accounts', 'list', '--profile', 'default']);
    const demoId = accounts.items.find((a: { name: string }) => a.name === 'Demo').id;
    const demo = ['--profile', 'default', '--account', demoId];
    const demoToken = /Access token \(shown once[^)]*\): (\S+)/.exec(server.output())?.[1];
    const created = await fetch(`${server.origin}/scim/v2/Groups`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${demoToken}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales team',
      }),
    });
    expect(created.status).toBe(201);
    const groupId = ((await created.json()) as { id: string }).id;
    const set = await json(['permission-sets', 'create', 'Group Sales', ...demo]);

    expect(
      await ok(['groups', 'map', groupId, '--permission-set', set.id, '--priority', '7', ...demo]),
    ).toBe(
      `Mapped the group 'Sales team' (${groupId}) to the permission set 'Group Sales' (${set.id}), priority 7.\n`,
    );
    expect((await json(['groups', 'mappings', ...demo])).items).toEqual([
      { groupId, permissionSetId: set.id, priority: 7, createdAt: expect.any(String) },
    ]);
    const table = (await ok(['groups', 'mappings', ...demo])).split('\n');
    expect(table[0]).toMatch(/^GROUP +GROUP ID +PERMISSION SET +SET ID +PRIORITY +CREATED$/);
    expect(table[2]).toMatch(
      new RegExp(`^Sales team +${groupId} +Group Sales +${set.id} +7 +\\S+$`),
    );

    expect(await ok(['groups', 'unmap', groupId, ...demo])).toBe(
      `Unmapped the group ${groupId}.\n`,
    );
    expect((await json(['groups', 'mappings', ...demo])).items).toEqual([]);
    expect(await roster(['groups', 'unmap', groupId, ...demo])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `roster: group '${groupId}' is not mapped to a permission set (group.not_mapped)\n`,
    });
    const badPriority = await roster([
      'groups',
      'map',
      groupId,
      '--permission-set',
      set.id,
      '--priority',
      'first',
      ...demo,
    ]);
    expect(badPriority).toMatchObject({
      code: 1,
      stderr: "roster: --priority must be a whole number, 0 or more (got 'first')\n",
    });
  });

  it('login --profile <new name> saves that profile; other commands still refuse an unknown one', async () => {
    const { current } = await json(['profiles']);
    await ok(['login', '--profile', 'fresh', '--url', server.origin, '--key', OPERATOR_KEY]);
    const saved = await json(['profiles']);
    expect(saved.current).toBe('fresh');
    expect(saved.items.map((p: { name: string }) => p.name)).toContain('fresh');
    const unknown = await roster(['users', 'list', '--profile', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("no profile named 'nope'");
    await ok(['profiles', 'use', current]);
    await ok(['logout', '--profile', 'fresh']);
    expect((await json(['profiles'])).current).toBe(current);
  });

  it("billing and domain ownership are the operator's: seat-pools set and domain share refuse an account key", async () => {
    // The init profile holds the account's own admin key.
    for (const args of [
      ['seat-pools', 'set', 'core', '1000000'],
      ['domain', 'share', 'shared-co.test'],
    ]) {
      const denied = await roster(args);
      expect(denied.code, args.join(' ')).toBe(1);
      expect(denied.stderr).toMatch(
        /^roster: only the operator key may do this.*\(auth\.operator_only\)\n$/,
      );
    }
    // The operator, on the same account, may.
    const operator = ['--profile', 'default', '--account', accountId];
    await ok(['domain', 'add', 'shared-co.test', ...operator]);
    expect(await ok(['domain', 'share', 'shared-co.test', ...operator])).toMatch(
      /^shared-co\.test may now be verified for this account although another account holds it/,
    );
    expect(await ok(['domain', 'show', 'shared-co.test'])).toMatch(/Shared: +yes/);
    expect(
      (await json(['domain', 'share', 'shared-co.test', '--off', ...operator])).sharingAllowed,
    ).toBe(false);
  });

  it('reports each kind of failure on one line with a non-zero exit', async () => {
    // A project with problems: the one-line reason, then each problem with its file and path.
    const broken = join(home, 'broken');
    mkdirSync(join(broken, 'src/app/scim'), { recursive: true });
    writeFileSync(join(broken, 'src/app/app-hsmeta.json'), '{"uid": "x", "type": "app",}');
    writeFileSync(
      join(broken, 'src/app/scim/scim-hsmeta.json'),
      '{"uid": "scim", "type": "scim", "config": {"roleSyncEnabled": 1}}',
    );
    const expected =
      "  src/app/app-hsmeta.json:1:28: invalid JSON: expected another property (remove the trailing comma), found '}'\n" +
      '  src/app/scim/scim-hsmeta.json: $.config.roleSyncEnabled: expected a boolean (true or false), found a number (1)\n';
    const local = await roster(['project', 'validate'], broken);
    expect(local).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `roster: the project has 2 problems\n${expected}`,
    });
    const remote = await roster(['project', 'upload'], broken);
    expect(remote).toMatchObject({
      code: 1,
      stderr: `roster: the project has 2 problems; nothing was uploaded\n${expected}`,
    });
    const notProject = await roster(['project', 'validate'], configDir);
    expect(notProject.stderr).toMatch(
      /^roster: src\/app does not exist: run this in a project folder/,
    );

    // Another account, with this account's key: exactly as if it did not exist.
    const foreign = await roster(['domain', 'list', '--account', otherAccountId]);
    expect(foreign).toMatchObject({
      code: 1,
      stderr: `roster: no account with id '${otherAccountId}' (account.not_found)\n`,
    });
    // The operator's profile may act on it.
    expect(await ok(['domain', 'list', '--profile', 'default', '--account', otherAccountId])).toBe(
      'No domains yet: roster domain add <domain>\n',
    );

    const wrongKey = await roster([
      'login',
      '--url',
      server.origin,
      '--key',
      'roster_admin_wrong',
      '--name',
      'x',
    ]);
    expect(wrongKey).toMatchObject({
      code: 1,
      stderr: 'roster: the admin key is not valid: it is unknown or revoked (auth.invalid_key)\n',
    });
    expect((await json(['profiles'])).items.map((p: { name: string }) => p.name)).toEqual([
      'default',
      'commands',
    ]);

    // A token prefix that starts with '-' reads as an option; the error says how to pass it.
    const dashed = await roster(['token', 'revoke', '-pmfXKlA…']);
    expect(dashed.code).toBe(1);
    expect(dashed.stderr.split('\n')[0]).toBe(
      "roster: unknown option '-pmfXKlA…' (a value that starts with '-', such as a token prefix, goes after '--': -- -pmfXKlA…)",
    );

    // A port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const nowhere = `http://127.0.0.1:${port}`;
    const unreachable = await roster(['users', 'list', '--url', nowhere, '--key', 'k']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(
      `roster: cannot reach Roster at ${nowhere}: ECONNREFUSED (connection.failed)\n`,
    );

    // The key is checked before anything is asked: an account key cannot create accounts.
    const accountKey = await roster(['init']);
    expect(accountKey.stderr).toBe(
      'roster: roster init creates an account, which needs the operator key: roster login --key <operator key>\n',
    );
    const interactive = await roster(['init', '--profile', 'default']);
    expect(interactive.stderr).toMatch(
      /^roster: roster init asks questions, and this is not a terminal: pass --yes/,
    );
    const noProfile = await roster(['users', 'list', '--profile', 'nope']);
    expect(noProfile.stderr).toBe("roster: no profile named 'nope' (saved: default, commands)\n");
  });
});
