/**
 * The one place admin API errors are rendered: RFC 9457 problem details
 * (`application/problem+json`) with a stable `code` extension member that clients branch on.
 * Directory errors map to a status in one table; anything unexpected is a 500 without details.
 */
import type { Context } from 'hono';
import { DirectoryError, type DirectoryErrorCode } from '../../directory/errors.ts';
import { isStoreContention, isStoreUnavailable, ReadBudgetError } from '../../store/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One field a request got wrong, as a JSON Pointer (RFC 6901) into the body or query. */
export interface FieldProblem {
  readonly pointer: string;
  readonly message: string;
  /** A project file carried in the body: the file (`scim/scim-hsmeta.json`)... */
  readonly file?: string;
  /** ...and the JSON path inside it (`$.config.roleSyncEnabled`), or the line and column. */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    /** Stable, dotted: 'request.invalid', 'user.managed_by_idp'... */
    readonly code: string,
    readonly detail: string,
    readonly extra: {
      readonly errors?: readonly FieldProblem[];
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(detail);
  }
}

const DIRECTORY_STATUS: Readonly<Record<DirectoryErrorCode, number>> = {
  'account.not_found': 404,
  'user.not_found': 404,
  'user.user_name_taken': 409,
  'user.email_taken': 409,
  'user.identity_ambiguous': 409,
  'user.email_missing': 400,
  'user.value_too_long': 400,
  'user.domain_unverified': 400,
  'user.version_mismatch': 412,
  'user.update_contended': 503,
  'admin_key.not_found': 404,
  'permission_set.not_found': 404,
  'permission_set.name_taken': 409,
  'permission_set.minimal_protected': 409,
  'permission_set.in_use': 409,
  'team.not_found': 404,
  'team.name_taken': 409,
  'seat.pool_full': 409,
  'seat.pool_below_assigned': 409,
  'seat.seats_model_only': 409,
  'user.managed_by_idp': 409,
  'user.role_sync_enabled': 409,
  'user.permission_set_unknown': 400,
  'user.team_unknown': 400,
  'provisioning_event.not_found': 404,
  'provisioning_event.unknown_anchor': 400,
  'event.cursor_unknown': 400,
  // Gone: the events after the cursor were deleted by retention; the reader must resync.
  'event.cursor_expired': 410,
  'user.role_ambiguous': 400,
  'user.deactivation_held': 429,
  'user.seat_required': 409,
  'domain.invalid_name': 400,
  'domain.exists': 409,
  'domain.not_found': 404,
  'domain.claimed': 409,
  'domain.contended': 409,
  'scim_app.invalid_project': 400,
  'scim_app.not_found': 404,
  'scim_app.limit_reached': 409,
  'scim_app.prerequisite_missing': 409,
  'scim_app.already_installed': 409,
  'scim_app.not_installed': 409,
  'scim_app.installed': 409,
  'scim_app.contended': 503,
  'token.not_found': 404,
  'token.not_active': 409,
  'token.invalid_overlap': 400,
  'group.not_found': 404,
  'group.display_name_taken': 409,
  'group.display_name_missing': 400,
  'group.value_too_long': 400,
  'group.version_mismatch': 412,
  'group.update_contended': 503,
  'group.not_mapped': 404,
  'webhook.not_found': 404,
  'webhook.invalid_url': 400,
  'webhook.event_type_unknown': 400,
  'webhook.limit_reached': 409,
  'webhook.invalid_overlap': 400,
  'webhook.delivery_not_found': 404,
  'webhook.event_not_found': 404,
};

/** RFC 9110 reason phrases for the statuses this API answers with: the problem `title`. */
const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  // Not RFC 9110: recorded when the client left mid-body (read-bounded-body.ts); never sent.
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function toApiProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof DirectoryError) {
    const status = DIRECTORY_STATUS[error.code];
    const retryAfter = error.retryAfterSeconds ?? (status === 503 ? 1 : undefined);
    const headers = retryAfter === undefined ? undefined : { 'Retry-After': String(retryAfter) };
    // Several problems at once (an invalid project's files) are listed, each on its own.
    const errors = error.details.map((detail) => ({ pointer: '', message: detail }));
    return new ApiProblem(status, error.code, error.message, {
      ...(headers ? { headers } : {}),
      ...(errors.length > 0 ? { errors } : {}),
    });
  }
  if (error instanceof ReadBudgetError) {
    return error.reason === 'overBudget'
      ? new ApiProblem(
          400,
          'request.too_costly',
          `this query is too costly: it ran past its ${error.budgetMs} ms budget; narrow it`,
        )
      : new ApiProblem(
          503,
          'service.busy',
          'too many costly queries for this account are running; retry shortly',
          { headers: { 'Retry-After': String(error.retryAfterSeconds) } },
        );
  }
  if (isStoreUnavailable(error)) {
    return new ApiProblem(
      503,
      'service.unavailable',
      'the database is unavailable; retry shortly',
      {
        headers: { 'Retry-After': '5' },
      },
    );
  }
  if (isStoreContention(error)) {
    return new ApiProblem(
      503,
      'service.contended',
      'the request collided with concurrent changes to the same records and was not applied; retry',
      { headers: { 'Retry-After': '1' } },
    );
  }
  return new ApiProblem(500, 'internal', 'internal error; the request was not applied');
}

export function problemBody(problem: ApiProblem) {
  return {
    // RFC 9457 §3.1.1: a URI reference identifying the problem type; a URN needs no server.
    type: `urn:roster:problem:${problem.code}`,
    title: TITLES[problem.status] ?? 'Error',
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
  };
}

export function renderProblem(c: Context, problem: ApiProblem): Response {
  return c.body(JSON.stringify(problemBody(problem)), problem.status as 400, {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    ...problem.extra.headers,
  });
}
