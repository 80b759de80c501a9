/**
 * What a setup guide says about one identity provider: where its SCIM settings are, what its
 * fields are called, the attribute mappings, and what it sends when a person is unassigned,
 * disabled or deleted, with what Roster then does. One file per IdP beside this one.
 */
import type { Child } from 'hono/jsx';

/** This account's values, filled into every guide. */
export interface GuideValues {
  readonly tenantUrl: string;
  readonly entraTenantUrl: string;
  /** The 8 characters of each token that works now (the token itself was shown once). */
  readonly activeTokens: readonly string[];
  readonly roleSyncEnabled: boolean;
}

export interface LifecycleRow {
  /** What the admin does in the IdP. */
  readonly action: string;
  /** What the IdP sends. */
  readonly sends: string;
  /** What Roster does. */
  readonly roster: string;
}

export interface IdpGuide {
  /** The IdP's id in the provisioning log (`detect-idp.ts`) and the guide's URL. */
  readonly id: string;
  readonly name: string;
  /** One line for the guides' index. */
  readonly summary: string;
  /** Whether the IdP can reach a custom SCIM server at all (Google Workspace cannot). */
  readonly pushesToCustomApps: boolean;
  /** The IdP's names for the two values it needs; absent when it takes none. */
  readonly fields?: {
    readonly url: string;
    readonly token: string;
    /** Microsoft Entra ID takes the tenant URL with `?aadOptscim062020`. */
    readonly entraUrl?: boolean;
  };
  readonly steps: (values: GuideValues) => Child;
  /** SCIM attribute, and what the IdP maps to it. */
  readonly mappings: readonly (readonly [string, string])[];
  readonly roles?: (values: GuideValues) => Child;
  readonly lifecycle: readonly LifecycleRow[];
  readonly notes?: (values: GuideValues) => Child;
}
