/** Starts `roster serve` as its own process, as a user would, and stops it with SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MAIN = join(ROOT, 'src/cli/main.ts');

export interface ServerProcess {
  readonly process: ChildProcess;
  readonly origin: string;
  output(): string;
  /** SIGTERM, then the exit code once the server has drained and closed. */
  stop(): Promise<number | null>;
}

export async function startServer(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'serve', '--port', '0', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ROSTER_LOG_LEVEL: 'warn', ...env },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const origin = await new Promise<string>((done, failed) => {
    const timer = setTimeout(() => failed(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      // The banner's last line names the access token.
      if (match?.[1] && /Access token/.test(output)) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      failed(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    origin,
    output: () => output,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
