/**
 * A small typed wrapper over autocannon's programmatic API: an unrecorded warm-up, then a
 * measured run, each bounded by duration. `next` may vary the path and body of every request.
 */
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { cpuSeconds } from './cpu-split.ts';

interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
}

interface AutocannonResult {
  readonly requests: Histogram & { readonly total: number };
  readonly latency: Histogram;
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
}

interface RawRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
}

interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly timeout: number;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly requests?: readonly {
    readonly setupRequest?: (request: RawRequest) => RawRequest;
  }[];
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

// autocannon ships no type declarations; the slice used here is typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface RequestShape {
  readonly method?: string;
  readonly path?: string;
  readonly body?: string;
}

export interface LoadOptions {
  /** Origin plus the default path, e.g. http://127.0.0.1:1234/scim/v2/Users. */
  readonly url: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Called once per request sent, warm-up included. */
  readonly next?: () => RequestShape;
  /**
   * A cheap request that queues behind whatever the server is still working on. autocannon
   * abandons in-flight requests when a run ends, but the server still serves them; waiting for
   * this probe after the warm-up and after the run keeps that backlog out of the measurement
   * (and out of the next scenario's).
   */
  readonly drainPath?: string;
  /**
   * A server process whose CPU time (utime + stime of all its threads, /proc/<pid>/stat) is read
   * after the warm-up's drain and after the measured run's drain: `serverCpuSeconds`.
   */
  readonly cpuPid?: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  /**
   * Requests sent in the measured run: `total` plus those still in flight when it ended, which
   * the server still serves before the drain probe is answered. Counted only with `next`.
   */
  readonly sent?: number;
  /** CPU seconds the `cpuPid` process used from the end of the warm-up to after the drain. */
  readonly serverCpuSeconds?: number;
}

function run(
  options: LoadOptions,
  seconds: number,
  next = options.next,
): Promise<AutocannonResult> {
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    timeout: 30,
    method: options.method ?? 'GET',
    headers: options.headers,
    requests: next ? [{ setupRequest: (request) => ({ ...request, ...next() }) }] : undefined,
  });
}

/** One request on a fresh connection (a pooled keep-alive socket may already be closed). */
function drain(options: LoadOptions): Promise<void> {
  const url = new URL(options.drainPath ?? '/', options.url);
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { headers: options.headers, agent: false, timeout: 120_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} in 120 s`)));
    request.on('error', reject);
  });
}

export async function measure(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) {
    await run(options, options.warmupSeconds);
    await drain(options);
  }
  const cpuBefore = options.cpuPid === undefined ? 0 : cpuSeconds(options.cpuPid);
  let sent = 0;
  const { next } = options;
  const counted = next
    ? () => {
        sent++;
        return next();
      }
    : undefined;
  const result = await run(options, options.seconds, counted);
  await drain(options);
  const serverCpuSeconds =
    options.cpuPid === undefined ? undefined : cpuSeconds(options.cpuPid) - cpuBefore;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]),
  );
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    ...(counted ? { sent } : {}),
    ...(serverCpuSeconds === undefined ? {} : { serverCpuSeconds }),
  };
}
