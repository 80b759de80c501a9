/**
 * Values every surface may set on a request's context, beyond each surface's own (ScimEnv,
 * ConsoleEnv): the request id, and what the metrics need to know of a request that only the
 * code handling it can tell (metrics.ts reads them once the response is decided).
 */
import type { Context } from 'hono';
import { detectIdp } from '../scim/compat/detect-idp.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's id (request-id.ts). */
    requestId: string;
    /** Which IdP sent the request, detected once (`requestIdp`). */
    idp: string;
    /** The admin API route that ran (its operationId): the bounded `operation` label. */
    apiOperation: string;
    /**
     * Why a credential (admin key, console sign-in, metrics token) was refused, for the
     * failed-authentication metric; SCIM keeps its own reason (`authFailure`, scim-env.ts).
     */
    failedAuthReason: FailedAuthReason;
  }
}

/**
 * Which IdP sent this request, for the actor of its changes, the provisioning log and the
 * metrics: detected on first use and kept on the context, so a request pays for it once.
 */
export function requestIdp(c: Context): string {
  let idp = c.get('idp');
  if (idp === undefined) {
    const url = c.req.url;
    const at = url.indexOf('?');
    idp = detectIdp(c.req.header('user-agent'), at < 0 ? '' : url.slice(at));
    c.set('idp', idp);
  }
  return idp;
}

/** Why a credential was refused, as the failed-authentication metric labels it. */
export type FailedAuthReason = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired';
