/**
 * Starts a server as its own process, pinned to one core with `taskset` when available, waits
 * for its "listening on http://…" banner, and reads its resident memory from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** Arguments after `node` (and `--import tsx` unless `compiled`): a script and its flags. */
  readonly args: readonly string[];
  /** The script is JavaScript (dist/): run it without the tsx loader. */
  readonly compiled?: boolean;
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
  const nodeArgs = options.compiled ? [...options.args] : ['--import', 'tsx', ...options.args];
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

/** The token, admin key and cursor secret every bench gives the Roster servers it starts. */
export const BENCH_TOKEN = 'bench-demo-token-0123456789abcdef';
export const BENCH_ADMIN_KEY = 'bench-operator-key-0123456789abcdef';
export const BENCH_CURSOR_SECRET = 'bench-cursor-secret-0123456789abcdef';

/** Newest modification time of the files under a folder, in ms (0 when there are none). */
function newestUnder(folder: string): number {
  let latest = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

const compiledEntries = new Map<string, string>();

/**
 * The compiled server (`dist/cli/main.js`), built first with `npm run build` when dist/ is
 * missing or older than src/. Benches measure what a deployment runs: under tsx the same
 * server holds about 110 MB more (its compiler and the source maps of every module: 207 MB
 * against 98 MB idle at 100,000 users, measured 2026-12-05), which would swamp the RSS target.
 */
export function compiledServer(root = fileURLToPath(new URL('../', import.meta.url))): string {
  const known = compiledEntries.get(root);
  if (known) return known;
  const entry = join(root, 'dist', 'cli', 'main.js');
  const fresh = existsSync(entry) && statSync(entry).mtimeMs >= newestUnder(join(root, 'src'));
  if (!fresh) {
    process.stderr.write(
      'Building dist/ (npm run build) so the bench runs the compiled server …\n',
    );
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed: the bench needs dist/');
  }
  compiledEntries.set(root, entry);
  return entry;
}

/**
 * How a bench starts Roster: `roster serve` on `database`, unthrottled, quiet, with the demo
 * token and the operator key from the environment (not flags). The mass-deprovisioning brake
 * keeps all its work (lock, count, record) but may not hold: with a share of 1 its limit is
 * every active user, and the PATCH scenarios deactivate thousands of users a second (half of
 * their requests), which the default 10% would hold within seconds at 100,000 users.
 */
export function rosterServe(
  database: string,
  nodeArgs: readonly string[] = [],
  /** The checkout whose server to run (another commit's, extracted); default this one. */
  root?: string,
): Pick<StartOptions, 'args' | 'env' | 'compiled'> {
  return {
    args: [...nodeArgs, compiledServer(root), 'serve', '--port', '0', '--database', database],
    compiled: true,
    // In the environment, not the arguments: process listings and npm show arguments.
    env: {
      ROSTER_DEMO_TOKEN: BENCH_TOKEN,
      ROSTER_ADMIN_KEY: BENCH_ADMIN_KEY,
      ROSTER_RATE_LIMIT_PER_SECOND: '1000000',
      ROSTER_LOG_LEVEL: 'warn',
      ROSTER_CURSOR_SECRET: BENCH_CURSOR_SECRET,
      ROSTER_DEPROVISION_BRAKE_SHARE: '1',
    },
  };
}

/** The brake as the admin API reports it (GET /api/v1/accounts/{id}/deprovision-brake). */
export interface BrakeStatus {
  readonly engaged: boolean;
  readonly deactivations: number;
  readonly limit: number;
}

async function brakeCall(url: string, accountId: string, release: boolean): Promise<BrakeStatus> {
  const path = `/api/v1/accounts/${accountId}/deprovision-brake${release ? '/release' : ''}`;
  const response = await fetch(`${url}${path}`, {
    method: release ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as BrakeStatus;
}

/**
 * Releases the brake, so the deactivations a PATCH scenario's brake counts start at 0 rather
 * than at whatever earlier scenarios on the same database left in its window.
 */
export const releaseBrake = (url: string, accountId: string) => brakeCall(url, accountId, true);
export const brakeStatus = (url: string, accountId: string) => brakeCall(url, accountId, false);
