/**
 * `npx tsx bench/observability-cost.ts`: what the request-id and metrics middleware cost a
 * request, in process: the same Hono app (with app.ts's security-headers middleware) without
 * them, with each, and with both, requests interleaved in rounds so that a noisy machine slows
 * every variant alike. CPU per request, median of the rounds.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import pino from 'pino';
import { createMetrics } from '../src/http/metrics.ts';
import { requestIds } from '../src/http/request-id.ts';

const logger = pino({ level: 'info' });

function build(middleware: readonly MiddlewareHandler[]) {
  const app = new Hono();
  for (const handler of middleware) app.use(handler);
  // As app.ts: the security headers are set on every response either way.
  app.use(async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/scim/v2/Users/:id', (c) => c.json({ id: c.req.param('id') }));
  return app;
}

const metrics = () => createMetrics({ provisioningLogBacklog: () => 0 }).middleware;
const variants = {
  neither: build([]),
  'request id': build([requestIds(logger)]),
  metrics: build([metrics()]),
  both: build([requestIds(logger), metrics()]),
};
const N = 20_000;
const ROUNDS = 10;

async function run(app: Hono, path: string): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < N; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        app.fetch(
          new Request(`http://x${path}${i + j}`, {
            headers: { 'user-agent': 'Okta SCIM Client 1.0.0' },
          }),
        ),
      ),
    );
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / N;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  for (const path of ['/healthz?n=', '/scim/v2/Users/']) {
    const times = Object.fromEntries(Object.keys(variants).map((name) => [name, [] as number[]]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, app] of Object.entries(variants)) times[name]?.push(await run(app, path));
    }
    const base = median(times.neither ?? []);
    const cells = Object.entries(times).map(([name, xs]) => {
      const m = median(xs);
      return name === 'neither'
        ? `${name} ${m.toFixed(1)} µs`
        : `${name} +${(m - base).toFixed(1)} µs`;
    });
    console.log(
      `${path.padEnd(16)} ${cells.join('  ')}  (CPU/request, median of ${ROUNDS} × ${N})`,
    );
  }
}

await main();
