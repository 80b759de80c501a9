/**
 * What an account needs before a SCIM app can be installed: a Professional or Enterprise tier
 * and SSO enabled (seeds 002 and 003: "This feature requires a HubSpot Professional or
 * Enterprise account, and SSO must be enabled").
 */
import { DirectoryError } from './errors.ts';
import type { Account, PlanTier } from './model.ts';

export const SCIM_TIERS: readonly PlanTier[] = ['professional', 'enterprise'];

export interface MissingPrerequisite {
  readonly prerequisite: 'tier' | 'sso';
  readonly message: string;
}

/** Every prerequisite the account lacks; empty when SCIM may be installed. */
export function scimPrerequisites(account: Account): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  if (!SCIM_TIERS.includes(account.tier)) {
    missing.push({
      prerequisite: 'tier',
      message: `SCIM requires the professional or enterprise tier; this account is on ${account.tier}`,
    });
  }
  if (!account.ssoEnabled) {
    missing.push({
      prerequisite: 'sso',
      message: 'SCIM requires single sign-on (SSO) to be enabled for the account',
    });
  }
  return missing;
}

/** Throws `account.scim_prerequisites_missing`, naming each missing prerequisite. */
export function assertScimPrerequisites(account: Account): void {
  const missing = scimPrerequisites(account);
  if (missing.length > 0) {
    throw new DirectoryError(
      'account.scim_prerequisites_missing',
      `SCIM cannot be installed: ${missing.map((m) => m.message).join('; ')}`,
    );
  }
}
