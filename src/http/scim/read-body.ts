import type { Context } from 'hono';
import { invalidSyntax, ScimError } from '../../scim/errors.ts';
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
  try {
    const body: unknown = JSON.parse(text);
    c.set('requestBody', body);
    return body;
  } catch (error) {
    c.set('requestBody', text.slice(0, 2000));
    throw invalidSyntax(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLargeError(maxBytes: number): ScimError {
  return new ScimError(413, 'tooLarge', `the request body exceeds the ${maxBytes}-byte limit`);
}
