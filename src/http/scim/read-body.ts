import type { Context } from 'hono';
import { invalidSyntax, invalidValue, ScimError } from '../../scim/errors.ts';
import { unstorableText } from '../unstorable-text.ts';
import type { ScimEnv } from './scim-env.ts';

/**
 * The request body as JSON. Any content type is read as JSON: IdPs send application/scim+json,
 * application/json (Okta's tests, Google), with or without charset, or nothing at all.
 */
export async function readJsonBody(c: Context<ScimEnv>, maxBytes: number): Promise<unknown> {
  const declared = Number(c.req.header('content-length'));
  if (declared > maxBytes) throw tooLargeError(maxBytes);
  const text = await c.req.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLargeError(maxBytes);
  if (text.trim() === '') throw invalidSyntax('the request body is empty; send a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    c.set('requestBody', text.slice(0, 2000));
    throw invalidSyntax(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  checkShape(body);
  c.set('requestBody', body);
  return body;
}

/** Deeper than any SCIM resource or PatchOp can be; guards every recursive walk after this. */
const MAX_DEPTH = 32;

/**
 * Refuses what no attribute can hold before anything recurses over it: absurd nesting, and text
 * no store can keep alike (NUL, unpaired surrogates; `unstorable-text.ts`), which no IdP sends.
 */
function checkShape(body: unknown): void {
  const stack: [unknown, number][] = [[body, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) throw invalidValue(`${problem} are not allowed in values`);
    } else if (value && typeof value === 'object') {
      if (depth >= MAX_DEPTH) {
        throw invalidSyntax(`the request body nests deeper than ${MAX_DEPTH} levels`);
      }
      for (const [key, inner] of Object.entries(value)) {
        const problem = unstorableText(key);
        if (problem) throw invalidValue(`${problem} are not allowed in names`);
        stack.push([inner, depth + 1]);
      }
    }
  }
}

function tooLargeError(maxBytes: number): ScimError {
  return new ScimError(413, 'tooLarge', `the request body exceeds the ${maxBytes}-byte limit`);
}
