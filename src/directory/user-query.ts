/**
 * The directory's query language for users. SCIM filters are translated into it
 * (`scim/filter/to-user-condition.ts`) and the store compiles it to SQL, so neither side sees the
 * other's syntax.
 */

/** Indexed fields of a user. */
export type UserColumn =
  | 'id'
  | 'userName'
  | 'externalId'
  | 'email'
  | 'displayName'
  | 'givenName'
  | 'familyName'
  | 'active'
  | 'managedBy'
  | 'deprovisionedAt'
  | 'createdAt'
  | 'updatedAt';

export type UserField =
  | { readonly kind: 'column'; readonly column: UserColumn }
  /** A value inside `User.profile`, e.g. ['title'] or ['urn:…:enterprise:2.0:User', 'manager', 'value']. */
  | { readonly kind: 'profile'; readonly path: readonly string[] };

/** A sub-attribute of one element of a multi-valued attribute; only valid inside `some`. */
export interface ElementField {
  readonly kind: 'element';
  /** ['value'], ['type'], ['primary'], ['display'], ['streetAddress']... */
  readonly path: readonly string[];
}

export type Comparison = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Operand = string | number | boolean | null;

/**
 * Conditions use two-valued logic: a comparison on an absent value is false (and `ne` on an
 * absent value is true), so `not` is always the exact complement.
 */
export type UserCondition =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'and'; readonly conditions: readonly UserCondition[] }
  | { readonly kind: 'or'; readonly conditions: readonly UserCondition[] }
  | { readonly kind: 'not'; readonly condition: UserCondition }
  | {
      readonly kind: 'compare';
      readonly field: UserField | ElementField;
      readonly op: Comparison;
      readonly value: Operand;
      /** False: compare strings case-insensitively (both sides lower-cased). */
      readonly caseExact: boolean;
    }
  | { readonly kind: 'present'; readonly field: UserField | ElementField }
  /** Some element of the multi-valued attribute satisfies `condition` (element fields). */
  | { readonly kind: 'some'; readonly attribute: string; readonly condition: UserCondition };

export interface UserSort {
  readonly field: UserField;
  readonly descending: boolean;
  /** False: order strings case-insensitively. */
  readonly caseExact: boolean;
}

export type UserPageRequest =
  /** RFC 7644 §3.4.2.4: `offset` is startIndex - 1. A `limit` of 0 returns only the total. */
  | { readonly kind: 'index'; readonly offset: number; readonly limit: number }
  /**
   * RFC 9865 keyset paging. `after` is a `nextKey` that an earlier page with the same
   * condition and sort returned; absent for the first page.
   */
  | { readonly kind: 'cursor'; readonly after?: string | undefined; readonly limit: number };

export interface UserQuery {
  readonly accountId: string;
  readonly condition: UserCondition;
  /** Absent: creation order. Ties always break on creation order, so pages are stable. */
  readonly sort?: UserSort | undefined;
  readonly page: UserPageRequest;
  /**
   * The total an earlier page of the same cursor walk reported: the store then does not count
   * again, so a deep cursor page costs what the first one did.
   */
  readonly knownTotal?: number | undefined;
}

export interface UserPage {
  readonly users: readonly import('./model.ts').User[];
  /** Number of users matching the condition, regardless of paging. */
  readonly total: number;
  /** Cursor paging only: an opaque keyset position after the last user, absent on the last page. */
  readonly nextKey?: string | undefined;
}
