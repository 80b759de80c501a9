/**
 * The rough edges a new user met (issue 13), as separate `roster` processes against a real
 * server: --version and mistyped commands, names wherever ids are taken and shown, one JSON shape
 * for every list, the audit trail's SCIM app actor, a pipe closed early, waits that say what they
 * wait for, permissions and seats as the server knows them, sandbox accounts, the brake on the
 * app's page, and failed authentications per minute.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from '../helpers/dns-server.ts';
import { MAIN, ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const OPERATOR_KEY = 'everyday-test-operator-key-0123456789';
const PERMISSIONS = 'contacts.read,contacts.write,deals.read,deals.write';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('roster, as a new user meets it', { timeout: 120_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-everyday-'));
  const configDir = join(home, 'config');
  let server: ServerProcess;
  let dns: DnsServer;
  let demo = '';
  let token = '';

  const roster = (args: readonly string[]): Promise<Run> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['--import', TSX, MAIN, ...args],
        { cwd: home, env: { ...process.env, ROSTER_CONFIG_DIR: configDir } },
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
  const json = async (args: readonly string[]) => JSON.parse(await ok([...args, '--json']));
  const scim = (method: string, path: string, body?: unknown, bearer = token) =>
    fetch(`${server.origin}/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const scimUser = (address: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: address,
    name: { givenName: 'Given', familyName: 'Family' },
    emails: [{ value: address, primary: true }],
  });

  beforeAll(async () => {
    dns = await startDnsServer();
    server = await startServer(['--database', join(home, 'roster.db')], {
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
      ROSTER_PERMISSIONS: PERMISSIONS,
      ROSTER_DNS_RESOLVER: dns.address,
      ROSTER_DNS_TIMEOUT_MS: '500',
      ROSTER_DOMAIN_RECHECK_SECONDS: '0',
    });
    token = /Access token \(shown once[^)]*\): (\S+)/.exec(server.output())?.[1] ?? '';
    await ok(['login', '--url', server.origin, '--key', OPERATOR_KEY]);
    demo = (await json(['accounts', 'list'])).items[0].id;
    await ok(['login', '--url', server.origin, '--key', OPERATOR_KEY, '--account', demo]);
  }, 120_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await dns?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('--version answers; a mistyped command gets "did you mean", never serve', async () => {
    expect(await ok(['--version'])).toMatch(/^roster 0\.1\.0 \((from source|compiled), node /);
    expect(await roster(['userz', 'list'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "roster: unknown command 'userz' (did you mean users?)\n(roster --help for usage)\n",
    });
    // A noun's default subcommand does not swallow a typo either.
    expect((await roster(['users', 'lisst'])).stderr).toBe(
      "roster: unknown command 'lisst' (did you mean list?)\n(roster users --help for usage)\n",
    );
    expect((await roster(['log', 'shw'])).stderr).toMatch(
      /^roster: unknown command 'shw' \(did you mean show\?\)\n/,
    );
    // `roster` alone shows what it can do, and starts nothing.
    const bare = await roster([]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/^Usage: roster /);
    expect(bare.stdout).toMatch(/serve \[options\] +start the server/);
  });

  it('takes names where it takes ids, and shows names beside ids', async () => {
    await ok(['permission-sets', 'create', 'Sales Rep', '--permissions', 'contacts.read']);
    await ok(['teams', 'create', 'West Coast']);
    await ok(['teams', 'create', 'East Coast']);
    const sets = (await json(['permission-sets', 'list'])).items as { id: string; name: string }[];
    const salesRep = sets.find((s) => s.name === 'Sales Rep')?.id;
    const teams = (await json(['teams', 'list'])).items as { id: string; name: string }[];
    const west = teams.find((t) => t.name === 'West Coast')?.id;
    const east = teams.find((t) => t.name === 'East Coast')?.id;

    const user = await json([
      'users',
      'create',
      'grace@example.com',
      '--permission-set',
      'Sales Rep',
      '--primary-team',
      'West Coast',
      '--teams',
      'East Coast',
    ]);
    expect(user).toMatchObject({
      permissionSetId: salesRep,
      primaryTeamId: west,
      secondaryTeamIds: [east],
    });
    const shown = await ok(['users', 'show', 'grace@example.com']);
    expect(shown).toContain(`Permission set: Sales Rep (${salesRep})`);
    expect(shown).toContain(`Primary team:   West Coast (${west})`);
    expect(shown).toContain(`Other teams:    East Coast (${east})`);
    await ok(['users', 'update', 'grace@example.com', '--primary-team', 'East Coast']);
    expect((await json(['users', 'show', 'grace@example.com'])).primaryTeamId).toBe(east);

    // Names are exact; a near miss is named.
    expect(
      await roster(['users', 'update', 'grace@example.com', '--permission-set', 'sales rep']),
    ).toMatchObject({
      code: 1,
      stderr:
        "roster: no permission set with the id or exact name 'sales rep' (did you mean 'Sales Rep'? names match exactly)\n",
    });

    // SCIM groups: listed, mapped by name, shown by name.
    const group = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Field Sales',
    });
    const groupId = ((await group.json()) as { id: string }).id;
    const listed = await ok(['groups', 'list']);
    expect(listed.split('\n')[0]).toMatch(/^ID +NAME +MEMBERS +EXTERNAL ID +MAPPED TO$/);
    expect(listed).toMatch(new RegExp(`${groupId} +Field Sales +0 +- +-`));
    await ok(['groups', 'map', 'Field Sales', '--permission-set', 'Sales Rep']);
    const mappings = (await ok(['groups', 'mappings'])).split('\n');
    expect(mappings[2]).toMatch(
      new RegExp(`^Field Sales +${groupId} +Sales Rep +${salesRep} +100 +\\S+$`),
    );
    expect(await ok(['groups', 'list'])).toMatch(/Field Sales +0 +- +Sales Rep \(priority 100\)/);

    // The log names the user by email and the group by name, beside their ids.
    const created = await scim('POST', '/Users', scimUser('ada@example.com'));
    const adaId = ((await created.json()) as { id: string }).id;
    const log = await ok(['log']);
    expect(log).toContain(`ada@example.com (${adaId})`);
    expect(log).toContain(`Field Sales (${groupId})`);
    // And its filters take them too.
    const ada = (await json(['log', '--user', 'ada@example.com'])).items;
    expect(ada.map((e: { userId: string }) => e.userId)).toEqual([adaId]);
    const field = (await json(['log', '--group', 'Field Sales'])).items;
    expect(field.map((e: { operation: string }) => e.operation)).toEqual(['create group']);
    // The id the server answered the create with finds its event, and `show` prints it.
    const requestId = created.headers.get('x-request-id') as string;
    expect(requestId).toMatch(/^[0-9a-z]{20}$/);
    const byRequest = (await json(['log', '--request', requestId])).items;
    expect(byRequest.map((e: { userId: string }) => e.userId)).toEqual([adaId]);
    expect(await ok(['log', 'show', byRequest[0].id])).toContain(`Request id: ${requestId}`);

    // Keys by name, tokens by the prefix `token list` shows.
    await ok(['admin-keys', 'create', 'ci-pipeline']);
    expect(await ok(['admin-keys', 'revoke', 'ci-pipeline'])).toMatch(/^Revoked the admin key /);
    const keys = (await json(['admin-keys', 'list'])).items as {
      name: string;
      revokedAt: string;
    }[];
    expect(keys.find((k) => k.name === 'ci-pipeline')?.revokedAt).toEqual(expect.any(String));
  });

  it('prints every list as {"items": [...], "next": ...}', async () => {
    await scim('GET', '/Users', undefined, 'roster_not-a-real-token');
    for (const args of [
      ['accounts', 'list'],
      ['users', 'list'],
      ['permission-sets', 'list'],
      ['permissions'],
      ['teams', 'list'],
      ['seat-pools', 'list'],
      ['admin-keys', 'list'],
      ['token', 'list'],
      ['domain', 'list'],
      ['groups', 'list'],
      ['groups', 'mappings'],
      ['log'],
      ['log', 'auth-failures', '--everything'],
      ['audit'],
      ['profiles'],
    ]) {
      const body = await json(args);
      expect(Array.isArray(body.items), args.join(' ')).toBe(true);
      expect(body, args.join(' ')).toHaveProperty('next');
    }
    // `next` continues a list where it stopped.
    const first = await json(['log', '--limit', '1']);
    expect(first.items).toHaveLength(1);
    const older = await json(['log', '--limit', '1', '--cursor', first.next]);
    expect(older.items[0].at <= first.items[0].at).toBe(true);
    expect(older.items[0].id).not.toBe(first.items[0].id);
  });

  it('the audit trail names the SCIM app that adopted a user, never "undefined"', async () => {
    await ok(['users', 'create', 'adoptee@example.com']);
    expect((await scim('POST', '/Users', scimUser('adoptee@example.com'))).status).toBe(201);
    const { id: appId } = await json(['app', 'show']);
    const trail = await ok(['audit']);
    expect(trail).not.toContain('undefined');
    expect(trail).toMatch(new RegExp(`SCIM app ${appId} +user\\.adopt`));
  });

  it('exits quietly when the reader of its output goes away (| head -1)', async () => {
    const script =
      `${process.execPath} --import ${TSX} ${MAIN} log --follow --interval 1s --json ` +
      '| head -1';
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], {
      cwd: home,
      env: { ...process.env, ROSTER_CONFIG_DIR: configDir },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let code: number | null | undefined;
    void exited.then((c) => {
      code = c;
    });
    // New events make `log --follow` write again after head has gone.
    for (let i = 0; i < 60 && code === undefined; i++) {
      await scim('GET', '/Users?count=1');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it('domain verify --wait says, outside a terminal, what it is waiting for and why', async () => {
    await ok(['domain', 'add', 'waiting.test']);
    // The domain exists; its challenge name does not (yet).
    dns.setTxt('waiting.test', []);
    const waited = await roster([
      'domain',
      'verify',
      'waiting.test',
      '--wait',
      '3s',
      '--interval',
      '1s',
    ]);
    expect(waited.code).toBe(3);
    const lines = waited.stderr.split('\n');
    expect(lines[0]).toMatch(/^Waiting for the TXT record of waiting\.test to verify/);
    expect(lines[1]).toMatch(
      /^Not verified yet \(check 1\): _roster-challenge\.waiting\.test does not exist in DNS \(NXDOMAIN\); publish a TXT record .*; checking again in 1s$/,
    );
    expect(waited.stderr).toMatch(/roster: waiting\.test is not verified: /);
  });

  it('permissions are checked against the server’s catalog; --paid-seat lists its values', async () => {
    const help = await ok(['permission-sets', 'create', '--help']);
    expect(help.replace(/\s+/g, ' ')).toContain('core | sales | service | view-only');
    expect((await json(['permissions'])).items).toEqual(PERMISSIONS.split(','));
    expect(
      await roster(['permission-sets', 'create', 'Typo', '--permissions', 'contacts.raed']),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^roster: 'contacts\.raed' is not a known permission \(did you mean contacts\.read\?\).*\(permission_set\.unknown_permission\)\n/,
      ),
    });
    expect(
      await roster([
        'permission-sets',
        'create',
        'Spaced',
        '--permissions',
        'contacts.read deals.read',
      ]),
    ).toMatchObject({
      code: 1,
      stderr:
        'roster: \'contacts.read deals.read\' is not one permission: separate permissions with commas (--permissions "contacts.read, deals.read")\n',
    });
  });

  it('shows a sandbox, an installed app, the brake, and the seats users hold', async () => {
    const shown = await ok(['accounts', 'show']);
    expect(shown).toMatch(/^SCIM: +installed since \S+ \(app 'scim-app'\)$/m);
    expect(shown).toMatch(/^Sandbox: +YES: users in any email domain are accepted/m);
    // The demo account is a sandbox: an IdP's user in any domain is provisioned.
    expect((await scim('POST', '/Users', scimUser('someone@anywhere.test'))).status).toBe(201);
    expect(await ok(['log', '--limit', '1'])).toMatch(/create user +201 +success \(sandbox\)/);

    const app = await ok(['app', 'show']);
    expect(app).toMatch(/^Sandbox: +YES/m);
    expect(app).toMatch(
      /^Deprovision brake: +not engaged \(0 of 500 deactivations allowed in 60 min\)$/m,
    );

    // A new account: nothing uploaded yet; production; a classic paid seat counted.
    const other = await json([
      'accounts',
      'create',
      'Classic Co',
      '--tier',
      'enterprise',
      '--sso',
      'on',
    ]);
    const otherArgs = ['--account', other.id];
    expect(await ok(['accounts', 'show', ...otherArgs])).toMatch(
      /^SCIM: +installable: no app uploaded yet \(roster project upload\)$/m,
    );
    expect(await ok(['accounts', 'show', ...otherArgs])).toMatch(/^Sandbox: +no/m);
    await ok(['permission-sets', 'create', 'Seller', '--paid-seat', 'sales', ...otherArgs]);
    await ok([
      'users',
      'create',
      'seller@classic.test',
      '--permission-set',
      'Seller',
      ...otherArgs,
    ]);
    const pools = (await ok(['seat-pools', 'list', ...otherArgs])).split('\n');
    expect(pools[3]).toMatch(/^sales +- +1 +-$/);
    expect(pools.at(-2)).toMatch(/^Classic pricing model:/);

    // Only the operator makes an account a sandbox.
    const sandboxed = await json(['accounts', 'update', other.id, '--sandbox', 'on']);
    expect(sandboxed.sandbox).toBe(true);
    expect(
      (await json(['accounts', 'list'])).items.find((a: { id: string }) => a.id === other.id)
        .sandbox,
    ).toBe(true);
  });

  it('log auth-failures counts refused tokens per minute', async () => {
    const rotated = await json(['token', 'rotate', '--overlap', '0']);
    const old = rotated.replaced[0];
    for (let i = 0; i < 3; i++) await scim('GET', '/Users', undefined, token);
    // A token named by the prefix the list shows.
    const spare = await json(['token', 'rotate', '--overlap', '1h']);
    // After '--': a prefix is random and may start with '-' (one time in 64).
    expect(await ok(['token', 'revoke', '--', `${spare.tokenRecord.prefix}…`])).toBe(
      `Revoked the token ${spare.tokenRecord.prefix}… (${spare.tokenRecord.id}); it no longer works.\n`,
    );
    const table = await ok(['log', 'auth-failures']);
    expect(table.split('\n')[0]).toMatch(/^MINUTE +REASON +TOKEN +IDP +SOURCE +COUNT$/);
    // Rotated without overlap: the old token expired at once.
    expect(table).toMatch(new RegExp(`expired +${old.prefix}… +unknown +\\S+ +3`));
    const everything = await json(['log', 'auth-failures', '--everything', '--since', '1h']);
    expect(everything.items.some((f: { reason: string }) => f.reason === 'unknown')).toBe(true);
    // The rotation that made `spare` left `rotated.token` working for an hour.
    token = rotated.token;
  });
});
