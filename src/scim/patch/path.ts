/**
 * PATCH operation paths (RFC 7644 §3.5.2):
 *
 *   PATH = attrPath / valuePath [subAttr]
 *
 * e.g. `name.givenName`, `members[value eq "5401"]`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
 */
import type { Filter, ParseResult } from '../filter/ast.ts';
import { runParser } from '../filter/parser.ts';
import type { AttributeReference } from '../schemas/resolve-attribute.ts';

export interface PatchPath {
  /**
   * The targeted attribute. With a filter, `name` is the multi-valued attribute and
   * `subAttribute` (if any) the sub-attribute targeted within each matching element.
   */
  readonly attribute: AttributeReference;
  /** The value filter in brackets; its attribute paths are relative to one element. */
  readonly filter?: Filter | undefined;
}

/** Parses a PATCH `path` (RFC 7644 §3.5.2). Never throws. */
export function parsePath(input: string): ParseResult<PatchPath> {
  return runParser(input, 'path', (parser): PatchPath => {
    const pathToken = parser.peek();
    const attribute = parser.attributeReference(pathToken);
    parser.next();
    if (parser.peek().kind !== '[') {
      parser.expectEnd("the end of the path or '['");
      return { attribute };
    }

    const filter = parser.parseBracket(pathToken, attribute);
    const following = parser.peek();
    if (following.kind === 'word' && following.text.startsWith('.')) {
      // valuePath subAttr: `emails[type eq "work"].value` targets `value` of matching elements.
      const subAttribute = parser.attributeName(following.text.slice(1), following);
      parser.next();
      parser.expectEnd('the end of the path');
      return { attribute: { ...attribute, subAttribute }, filter };
    }
    parser.expectEnd("the end of the path or '.subAttribute'");
    return { attribute, filter };
  });
}
