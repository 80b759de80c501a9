/**
 * Starts a server as its own process, pinned to one core with `taskset` when available, waits
 * for its "listening on http://…" banner, and reads its resident memory from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Whether the process runs pinned to `core`. */
  readonly pinned: boolean;
  /** Current resident memory (VmRSS), bytes; 0 when /proc is unavailable. */
  rss(): number;
  /** Peak resident memory over the process's life (VmHWM), bytes. */
  peakRss(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  /** Arguments after `node --import tsx`: a script and its flags. */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly core?: number;
  readonly cwd?: string;
  readonly startTimeoutMs?: number;
}

export const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

function statusField(pid: number, field: string): number {
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return 0;
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(path, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Pins an already running process (all its threads) to one core. */
export function pinProcess(pid: number, core: number): boolean {
  if (!hasTaskset) return false;
  return spawnSync('taskset', ['-a', '-cp', String(core), String(pid)]).status === 0;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const nodeArgs = ['--import', 'tsx', ...options.args];
  const pinned = options.core !== undefined && hasTaskset;
  // taskset execs node, so the child's pid is the server's own pid.
  const [command, args] = pinned
    ? ['taskset', ['-c', String(options.core), process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(command as string, args as string[], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} did not start in time:\n${output}`)),
      options.startTimeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before listening:\n${output}`));
    });
  });
  // Keep draining output so a chatty server never blocks on a full pipe; keep warnings visible.
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.removeAllListeners('data');
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${options.name}] ${chunk}`));
  const pid = child.pid as number;
  // Never leave a server behind, even when the bench itself is interrupted.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  return {
    url,
    pid,
    pinned,
    rss: () => statusField(pid, 'VmRSS'),
    peakRss: () => statusField(pid, 'VmHWM'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited(child);
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(force);
      process.off('exit', killOnExit);
    },
  };
}

/** The token and cursor secret every bench gives the Roster servers it starts. */
export const BENCH_TOKEN = 'bench-demo-token-0123456789abcdef';
export const BENCH_CURSOR_SECRET = 'bench-cursor-secret-0123456789abcdef';

/** How a bench starts Roster: `roster serve` on `database`, unthrottled, quiet. */
export function rosterServe(
  database: string,
  nodeArgs: readonly string[] = [],
): Pick<StartOptions, 'args' | 'env'> {
  return {
    args: [...nodeArgs, 'src/cli/main.ts', 'serve', '--port', '0', '--database', database],
    // In the environment, not the arguments: process listings and npm show arguments.
    env: {
      ROSTER_DEMO_TOKEN: BENCH_TOKEN,
      ROSTER_RATE_LIMIT_PER_SECOND: '1000000',
      ROSTER_LOG_LEVEL: 'warn',
      ROSTER_CURSOR_SECRET: BENCH_CURSOR_SECRET,
    },
  };
}
