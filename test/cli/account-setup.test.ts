/**
 * Issue 3's "Done when", end to end: a real `roster serve` on an empty database, a DNS server on
 * loopback that the user controls, and from then on only `roster` invocations (separate
 * processes, as a user types them) to reach an IdP-ready account: log in with the operator
 * key, create the account, create, validate and upload the project, add a domain, publish its
 * TXT record, verify, install, and read the tenant URL and token. One SCIM request proves the
 * token works (and the verified domain lets the user in). Runs on SQLite and PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from '../helpers/dns-server.ts';
import { SEED_APP, SEED_SCIM } from '../helpers/seed-project.ts';
import { MAIN, ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';

/** The tsx loader by absolute path: the CLI runs from the project folder, as a user's would. */
const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const pgAvailable = await postgresAvailable();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgAvailable)(
    `setting up an account with the roster CLI only (${kind})`,
    () => {
      const home = mkdtempSync(join(tmpdir(), 'roster-setup-'));
      const configDir = join(home, 'config');
      const work = join(home, 'work');
      mkdirSync(work);
      let dns: DnsServer;
      let server: ServerProcess;
      let dropDatabase: (() => Promise<void>) | undefined;
      let operatorKey = '';

      /** `roster <args>` as its own process, in `cwd`; never throws, returns the exit code. */
      const roster = (args: readonly string[], cwd = work): Promise<Run> =>
        new Promise((done) => {
          execFile(
            process.execPath,
            ['--import', TSX, MAIN, ...args],
            { cwd, env: { ...process.env, ROSTER_CONFIG_DIR: configDir } },
            (error, stdout, stderr) => {
              const code = error ? ((error as { code?: number }).code ?? 1) : 0;
              done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
            },
          );
        });
      const ok = async (args: readonly string[], cwd = work): Promise<string> => {
        const result = await roster(args, cwd);
        expect(result.code, `roster ${args.join(' ')}\n${result.stderr}`).toBe(0);
        // Not a terminal: no spinner frames or escape codes, in either stream.
        expect(result.stdout + result.stderr).not.toContain('\u001b');
        return result.stdout;
      };

      beforeAll(async () => {
        dns = await startDnsServer();
        let database = join(home, 'roster.db');
        if (kind === 'postgres') {
          const created = await createPostgresDatabase();
          database = created.url;
          dropDatabase = created.drop;
        }
        server = await startServer(['--database', database], {
          ROSTER_DNS_RESOLVER: dns.address,
          ROSTER_DNS_TIMEOUT_MS: '1000',
          ROSTER_DOMAIN_RECHECK_SECONDS: '0',
          // No operator key configured: the server generates one and prints it once.
          ROSTER_ADMIN_KEY: '',
          ROSTER_PUBLIC_URL: '',
        });
        operatorKey = /Operator key \(shown once[^)]*\): (\S+)/.exec(server.output())?.[1] ?? '';
      });
      afterAll(async () => {
        expect(await server?.stop()).toBe(0);
        await dns?.close();
        await dropDatabase?.();
        rmSync(home, { recursive: true, force: true });
      });

      // About twenty CLI processes, each starting Node and tsx: seconds each on a busy machine.
      it('goes from an empty server to an IdP-ready account', { timeout: 240_000 }, async () => {
        expect(operatorKey).toMatch(/^roster_operator_/);

        // Before logging in, commands say how to connect, on one line, and fail.
        const notYet = await roster(['domain', 'list']);
        expect(notYet.code).toBe(1);
        expect(notYet.stderr).toBe(
          'roster: not connected to a server: run roster login --url <server URL> --key <admin key>, or pass --url and --key\n',
        );

        const login = await ok(['login', '--url', server.origin, '--key', operatorKey]);
        expect(login).toContain(`Logged in to ${server.origin} with the operator key.`);
        const profiles = join(configDir, 'profiles.json');
        expect(statSync(profiles).mode & 0o777).toBe(0o600);

        const init = JSON.parse(await ok(['init', '--yes', '--name', 'Acme Corp', '--json']));
        expect(init.account).toMatchObject({
          name: 'Acme Corp',
          tier: 'enterprise',
          ssoEnabled: true,
          scim: { installable: true },
        });
        expect(init.profile).toBe('acme-corp');
        const saved = JSON.parse(readFileSync(profiles, 'utf8'));
        expect(saved.current).toBe('acme-corp');
        expect(saved.profiles['acme-corp']).toMatchObject({ account: init.account.id });
        expect(saved.profiles['acme-corp'].key).toMatch(/^roster_admin_/);
        expect(saved.profiles.default.key).toBe(operatorKey);

        // The seeds' command line, as HubSpot's docs give it.
        await ok([
          'project',
          'create',
          '--platform-version',
          '2025.2',
          '--name',
          'scim-app',
          '--dest',
          'scim-app',
          '--project-base',
          'app',
          '--distribution',
          'private',
          '--auth',
          'static',
          '--features',
          'scim',
        ]);
        const project = join(work, 'scim-app');
        expect(readFileSync(join(project, 'src/app/app-hsmeta.json'), 'utf8')).toBe(SEED_APP);
        expect(readFileSync(join(project, 'src/app/scim/scim-hsmeta.json'), 'utf8')).toBe(
          SEED_SCIM,
        );
        expect(await ok(['project', 'validate'], project)).toContain('The project is valid');
        expect(await ok(['project', 'upload'], project)).toContain(
          `Uploaded the SCIM app 'scim-app' ("scim app").`,
        );

        const added = await ok(['domain', 'add', 'acme.test']);
        const host = /Host \(name\): (\S+)/.exec(added)?.[1];
        const value = /Value: +(\S+)/.exec(added)?.[1];
        expect(host).toBe('_roster-challenge.acme.test');
        expect(value).toMatch(/^roster-domain-verification=/);

        // Not published yet: a non-zero exit and the exact reason, on one line.
        dns.setTxt('acme.test', []);
        const early = await roster(['domain', 'verify', 'acme.test']);
        expect(early.code).toBe(3);
        expect(early.stderr).toBe(
          `roster: acme.test is not verified: ${host} does not exist in DNS (NXDOMAIN); publish a TXT record at ${host} with the value "${value}"\n`,
        );

        dns.setTxt(host as string, [value as string]);
        expect(await ok(['domain', 'verify', 'acme.test'])).toBe('acme.test is verified.\n');
        expect(dns.queries.map((q) => q.name)).toContain(host);
        const domains = await ok(['domain', 'list']);
        expect(domains).toMatch(/acme\.test +verified/);

        const installed = await roster(['app', 'install']);
        expect(installed.code, installed.stderr).toBe(0);
        expect(installed.stderr).toBe('');
        const tenantUrl = /^Tenant URL: +(\S+)$/m.exec(installed.stdout)?.[1];
        const entraUrl = /^Entra ID tenant URL: +(\S+)$/m.exec(installed.stdout)?.[1];
        const token = /^Access token: +(\S+)$/m.exec(installed.stdout)?.[1] as string;
        expect(tenantUrl).toBe(`${server.origin}/scim/v2`);
        expect(entraUrl).toBe(`${server.origin}/scim/v2?aadOptscim062020`);
        expect(token).toMatch(/^roster_[A-Za-z0-9_-]{40,}$/);

        const tokens = JSON.parse(await ok(['token', 'list', '--json']));
        expect(tokens.items).toHaveLength(1);
        expect(token.startsWith(`roster_${tokens.items[0].prefix}`)).toBe(true);
        expect(tokens.items[0].prefix).toHaveLength(8);

        // The IdP's first request: a user of the verified domain is provisioned.
        const created = await fetch(`${tenantUrl}/Users`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
          body: JSON.stringify({
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName: 'ada@acme.test',
            name: { givenName: 'Ada', familyName: 'Lovelace' },
            emails: [{ value: 'ada@acme.test', primary: true }],
          }),
        });
        expect(created.status).toBe(201);
        const users = await ok(['users', 'list']);
        expect(users).toMatch(/ada@acme\.test +Ada Lovelace +active +scim/);

        // Failures are one line with the server's reason and code.
        const missing = await roster(['domain', 'verify', 'nowhere.test']);
        expect(missing.code).toBe(1);
        expect(missing.stderr).toBe(
          "roster: the domain 'nowhere.test' has not been added to this account (domain.not_found)\n",
        );
      });
    },
  );
}
