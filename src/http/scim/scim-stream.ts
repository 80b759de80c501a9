import type { Context } from 'hono';
import type { ScimEnv } from './scim-env.ts';
import { SCIM_CONTENT_TYPE } from './scim-response.ts';

/**
 * A SCIM JSON response written from `chunks` as they come (large groups), or in one piece when
 * `inline`. `logged` is what the provisioning log sees of it; the members are never logged.
 */
export async function scimChunks(
  c: Context<ScimEnv>,
  chunks: AsyncGenerator<string>,
  options: { inline: boolean; logged: unknown; status?: number; headers?: Record<string, string> },
): Promise<Response> {
  const headers = { 'Content-Type': SCIM_CONTENT_TYPE, ...options.headers };
  c.set('responseBody', options.logged);
  if (options.inline) {
    let text = '';
    for await (const chunk of chunks) text += chunk;
    return new Response(text, { status: options.status ?? 200, headers });
  }
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        // Headers are sent: all that is left is to cut the body short, which the client sees
        // as a truncated (invalid) document rather than a wrong one.
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, { status: options.status ?? 200, headers });
}
