/**
 * The query language SCIM filters become, shared by every resource the directory lists (users,
 * groups). A resource names its indexed fields (`Column`); the store compiles conditions to SQL.
 */

export type Field<Column extends string> =
  | { readonly kind: 'column'; readonly column: Column }
  /** A value inside the resource's profile document, e.g. ['title']. */
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
export type Condition<Column extends string> =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'and'; readonly conditions: readonly Condition<Column>[] }
  | { readonly kind: 'or'; readonly conditions: readonly Condition<Column>[] }
  | { readonly kind: 'not'; readonly condition: Condition<Column> }
  | {
      readonly kind: 'compare';
      readonly field: Field<Column> | ElementField;
      readonly op: Comparison;
      readonly value: Operand;
      /** False: compare strings case-insensitively (both sides lower-cased). */
      readonly caseExact: boolean;
    }
  | { readonly kind: 'present'; readonly field: Field<Column> | ElementField }
  /** Some element of the multi-valued attribute satisfies `condition` (element fields). */
  | {
      readonly kind: 'some';
      readonly attribute: string;
      readonly condition: Condition<Column>;
    };

export interface Sort<Column extends string> {
  readonly field: Field<Column>;
  readonly descending: boolean;
  /** False: order strings case-insensitively. */
  readonly caseExact: boolean;
}

export type PageRequest =
  /** RFC 7644 §3.4.2.4: `offset` is startIndex - 1. A `limit` of 0 returns only the total. */
  | { readonly kind: 'index'; readonly offset: number; readonly limit: number }
  /**
   * RFC 9865 keyset paging. `after` is a `nextKey` that an earlier page with the same
   * condition and sort returned; absent for the first page.
   */
  | { readonly kind: 'cursor'; readonly after?: string | undefined; readonly limit: number };
