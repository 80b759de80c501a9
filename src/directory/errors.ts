/** Domain rule violations. Each surface maps the code to its own error shape in one place. */
export type DirectoryErrorCode =
  | 'account.not_found'
  | 'user.not_found'
  | 'user.user_name_taken'
  | 'user.email_taken'
  | 'user.identity_ambiguous'
  | 'user.email_missing'
  | 'user.value_too_long'
  | 'user.domain_unverified'
  | 'user.version_mismatch'
  | 'user.update_contended'
  | 'user.role_ambiguous'
  | 'user.deactivation_held'
  | 'user.seat_required'
  | 'domain.invalid_name'
  | 'domain.exists'
  | 'domain.not_found'
  | 'domain.claimed'
  | 'domain.contended'
  | 'scim_app.invalid_project'
  | 'scim_app.not_found'
  | 'scim_app.limit_reached'
  | 'scim_app.prerequisite_missing'
  | 'scim_app.already_installed'
  | 'scim_app.not_installed'
  | 'scim_app.installed'
  | 'scim_app.contended'
  | 'token.not_found'
  | 'token.not_active'
  | 'token.invalid_overlap'
  | 'group.not_found'
  | 'group.display_name_taken'
  | 'group.display_name_missing'
  | 'group.value_too_long'
  | 'group.version_mismatch'
  | 'group.update_contended'
  | 'group.not_mapped'
  // Administration (admin API, CLI).
  | 'admin_key.not_found'
  | 'permission_set.not_found'
  | 'permission_set.name_taken'
  | 'permission_set.minimal_protected'
  | 'permission_set.in_use'
  | 'team.not_found'
  | 'team.name_taken'
  | 'seat.pool_full'
  | 'seat.pool_below_assigned'
  | 'seat.seats_model_only'
  | 'user.managed_by_idp'
  | 'user.role_sync_enabled'
  | 'user.permission_set_unknown'
  | 'user.team_unknown'
  | 'provisioning_event.not_found'
  | 'provisioning_event.unknown_anchor'
  // The event feed (issue 11).
  | 'event.cursor_unknown'
  | 'event.cursor_expired'
  | 'webhook.not_found'
  | 'webhook.invalid_url'
  | 'webhook.event_type_unknown'
  | 'webhook.limit_reached'
  | 'webhook.invalid_overlap'
  | 'webhook.delivery_not_found'
  | 'webhook.event_not_found';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    /** Every individual problem, when there are several (an invalid project's files). */
    readonly details: readonly string[] = [],
    /** For errors a client should retry: how long to wait, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Throws a DirectoryError unless `condition` holds: one line per guard. */
export function assertThat(
  condition: unknown,
  code: DirectoryErrorCode,
  message: string,
): asserts condition {
  if (!condition) throw new DirectoryError(code, message);
}
