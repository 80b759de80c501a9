/** The one place SCIM errors are rendered (RFC 7644 §3.12). */
import type { Context } from 'hono';
import { DirectoryError, type DirectoryErrorCode } from '../../directory/errors.ts';
import { ScimError } from '../../scim/errors.ts';
import { isStoreContention, isStoreUnavailable, ReadBudgetError } from '../../store/errors.ts';
import { scrubSecrets, secretValuesOf } from './redact-secrets.ts';
import type { ScimEnv } from './scim-env.ts';
import { scimJson } from './scim-response.ts';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The directory errors SCIM requests can meet; domain, app and token errors are admin-only. */
type ScimDirectoryErrorCode = Extract<
  DirectoryErrorCode,
  | 'account.not_found'
  | `user.${string}`
  | `group.${string}`
  | `seat.${string}`
  | `permission_set.${string}`
>;

const DIRECTORY_ERRORS: Readonly<
  Record<ScimDirectoryErrorCode, (detail: string, error: DirectoryError) => ScimError>
> = {
  'account.not_found': (d) => new ScimError(401, undefined, d),
  'user.not_found': (d) => new ScimError(404, undefined, d),
  'user.user_name_taken': (d) => new ScimError(409, 'uniqueness', d),
  'user.email_taken': (d) => new ScimError(409, 'uniqueness', d),
  'user.identity_ambiguous': (d) => new ScimError(409, 'uniqueness', d),
  'user.email_missing': (d) => new ScimError(400, 'invalidValue', d),
  'user.value_too_long': (d) => new ScimError(400, 'invalidValue', d),
  // 400, not 401/403: IdPs read those as bad credentials and stop provisioning everyone.
  'user.domain_unverified': (d) => new ScimError(400, 'invalidValue', d),
  'user.version_mismatch': (d) => new ScimError(412, undefined, d),
  'user.update_contended': (d) => new ScimError(503, undefined, d, { 'Retry-After': '1' }),
  'user.role_ambiguous': (d) => new ScimError(400, 'invalidValue', d),
  'user.seat_required': (d) => new ScimError(400, 'invalidValue', d),
  // 429 + Retry-After: Okta and Entra both pause and retry the request later, and neither counts
  // it towards disabling the app (Entra quarantines a job whose calls fail with 4xx/5xx).
  'user.deactivation_held': (d, e) =>
    new ScimError(429, undefined, d, { 'Retry-After': String(e.retryAfterSeconds ?? 60) }),
  'group.not_found': (d) => new ScimError(404, undefined, d),
  'group.display_name_taken': (d) => new ScimError(409, 'uniqueness', d),
  'group.display_name_missing': (d) => new ScimError(400, 'invalidValue', d),
  'group.value_too_long': (d) => new ScimError(400, 'invalidValue', d),
  'group.version_mismatch': (d) => new ScimError(412, undefined, d),
  'group.update_contended': (d) => new ScimError(503, undefined, d, { 'Retry-After': '1' }),
  'group.not_mapped': (d) => new ScimError(404, undefined, d),
  // Administration rules; SCIM meets the seat and permission-set ones when roles are synced.
  'permission_set.not_found': (d) => new ScimError(404, undefined, d),
  'permission_set.name_taken': (d) => new ScimError(409, 'uniqueness', d),
  'permission_set.minimal_protected': (d) => new ScimError(400, 'invalidValue', d),
  'permission_set.in_use': (d) => new ScimError(409, undefined, d),
  'seat.pool_full': (d) => new ScimError(400, 'invalidValue', d),
  'seat.pool_below_assigned': (d) => new ScimError(400, 'invalidValue', d),
  'seat.seats_model_only': (d) => new ScimError(400, 'invalidValue', d),
  'user.managed_by_idp': (d) => new ScimError(400, 'mutability', d),
  'user.role_sync_enabled': (d) => new ScimError(400, 'mutability', d),
  'user.permission_set_unknown': (d) => new ScimError(400, 'invalidValue', d),
  'user.team_unknown': (d) => new ScimError(400, 'invalidValue', d),
};

/** Seconds an IdP should wait before retrying while the database is unreachable. */
const UNAVAILABLE_RETRY_SECONDS = '5';

export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof DirectoryError && Object.hasOwn(DIRECTORY_ERRORS, error.code)) {
    return DIRECTORY_ERRORS[error.code as ScimDirectoryErrorCode](error.message, error);
  }
  // docs/security.md: a read that may scan runs under a budget, off the event loop.
  if (error instanceof ReadBudgetError) {
    return error.reason === 'overBudget'
      ? new ScimError(
          400,
          'invalidFilter',
          `this query is too costly: it ran past its ${error.budgetMs} ms budget. Narrow the filter with an eq on userName, externalId or emails, sort by an indexed attribute, or page with cursors`,
        )
      : new ScimError(
          503,
          undefined,
          'too many costly queries for this account are running; retry shortly',
          { 'Retry-After': String(error.retryAfterSeconds) },
        );
  }
  // Retryable, and said so: IdPs back off on 503 + Retry-After instead of counting a failure.
  if (isStoreUnavailable(error)) {
    return new ScimError(503, undefined, 'the directory database is unavailable; retry shortly', {
      'Retry-After': UNAVAILABLE_RETRY_SECONDS,
    });
  }
  if (isStoreContention(error)) {
    return new ScimError(
      503,
      undefined,
      'the request collided with concurrent changes to the same records and was not applied; retry',
      { 'Retry-After': '1' },
    );
  }
  return new ScimError(500, undefined, 'internal error; the request was not applied');
}

/**
 * Whether `error` is writers colliding (answered 503 + Retry-After): an expected outcome under
 * concurrent IdP traffic, not a fault worth an error log.
 */
export function isContention(error: unknown): boolean {
  return (
    (error instanceof DirectoryError && error.code.endsWith('.update_contended')) ||
    isStoreContention(error)
  );
}

export function renderScimError(c: Context<ScimEnv>, error: ScimError): Response {
  // A detail may quote what the client sent (a path, a value); never its secrets, since details
  // are kept in the provisioning log and in IdPs' own logs.
  const secrets = secretValuesOf(c.get('requestBody'));
  const detail = secrets.length === 0 ? error.detail : scrubSecrets(error.detail, secrets);
  return scimJson(
    c,
    {
      schemas: [ERROR_SCHEMA],
      // RFC 7644 §3.12 (errata 6893): status is the HTTP status code as a string.
      status: String(error.status),
      ...(error.scimType ? { scimType: error.scimType } : {}),
      detail,
    },
    error.status,
    error.headers,
  );
}
