/**
 * Prometheus metrics (docs/observability.md lists each one). Every app gets its own registry,
 * not prom-client's global one, so several apps in one process (tests) keep their counts apart.
 *
 * The request path pays a timer, a map lookup and two increments: label children are made once
 * per distinct label set and kept, and every label value is from a bounded set (the IdP names
 * of detect-idp.ts, the SCIM operations of scim/operation-label.ts, the admin API's route ids,
 * the statuses Roster answers with); never a path, an id or a query.
 *
 * Other modules add their metrics to `registry` (prom-client's `registers: [metrics.registry]`),
 * or a gauge read at scrape time with `scrapeGauge`: the events outbox (its depth, the age of
 * its oldest undelivered event) and webhook deliveries by outcome belong there.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { requestIdp } from './request-context.ts';
import { scimOperation } from './scim/operation-label.ts';
import type { ScimEnv } from './scim/scim-env.ts';

/** Where a request arrived: the two API surfaces are measured per request. */
export type Surface = 'scim' | 'admin';

export interface MetricsOptions {
  /** Events queued for the provisioning log and not yet written (`store.log.backlog`). */
  readonly provisioningLogBacklog: () => number;
  /** Node's process metrics (CPU, memory, event loop lag, GC): for the server, not tests. */
  readonly processMetrics?: boolean | undefined;
}

export interface Metrics {
  /** This app's registry: what `GET /metrics` exposes. */
  readonly registry: Registry;
  /** Counts and times SCIM and admin API requests, and counts refused credentials. */
  readonly middleware: MiddlewareHandler;
  /**
   * A gauge computed when Prometheus scrapes (no cost between scrapes): `read` may query the
   * store; each labelled value it returns is one series.
   */
  scrapeGauge(definition: ScrapeGauge): void;
}

export interface ScrapeGauge {
  /** `roster_…`, Prometheus naming (base units: seconds, bytes). */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  readonly read: () =>
    | number
    | readonly { readonly labels: Record<string, string>; readonly value: number }[]
    | Promise<number | readonly { labels: Record<string, string>; value: number }[]>;
}

/** From 1 ms to 10 s: SCIM lookups take about a millisecond, a large /Bulk seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The surface of a routed (normalised) path, if it is measured. */
function surfaceOf(path: string): Surface | undefined {
  if (path.startsWith('/scim/v2') && (path.length === 8 || path[8] === '/')) return 'scim';
  if (path.startsWith('/api/v1') && (path.length === 7 || path[7] === '/')) return 'admin';
  return undefined;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'roster_http_requests_total',
    help: 'SCIM and admin API requests, by surface, detected IdP, operation and response status',
    labelNames: ['surface', 'idp', 'operation', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'Time from a request reaching Roster until its response was decided, by surface and operation',
    labelNames: ['surface', 'operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'roster_auth_failures_total',
    help: 'Refused credentials (SCIM tokens, admin keys, console sign-ins, metrics tokens), by surface and reason',
    labelNames: ['surface', 'reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'roster_provisioning_log_backlog',
    help: 'Provisioning-log events queued in this process and not yet written',
    registers: [registry],
    collect() {
      this.set(options.provisioningLogBacklog());
    },
  });

  // Children per label set, made once: `labels()` validates and hashes its arguments each call.
  const requestChildren = new Map<string, Counter.Internal>();
  const latencyChildren = new Map<string, Histogram.Internal<'surface' | 'operation'>>();
  const failureChildren = new Map<string, Counter.Internal>();

  function countFailure(surface: string, reason: string): void {
    const key = `${surface}\u0000${reason}`;
    let child = failureChildren.get(key);
    if (child === undefined) {
      child = authFailures.labels(surface, reason);
      failureChildren.set(key, child);
    }
    child.inc();
  }

  function observe(c: Context, surface: Surface, seconds: number): void {
    const operation =
      surface === 'scim'
        ? scimOperation(c.req.method, c.req.path)
        : ((c.get('apiOperation') as string | undefined) ?? 'unknown');
    const idp = requestIdp(c);
    const status = c.res.status;
    const requestKey = `${surface}\u0000${idp}\u0000${operation}\u0000${status}`;
    let counted = requestChildren.get(requestKey);
    if (counted === undefined) {
      counted = requests.labels(surface, idp, operation, String(status));
      requestChildren.set(requestKey, counted);
    }
    counted.inc();
    const latencyKey = `${surface}\u0000${operation}`;
    let timed = latencyChildren.get(latencyKey);
    if (timed === undefined) {
      timed = latency.labels(surface, operation);
      latencyChildren.set(latencyKey, timed);
    }
    timed.observe(seconds);
    // SCIM records why a token was refused (bearer-auth.ts); discovery, which needs no token,
    // clears it, so an anonymous read is not a failure.
    const reason =
      surface === 'scim'
        ? (c as unknown as Context<ScimEnv>).get('authFailure')?.reason
        : (c.get('failedAuthReason') as string | undefined);
    if (reason !== undefined) countFailure(surface, reason);
  }

  const middleware: MiddlewareHandler = async (c, next) => {
    const surface = surfaceOf(c.req.path);
    if (surface === undefined) {
      await next();
      const reason = c.get('failedAuthReason') as string | undefined;
      if (reason !== undefined)
        countFailure(c.req.path === '/metrics' ? 'metrics' : 'console', reason);
      return;
    }
    const started = performance.now();
    await next();
    observe(c, surface, (performance.now() - started) / 1000);
  };

  return {
    registry,
    middleware,
    scrapeGauge({ name, help, labelNames = [], read }) {
      new Gauge({
        name,
        help,
        labelNames: [...labelNames],
        registers: [registry],
        async collect() {
          const value = await read();
          if (typeof value === 'number') {
            this.set(value);
            return;
          }
          this.reset();
          for (const entry of value) this.set(entry.labels, entry.value);
        },
      });
    },
  };
}
