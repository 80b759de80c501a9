/**
 * What an account needs before a SCIM app can be installed: a Professional or Enterprise tier
 * and SSO enabled (seeds 002 and 003: "This feature requires a HubSpot Professional or
 * Enterprise account, and SSO must be enabled"). The one check: the account view reports it,
 * and installing the SCIM app enforces it.
 */
import { DirectoryError } from './errors.ts';
import type { Account, PlanTier } from './model.ts';

export const SCIM_TIERS: readonly PlanTier[] = ['professional', 'enterprise'];

export interface MissingPrerequisite {
  readonly prerequisite: 'tier' | 'sso';
  readonly message: string;
}

/** Every prerequisite the account lacks, in words; empty when SCIM may be installed. */
export function scimPrerequisites(account: Account): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  if (!SCIM_TIERS.includes(account.tier)) {
    missing.push({
      prerequisite: 'tier',
      message: `the account is on the ${account.tier} plan; SCIM needs the professional or enterprise plan`,
    });
  }
  if (!account.ssoEnabled) {
    missing.push({
      prerequisite: 'sso',
      message: 'single sign-on (SSO) is not enabled for the account; SCIM needs it',
    });
  }
  return missing;
}

/** Throws `scim_app.prerequisite_missing`, naming each missing prerequisite (also in `details`). */
export function assertScimPrerequisites(account: Account): void {
  const missing = scimPrerequisites(account).map((m) => m.message);
  if (missing.length > 0) {
    throw new DirectoryError(
      'scim_app.prerequisite_missing',
      `the SCIM app cannot be installed: ${missing.join('; and ')}`,
      missing,
    );
  }
}
