/**
 * The README's new-user path, as written (issue 13): the commands of its "Get started" and "Set up
 * an account with the CLI" blocks are read from README.md and run in order, on a copy of this
 * checkout: `npm install` (checked not to rewrite package-lock.json), `npm run build`, `npm link`
 * into a scratch global prefix, `roster serve` from the PATH, then every CLI step from another
 * directory through the linked `roster`, against a DNS server on loopback. The banner the
 * README shows is the banner printed, line by line. Only the placeholders a reader fills in are
 * filled in: the operator key, the server's address (port 0 here), init's answers.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from '../helpers/dns-server.ts';
import { ROOT } from '../helpers/server-process.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The lines of the first ```sh block after a heading, comments and blank lines dropped. */
function commandsUnder(heading: string): string[] {
  const from = README.indexOf(`\n## ${heading}\n`);
  expect(from, heading).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(from))?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The banner block the README shows after "prints, once:". */
function documentedBanner(): string[] {
  const at = README.indexOf('prints, once:');
  return (/```\n([\s\S]*?)```/.exec(README.slice(at))?.[1] ?? '').trimEnd().split('\n');
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the README, as a new user follows it', { timeout: 300_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'roster-readme-'));
  const clone = join(scratch, 'roster');
  const globalPrefix = join(scratch, 'global');
  const work = join(scratch, 'work');
  const home = join(scratch, 'home');
  let dns: DnsServer;
  let server: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  let serverOutput = '';
  const env = () => ({
    ...process.env,
    HOME: home,
    // A fresh user: profiles go to ~/.config/roster.
    ROSTER_CONFIG_DIR: '',
    XDG_CONFIG_HOME: '',
    NPM_CONFIG_PREFIX: globalPrefix,
    NPM_CONFIG_AUDIT: 'false',
    NPM_CONFIG_FUND: 'false',
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    PATH: `${join(globalPrefix, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
  });
  const sh = (line: string, cwd: string, extra: Record<string, string> = {}): Promise<Run> =>
    new Promise((done) => {
      execFile(
        'bash',
        ['-c', line],
        { cwd, env: { ...env(), ...extra } },
        (error, stdout, stderr) => {
          const code = error ? (error as { code?: number }).code : 0;
          done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });

  beforeAll(async () => {
    // The clone: this checkout's files as git sees them (tracked and new), without what the
    // README's own commands make (node_modules, dist, data).
    const files = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    )
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      if (/^(node_modules|dist|data)\//.test(file)) continue;
      try {
        cpSync(join(ROOT, file), join(clone, file), { recursive: true });
      } catch {
        // Deleted in the working tree but still in the index.
      }
    }
    // What `npm install` would put there: a folder of links to this checkout's packages, so
    // nothing the test runs can write into them.
    mkdirSync(join(clone, 'node_modules'));
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      symlinkSync(join(ROOT, 'node_modules', entry), join(clone, 'node_modules', entry));
    }
    for (const dir of [globalPrefix, work, home]) mkdirSync(dir, { recursive: true });
    dns = await startDnsServer();
  });
  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await dns?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('has no merge conflict markers', () => {
    for (const file of [
      'README.md',
      'DEVELOPERS.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ]) {
      expect(readFileSync(join(ROOT, file), 'utf8'), file).not.toMatch(/^(<{7}|={7}|>{7})( |$)/m);
    }
  });

  it('Get started, then Set up an account with the CLI, works as written', async () => {
    const start = commandsUnder('Get started');
    expect(start).toEqual([
      'git clone https://github.com/roster-directory/roster && cd roster',
      'npm install',
      'npm run build',
      'npm link',
      'roster serve',
    ]);
    const lock = readFileSync(join(clone, 'package-lock.json'), 'utf8');
    let operatorKey = '';
    let origin = '';
    for (const line of start) {
      if (line.startsWith('git clone')) continue; // the copy above
      if (line === 'npm install') {
        // node_modules is in place; what is checked is that the lockfile is left as it is.
        const installed = await sh(
          'npm install --package-lock-only --prefer-offline --ignore-scripts',
          clone,
        );
        expect(installed.code, installed.stderr).toBe(0);
        expect(readFileSync(join(clone, 'package-lock.json'), 'utf8')).toBe(lock);
        continue;
      }
      if (line === 'roster serve') {
        server = spawn('bash', ['-c', 'exec roster serve'], {
          cwd: clone,
          env: {
            ...env(),
            // Port 0: 8080 may be taken here. DNS lookups go to the loopback server.
            ROSTER_PORT: '0',
            ROSTER_DNS_RESOLVER: dns.address,
            ROSTER_DNS_TIMEOUT_MS: '1000',
            ROSTER_LOG_LEVEL: 'warn',
          },
        });
        const started = server;
        exited = new Promise((done) => started.on('exit', (code) => done(code)));
        started.stdout?.on('data', (chunk: Buffer) => {
          serverOutput += chunk.toString();
        });
        started.stderr?.on('data', (chunk: Buffer) => {
          serverOutput += chunk.toString();
        });
        origin = await new Promise<string>((done, failed) => {
          const timer = setTimeout(() => failed(new Error(`no banner:\n${serverOutput}`)), 60_000);
          started.stdout?.on('data', () => {
            const match = /listening on (http:\/\/\S+)/.exec(serverOutput);
            if (match?.[1] && /Access token/.test(serverOutput)) {
              clearTimeout(timer);
              done(match[1]);
            }
          });
        });
        continue;
      }
      const result = await sh(line, clone);
      expect(result.code, `${line}\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    // The linked roster runs the build.
    expect((await sh('roster --version', work)).stdout).toMatch(/^roster \S+ \(compiled, /);

    // The banner, as the README shows it.
    const printed = serverOutput.trimEnd().split('\n');
    const shown = documentedBanner();
    expect(printed).toHaveLength(shown.length);
    shown.forEach((line, i) => {
      const pattern = literal(line)
        .replaceAll(literal('http://127.0.0.1:8080'), literal(origin))
        .replace('pid 4242', 'pid \\d+')
        .replace(literal('roster_operator_…'), 'roster_operator_\\S+')
        .replace(literal('roster_…'), 'roster_\\S+');
      expect(printed[i]).toMatch(new RegExp(`^${pattern}$`));
    });
    operatorKey = /Operator key \(shown once[^)]*\): (\S+)/.exec(serverOutput)?.[1] ?? '';
    for (const path of ['/healthz', '/readyz']) {
      expect(README).toContain(`(http://127.0.0.1:8080${path})`);
      expect((await fetch(`${origin}${path}`)).status).toBe(200);
    }

    // The CLI, from a directory of its own.
    const steps = commandsUnder('Set up an account with the CLI');
    let cwd = work;
    let token = '';
    let tenantUrl = '';
    for (const step of steps) {
      if (step.startsWith('cd ')) {
        cwd = join(cwd, step.slice(3));
        continue;
      }
      let line = step.replaceAll('http://127.0.0.1:8080', origin);
      line = line.replace('roster_operator_…', operatorKey);
      // What a person answers at init's prompts, as its flags.
      if (line === 'roster init') line = 'roster init --yes --name "Acme Corp"';
      const result = await sh(line, cwd);
      expect(result.code, `${line}\n${result.stdout}\n${result.stderr}`).toBe(0);
      const added = /^roster domain add (\S+)$/.exec(line);
      if (added) {
        // Published in "your DNS provider".
        const host = /Host \(name\): (\S+)/.exec(result.stdout)?.[1] as string;
        const value = /Value: +(\S+)/.exec(result.stdout)?.[1] as string;
        dns.setTxt(added[1] as string, []);
        dns.setTxt(host, [value]);
      }
      if (line.startsWith('roster app install')) {
        token = /Access token: +(\S+)/.exec(result.stdout)?.[1] ?? '';
        tenantUrl = /Tenant URL: +(\S+)/.exec(result.stdout)?.[1] ?? '';
      }
    }
    expect(steps).toContain('roster init');
    expect(steps.some((s) => s.startsWith('roster domain verify'))).toBe(true);

    // The IdP-ready account: the tenant URL and token provision a user of the verified domain,
    // and refuse one of another (an account made with init is not a sandbox).
    const create = (userName: string) =>
      fetch(`${tenantUrl}/Users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ userName, name: { givenName: 'Grace', familyName: 'Hopper' } }),
      });
    expect(tenantUrl).toBe(`${origin}/scim/v2`);
    expect((await create('grace@acme.com')).status).toBe(201);
    expect((await create('grace@elsewhere.test')).status).toBe(400);

    server?.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
