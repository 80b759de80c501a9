/**
 * `GET /metrics`: the Prometheus text format, for the operator key or the metrics token
 * (ROSTER_METRICS_TOKEN), sent as `Authorization: Bearer <token>`. An account admin key is
 * refused (403): the figures span every account. Errors are the admin API's problem details,
 * as the credentials are the operator's; refused credentials count toward the address's
 * failed-authentication throttle like any other.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Handler } from 'hono';
import type { AdminKeys } from '../directory/admin-keys.ts';
import { ApiProblem, renderProblem } from './api/problem-response.ts';
import type { AuthThrottle } from './auth-throttle.ts';
import type { Metrics } from './metrics.ts';
import type { FailedAuthReason } from './request-context.ts';
import { sourceAddress } from './source-address.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="Roster metrics"' };

export interface MetricsRouteOptions {
  readonly metrics: Metrics;
  readonly adminKeys: AdminKeys;
  /** ROSTER_METRICS_TOKEN, if set. */
  readonly metricsToken?: string | undefined;
  readonly authThrottle: AuthThrottle;
  readonly trustedProxies: ReadonlySet<string>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function metricsRoute(options: MetricsRouteOptions): Handler {
  const { metrics, adminKeys, authThrottle, trustedProxies } = options;
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on a prefix.
  const expected = options.metricsToken === undefined ? undefined : digest(options.metricsToken);

  function refuse(c: Context, reason: FailedAuthReason, detail: string, presented: boolean) {
    c.set('failedAuthReason', reason);
    const address = sourceAddress(c, trustedProxies);
    if (presented && address !== undefined) authThrottle.fail(address, Date.now());
    return renderProblem(
      c,
      new ApiProblem(401, reason === 'missing' ? 'auth.missing_key' : 'auth.invalid_key', detail, {
        headers: CHALLENGE,
      }),
    );
  }

  return async (c) => {
    const address = sourceAddress(c, trustedProxies);
    const wait = address === undefined ? 0 : authThrottle.retryAfter(address, Date.now());
    if (wait > 0) {
      return renderProblem(
        c,
        new ApiProblem(
          429,
          'auth.throttled',
          `too many failed authentications from this address; retry after ${wait} s with a valid token`,
          { headers: { 'Retry-After': String(wait) } },
        ),
      );
    }
    const header = c.req.header('authorization');
    if (header === undefined) {
      return refuse(
        c,
        'missing',
        'send the metrics token or the operator key as "Authorization: Bearer <token>"',
        false,
      );
    }
    const token = /^\s*bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (token === undefined) {
      return refuse(c, 'malformed', 'the Authorization header must be "Bearer <token>"', true);
    }
    const isMetricsToken = expected !== undefined && timingSafeEqual(digest(token), expected);
    if (!isMetricsToken) {
      const caller = await adminKeys.authenticate(token);
      if (caller === undefined) {
        return refuse(
          c,
          'unknown',
          'the token is neither the metrics token nor the operator key',
          true,
        );
      }
      if (caller.kind !== 'operator') {
        return renderProblem(
          c,
          new ApiProblem(
            403,
            'auth.operator_only',
            'metrics span every account: use the operator key or the metrics token (ROSTER_METRICS_TOKEN), not an account admin key',
          ),
        );
      }
    }
    return c.body(await metrics.registry.metrics(), 200, {
      'Content-Type': metrics.registry.contentType,
      'Cache-Control': 'no-store',
    });
  };
}
