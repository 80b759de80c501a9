import type { Context } from 'hono';
import { invalidSyntax, invalidValue, ScimError } from '../../scim/errors.ts';
import {
  BodyReadError,
  CLIENT_CLOSED_REQUEST,
  CLOSE_CONNECTION,
  readBoundedText,
} from '../read-bounded-body.ts';
import { unparsedBody } from '../unparsed-body.ts';
import { unstorableText } from '../unstorable-text.ts';
import type { ScimEnv } from './scim-env.ts';

/**
 * The request body as JSON. Any content type is read as JSON: IdPs send application/scim+json,
 * application/json (Okta's tests, Google), with or without charset, or nothing at all.
 */
export async function readJsonBody(c: Context<ScimEnv>, maxBytes: number): Promise<unknown> {
  let text: string;
  try {
    text = await readBoundedText(c.req.raw, maxBytes, c.env);
  } catch (error) {
    throw error instanceof BodyReadError ? bodyReadError(error) : error;
  }
  if (text.trim() === '') throw invalidSyntax('the request body is empty; send a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Never the text itself: it may hold a secret no redaction can find unparsed.
    const unparsed = unparsedBody(text);
    c.set('requestBody', unparsed);
    throw invalidSyntax(`the request body is not valid JSON: ${unparsed.unparsed.error}`);
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

function bodyReadError(error: BodyReadError): ScimError {
  if (error.reason === 'aborted') {
    return new ScimError(
      CLIENT_CLOSED_REQUEST,
      undefined,
      'the client closed the connection before sending the whole request body; nothing was applied',
    );
  }
  return new ScimError(
    413,
    'tooLarge',
    `the request body exceeds the ${error.limitBytes}-byte limit`,
    CLOSE_CONNECTION,
  );
}
