/**
 * `bin/roster.js`, what `npm link` puts on the PATH (issue 13): without a build it runs src/
 * through tsx; after `npm run build` it runs the compiled dist/ (no TypeScript compiled at each
 * start), but never a dist/ older than src/; and the compiled server still starts the
 * provisioning log's writer thread from its `.js` sibling.
 *
 * The build goes to a scratch copy (bin/, package.json, dist/; src/ and node_modules/ linked), so
 * other tests never run a half-written dist/.
 */
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server-process.ts';

const run = promisify(execFile);
const TOKEN = 'bin-test-demo-token-0123456789abcdef';
const OPERATOR_KEY = 'bin-test-operator-key-0123456789';

describe('bin/roster.js', { timeout: 180_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'roster-bin-'));
  const bin = join(scratch, 'bin/roster.js');
  const roster = (...args: string[]) =>
    run(process.execPath, [bin, ...args], { cwd: tmpdir(), env: { ...process.env } });

  beforeAll(() => {
    mkdirSync(join(scratch, 'bin'));
    copyFileSync(join(ROOT, 'bin/roster.js'), bin);
    copyFileSync(join(ROOT, 'package.json'), join(scratch, 'package.json'));
    symlinkSync(join(ROOT, 'src'), join(scratch, 'src'));
    symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('runs src/ through tsx before a build', async () => {
    const { stdout, stderr } = await roster('--version');
    expect(stdout).toMatch(/^roster 0\.1\.0 \(from source, node /);
    expect(stderr).toBe('');
  });

  it('runs the compiled dist/ after npm run build, and src/ again once dist/ is older', async () => {
    // `npm run build`'s compiler, into the scratch copy.
    await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        join(scratch, 'dist'),
      ],
      { cwd: ROOT },
    );
    // …and its copy of the files tsc does not emit (the console's stylesheet and script).
    cpSync(join(ROOT, 'src/http/console/assets'), join(scratch, 'dist/http/console/assets'), {
      recursive: true,
    });
    const compiled = await roster('--version');
    expect(compiled.stdout).toMatch(/^roster 0\.1\.0 \(compiled, node /);
    expect(compiled.stderr).toBe('');

    // A dist/ built before src/ last changed is never run.
    const old = new Date('2000-01-01T00:00:00Z');
    utimesSync(join(scratch, 'dist/cli/main.js'), old, old);
    const stale = await roster('--version');
    expect(stale.stdout).toMatch(/\(from source, /);
    expect(stale.stderr).toBe(
      'roster: dist/ is older than src/, so this runs src/ (npm run build)\n',
    );
    const now = new Date();
    utimesSync(join(scratch, 'dist/cli/main.js'), now, now);
  });

  it('serves from dist/ alone: the provisioning log thread loads its compiled sibling', async () => {
    // Without src/ only the build can run: what follows proves it is the build that runs.
    rmSync(join(scratch, 'src'));
    const data = join(scratch, 'data');
    const server = spawn(
      process.execPath,
      [bin, 'serve', '--port', '0', '--database', join(data, 'roster.db')],
      {
        cwd: scratch,
        env: {
          ...process.env,
          ROSTER_DEMO_TOKEN: TOKEN,
          ROSTER_ADMIN_KEY: OPERATOR_KEY,
          ROSTER_LOG_LEVEL: 'warn',
        },
      },
    );
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    server.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    try {
      const origin = await new Promise<string>((done, failed) => {
        const timer = setTimeout(() => failed(new Error(`no banner:\n${output}`)), 60_000);
        server.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1] && /Access token/.test(output)) {
            clearTimeout(timer);
            done(match[1]);
          }
        });
      });
      const users = await fetch(`${origin}/scim/v2/Users`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(users.status).toBe(200);
      const accounts = (await (
        await fetch(`${origin}/api/v1/accounts`, {
          headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
        })
      ).json()) as { items: { id: string }[] };
      const log = (await (
        await fetch(`${origin}/api/v1/accounts/${accounts.items[0]?.id}/provisioning-log`, {
          headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
        })
      ).json()) as { items: { operation: string }[] };
      expect(log.items.map((e) => e.operation)).toEqual(['list users']);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
  });
});
