/**
 * What the fuzz generators know about the server under test: the two seeded SCIM tenants (their
 * tokens, ids and values), the admin API playground account, the operator key and the served
 * OpenAPI document. Filled in by fuzz-seed.ts.
 */
import type { FilterValues } from './filter-grammar.ts';

export interface FuzzRequest {
  readonly method: string;
  /** The request target as sent, percent-encoded or deliberately not. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: Buffer | undefined;
  /** Send the body chunked, without Content-Length. */
  readonly chunked?: boolean;
  /** What generated it ("scim.patch", "admin.body"...): groups the report. */
  readonly kind: string;
  /** The SCIM tenant whose token it carries (0 or 1), for the cross-tenant checks. */
  readonly tenant?: number | undefined;
  /**
   * Set when a 2xx would be wrong whatever else happens: one tenant naming another's resource,
   * an account key acting on another account. The text says why.
   */
  readonly mustFail?: string | undefined;
}

export interface Tenant {
  readonly label: string;
  readonly accountId: string;
  readonly token: string;
  /** An account admin key of this account. */
  readonly adminKey: string;
  readonly domain: string;
  readonly userIds: readonly string[];
  readonly userNames: readonly string[];
  readonly externalIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly groupNames: readonly string[];
  /** Values the filters compare with: this tenant's strings, both tenants' ids. */
  readonly values: FilterValues;
}

/** The account the admin API part of the fuzz may change freely (never the SCIM tenants). */
export interface Playground {
  readonly accountId: string;
  readonly adminKey: string;
  readonly adminKeyId: string;
  readonly domain: string;
  readonly userIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly permissionSetIds: readonly string[];
  readonly teamIds: readonly string[];
  readonly tokenIds: readonly string[];
  readonly keyIds: readonly string[];
}

export interface FuzzWorld {
  readonly tenants: readonly [Tenant, Tenant];
  readonly operatorKey: string;
  readonly playground: Playground;
  /** The server's /api/v1/openapi.json. */
  readonly openapi: Record<string, unknown>;
  /** nextCursor values the valid phase received, with the tenant they belong to. */
  readonly cursors: { tenant: number; cursor: string }[];
}

/** SCIM base path and admin API base path. */
export const SCIM = '/scim/v2';
export const API = '/api/v1';
