import type { Context } from 'hono';
import type { ScimEnv } from './scim-env.ts';

/** RFC 7644 §3.1: every response body is application/scim+json. */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function scimJson(
  c: Context<ScimEnv>,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  const text = JSON.stringify(body);
  c.set('responseBody', body);
  c.set('responseText', text);
  return new Response(text, {
    status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers },
  });
}
