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
  c.set('responseBody', body);
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers },
  });
}
