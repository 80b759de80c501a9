/**
 * What is kept of a request body that is not JSON. Never its text: a body that fails to parse
 * can still hold a password (`{"password":"P#2",}`), and no redaction can find it without
 * parsing. The provisioning log keeps instead
 *
 *   {"unparsed": {"bytes": 42, "sha256": "<hex of the body's bytes>", "error": "line 1, column 41: …"}}
 *
 * enough to tell two bodies apart and to match one an IdP logged, and where it broke.
 */
import { createHash } from 'node:crypto';
import { findJsonSyntaxError } from '../directory/scim-app-project/json-syntax.ts';

export interface UnparsedBody {
  readonly unparsed: { readonly bytes: number; readonly sha256: string; readonly error: string };
}

/**
 * Where and why `text` is not JSON, in words that quote at most one character of it. Node's
 * JSON.parse message quotes the text itself ("Unexpected token 'P', "P#2…" is not valid JSON"),
 * so it is never passed on.
 */
export function jsonSyntaxProblem(text: string): string {
  const found = findJsonSyntaxError(text);
  return found
    ? `line ${found.line}, column ${found.column}: ${found.message}`
    : 'not valid JSON (RFC 8259)';
}

export function unparsedBody(text: string): UnparsedBody {
  const bytes = Buffer.from(text, 'utf8');
  return {
    unparsed: {
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      error: jsonSyntaxProblem(text),
    },
  };
}
