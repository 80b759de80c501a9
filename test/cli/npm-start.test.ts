/**
 * `npm start` as a person stops it (issue 13): a SIGTERM to the `npm start` process, or to the
 * server's pid its banner prints, stops the server: the port is closed within the drain time.
 * (The script used to run the server under sh and tsx, which kept serving after npm and sh had
 * gone.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server-process.ts';

/** serve.ts drains for up to 10 s; a generous bound on top. */
const DRAIN_MS = 10_000;

function startNpm(database: string) {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ROSTER_DATABASE_URL: database,
      ROSTER_PORT: '0',
      ROSTER_LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const banner = new Promise<{ origin: string; pid: number }>((done, failed) => {
    const timer = setTimeout(
      () => failed(new Error(`npm start printed no banner:\n${output}`)),
      60_000,
    );
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+) \(database: sqlite, pid (\d+)\)/.exec(output);
      if (match?.[1] && /Access token/.test(output)) {
        clearTimeout(timer);
        done({ origin: match[1], pid: Number(match[2]) });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      failed(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  return { child, exited, banner, output: () => output };
}

/** Whether anything still accepts connections at the origin. */
function accepting(origin: string): Promise<boolean> {
  const { hostname, port } = new URL(origin);
  return new Promise((done) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function closedWithin(origin: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await accepting(origin))) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return !(await accepting(origin));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-npm-start-'));
  const children: ChildProcess[] = [];
  const servers: number[] = [];
  afterAll(() => {
    // Whatever a failure left running: npm, and the server if it outlived npm.
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of servers) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM to the npm process stops the server: the port closes within the drain time', async () => {
    const npm = startNpm(join(dir, 'a.db'));
    children.push(npm.child);
    const { origin, pid } = await npm.banner;
    servers.push(pid);
    expect(await accepting(origin)).toBe(true);
    npm.child.kill('SIGTERM');
    expect(await closedWithin(origin, DRAIN_MS + 5000), npm.output()).toBe(true);
    await npm.exited;
    expect(alive(pid)).toBe(false);
  });

  it('SIGTERM to the pid the banner printed stops the server, and npm with it, cleanly', async () => {
    const npm = startNpm(join(dir, 'b.db'));
    children.push(npm.child);
    const { origin, pid } = await npm.banner;
    servers.push(pid);
    expect(pid).not.toBe(npm.child.pid);
    process.kill(pid, 'SIGTERM');
    expect(await closedWithin(origin, DRAIN_MS + 5000), npm.output()).toBe(true);
    expect(await npm.exited).toBe(0);
  });
});
