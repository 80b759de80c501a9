/**
 * SCIM protocol errors (RFC 7644 §3.12). Parsers and the PATCH engine return these inside a
 * `Result`; routes throw them; `http/scim-error-response.ts` renders them, in one place.
 */

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'tooLarge'
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

export class ScimError extends Error {
  override readonly name = 'ScimError';
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    /** Human-readable and specific: it is shown to IdP admins in their provisioning logs. */
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export type Result<T, E = ScimError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const fail = <E = ScimError>(error: E): { readonly ok: false; readonly error: E } => ({
  ok: false,
  error,
});

// One factory per error the protocol defines. 400 unless the RFC says otherwise.
export const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);
export const invalidSyntax = (detail: string) => new ScimError(400, 'invalidSyntax', detail);
export const invalidPath = (detail: string) => new ScimError(400, 'invalidPath', detail);
export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const noTarget = (detail: string) => new ScimError(400, 'noTarget', detail);
export const mutability = (detail: string) => new ScimError(400, 'mutability', detail);
export const tooMany = (detail: string) => new ScimError(400, 'tooMany', detail);
export const invalidCursor = (detail: string) => new ScimError(400, 'invalidCursor', detail);
export const expiredCursor = (detail: string) => new ScimError(400, 'expiredCursor', detail);
export const invalidCount = (detail: string) => new ScimError(400, 'invalidCount', detail);
export const uniqueness = (detail: string) => new ScimError(409, 'uniqueness', detail);
export const tooLarge = (detail: string) => new ScimError(413, 'tooLarge', detail);
export const unauthorized = (detail: string) => new ScimError(401, undefined, detail);
export const forbidden = (detail: string) => new ScimError(403, undefined, detail);
export const notFound = (detail: string) => new ScimError(404, undefined, detail);
export const methodNotAllowed = (detail: string, allow: string) =>
  new ScimError(405, undefined, detail, { Allow: allow });
export const preconditionFailed = (detail: string) => new ScimError(412, undefined, detail);
export const notImplemented = (detail: string) => new ScimError(501, undefined, detail);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new ScimError(429, undefined, detail, { 'Retry-After': String(retryAfterSeconds) });
