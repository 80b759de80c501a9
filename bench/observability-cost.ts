// In-process cost of the request-id and metrics middleware: the same Hono app with and without
// them, requests interleaved in rounds so machine noise hits both alike.
import { Hono } from 'hono';
import pino from 'pino';
import { createMetrics } from '../src/http/metrics.ts';
import { requestIds } from '../src/http/request-id.ts';

const logger = pino({ level: 'info' });
function build(observed: boolean) {
  const app = new Hono();
  // As app.ts: the security headers are set on every response either way.
  app.use(async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  if (observed) {
    app.use(requestIds(logger));
    app.use(createMetrics({ provisioningLogBacklog: () => 0 }).middleware);
  }
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/scim/v2/Users/:id', (c) => c.json({ id: c.req.param('id') }));
  return app;
}
const plain = build(false);
const observed = build(true);
const N = 20000;
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
for (const path of ['/healthz?', '/scim/v2/Users/']) {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 8; round++) {
    a.push(await run(plain, path));
    b.push(await run(observed, path));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  console.log(
    `${path.padEnd(16)} without ${median(a).toFixed(1)} µs  with ${median(b).toFixed(1)} µs  difference ${(median(b) - median(a)).toFixed(1)} µs CPU/request (median of 8 rounds of ${N})`,
  );
}
