/**
 * SCIM filter syntax tree (RFC 7644 §3.4.2.2). Attribute references keep the spelling the client
 * used; resolving them against a schema is a later step (`to-user-condition.ts`).
 */
import type { AttributeReference } from '../schemas/resolve-attribute.ts';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** compValue = false / null / true / number / string (RFC 7644 §3.4.2.2, ABNF). */
export type FilterValue = string | number | boolean | null;

export type Filter =
  | {
      readonly kind: 'compare';
      readonly path: AttributeReference;
      readonly op: CompareOperator;
      readonly value: FilterValue;
    }
  | { readonly kind: 'present'; readonly path: AttributeReference }
  | { readonly kind: 'and'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  /**
   * `emails[type eq "work" and value co "@x.com"]`: some element of the multi-valued attribute
   * matches `filter`, whose paths are relative to the element (`type`, `value`). `path` carries
   * no subAttribute. The non-RFC form `emails[type eq "work"].value eq "x"` parses to the same
   * node with `filter` = `type eq "work" and value eq "x"`, evaluated on one element.
   */
  | { readonly kind: 'valuePath'; readonly path: AttributeReference; readonly filter: Filter };

export interface SyntaxError {
  /** What is wrong, for the `detail` of a 400 invalidFilter / invalidPath. */
  readonly message: string;
  /** 0-based offset in the input where the problem was found. */
  readonly position: number;
  /**
   * Set when the input is well-formed but holds text no store can keep (NUL, unpaired
   * surrogates; `scim/unstorable-text.ts`): the answer is 400 `invalidValue`, not a syntax error.
   */
  readonly unstorable?: true | undefined;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: SyntaxError };
