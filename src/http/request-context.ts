/**
 * Values every surface may set on a request's context, beyond each surface's own (ScimEnv,
 * ConsoleEnv): the request id, and what the metrics need to know of a request that only the
 * code handling it can tell (metrics.ts reads them once the response is decided).
 */
declare module 'hono' {
  interface ContextVariableMap {
    /** This request's id (request-id.ts). */
    requestId: string;
    /** The admin API route that ran (its operationId): the bounded `operation` label. */
    apiOperation: string;
    /**
     * Why a credential (admin key, console sign-in, metrics token) was refused, for the
     * failed-authentication metric; SCIM keeps its own reason (`authFailure`, scim-env.ts).
     */
    failedAuthReason: FailedAuthReason;
  }
}

/** Why a credential was refused, as the failed-authentication metric labels it. */
export type FailedAuthReason = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired';
