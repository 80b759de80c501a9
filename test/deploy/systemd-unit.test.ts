/**
 * deploy/roster.service (issue 13): systemd accepts it (`systemd-analyze verify`, with nothing
 * to say about it), its hardening rates well (`systemd-analyze security --offline`), and its own
 * command, working directory and environment start Roster with the database in the state
 * directory and stop it cleanly with its KillSignal within its TimeoutStopSec.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server-process.ts';

const UNIT = join(ROOT, 'deploy/roster.service');
const hasSystemd = spawnSync('systemd-analyze', ['--version']).status === 0;
if (!hasSystemd) {
  console.warn('systemd-analyze is missing (apt-get install systemd): the unit checks are skipped');
}

/** `Key=value` lines of one section, in order (keys may repeat). */
function section(text: string, name: string): [string, string][] {
  const body = text.split(/^\[/m).find((part) => part.startsWith(`${name}]`)) ?? '';
  return body
    .split('\n')
    .slice(1)
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

describe.skipIf(!hasSystemd)('deploy/roster.service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const analyze = (...args: string[]) =>
    spawnSync('systemd-analyze', args, { cwd: dir, encoding: 'utf8' });

  it('passes systemd-analyze verify without a word', () => {
    const verified = analyze('verify', UNIT);
    expect(verified.stderr + verified.stdout).toBe('');
    expect(verified.status).toBe(0);
    // The check speaks up when a unit is wrong: a misspelt key.
    const broken = join(dir, 'broken.service');
    writeFileSync(broken, readFileSync(UNIT, 'utf8').replace('NoNewPrivileges', 'NoNewPrivilege'));
    expect(analyze('verify', broken).stderr).toMatch(/Unknown key 'NoNewPrivilege'/);
  });

  it('is hardened: systemd-analyze security rates it OK or better', () => {
    const rated = analyze('security', '--offline=yes', UNIT);
    const level = /Overall exposure level for roster\.service: ([\d.]+)/.exec(rated.stdout);
    expect(level, rated.stdout + rated.stderr).not.toBeNull();
    expect(Number(level?.[1])).toBeLessThanOrEqual(2);
  });

  it('its command and environment run Roster, and its KillSignal stops it in time', async () => {
    const service = section(readFileSync(UNIT, 'utf8'), 'Service');
    const value = (key: string) => service.find(([k]) => k === key)?.[1] as string;
    const state = join(dir, 'state');
    const local = (text: string) =>
      text
        .replaceAll('/opt/roster', ROOT)
        .replaceAll('/var/lib/roster', state)
        .replace(/^\/usr\/bin\/node /, `${process.execPath} `);
    expect(value('Type')).toBe('simple');
    expect(value('StateDirectory')).toBe('roster');
    const env: Record<string, string> = {};
    for (const [key, assignment] of service) {
      if (key !== 'Environment') continue;
      const at = assignment.indexOf('=');
      env[assignment.slice(0, at)] = local(assignment.slice(at + 1));
    }
    expect(env.ROSTER_DATABASE_URL).toBe(join(state, 'roster.db'));
    const [command, ...args] = local(value('ExecStart')).split(' ');
    const server = spawn(command as string, args, {
      cwd: local(value('WorkingDirectory')),
      // Port 0 here: the unit's 8080 may be taken on a test machine.
      env: { PATH: process.env.PATH ?? '', ...env, ROSTER_PORT: '0', ROSTER_LOG_LEVEL: 'warn' },
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    server.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
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
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    expect(existsSync(join(state, 'roster.db'))).toBe(true);
    expect(existsSync(join(state, 'roster-log.db'))).toBe(true);

    const stopWithin = Number.parseInt(value('TimeoutStopSec'), 10) * 1000;
    const signal = value('KillSignal') as NodeJS.Signals;
    const started = Date.now();
    server.kill(signal);
    const code = await exited;
    expect(code, output).toBe(0);
    expect(Date.now() - started).toBeLessThan(stopWithin);
  });
});
