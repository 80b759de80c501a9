/**
 * Reads a request body as text, chunk by chunk, and stops at the limit. Both surfaces read every
 * body through this, never through Hono's text or JSON readers, which buffer the whole body
 * before anything can look at its size: a chunked request (no Content-Length, RFC 9112 §7.1) of 1 GB
 * would be held in memory whole before being refused.
 */

/** Why a body could not be read: larger than the limit, or the client went away mid-body. */
export type BodyReadFailure = 'too-large' | 'aborted';

export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  constructor(
    readonly reason: BodyReadFailure,
    readonly limitBytes: number,
  ) {
    super(reason === 'too-large' ? `body exceeds ${limitBytes} bytes` : 'client closed request');
  }
}

/**
 * What a refused request's connection should do: a client streaming a body past the limit is
 * still sending, and the rest of its body cannot be parsed as a next request; RFC 9110 §15.5.14
 * lets the server close the connection after a 413.
 */
export const CLOSE_CONNECTION: Readonly<Record<string, string>> = { Connection: 'close' };

/**
 * The status recorded for a client that closed the connection mid-body (nginx's "client closed
 * request"): no response reaches it, and it is neither a server fault (no 5xx, no error log)
 * nor a request the server judged. The provisioning log and the audit trail show it as a
 * failure with that status and a plain detail.
 */
export const CLIENT_CLOSED_REQUEST = 499;

const decoder = new TextDecoder();

/** The Node request a body arrives on under @hono/node-server (`c.env.incoming`). */
interface IncomingBody {
  readonly readableEnded: boolean;
  readonly destroyed: boolean;
  readonly errored?: unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
}

function incomingOf(env: unknown): IncomingBody | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming;
  return incoming !== null &&
    typeof incoming === 'object' &&
    typeof (incoming as { on?: unknown }).on === 'function'
    ? (incoming as IncomingBody)
    : undefined;
}

/**
 * The body straight from the Node request, chunk by chunk: the same bounds as the stream below,
 * without turning the request into a WHATWG stream first, which cost more than the rest of a
 * SCIM PATCH (measured: about 100 µs of CPU per request).
 */
function readIncoming(incoming: IncomingBody, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onAbort);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        // Stop reading: the rest stays in the socket, drained or dropped after the 413.
        done();
        incoming.pause();
        reject(new BodyReadError('too-large', maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    };
    const onAbort = () => {
      done();
      reject(new BodyReadError('aborted', maxBytes));
    };
    const onClose = () => {
      if (incoming.readableEnded) onEnd();
      else onAbort();
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onAbort);
    incoming.on('close', onClose);
    if (incoming.readableEnded) onEnd();
    else if (incoming.errored || incoming.destroyed) onAbort();
  });
}

/**
 * The body as UTF-8 text (invalid sequences become U+FFFD, as `Request.text()` does). Throws
 * BodyReadError('too-large') once more than `maxBytes` arrived, or at once when Content-Length
 * says so, and BodyReadError('aborted') when the stream fails: the only way a request body
 * stream fails is the client closing the connection before its end.
 */
export async function readBoundedText(
  request: Request,
  maxBytes: number,
  /** Hono's `c.env`: the Node request, when there is one, is read directly. */
  env?: unknown,
): Promise<string> {
  return decoder.decode(await readBoundedBytes(request, maxBytes, env));
}

/** The body's bytes, with the limits of `readBoundedText` (multipart forms are not text). */
export async function readBoundedBytes(
  request: Request,
  maxBytes: number,
  env?: unknown,
): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) throw new BodyReadError('too-large', maxBytes);
  const incoming = incomingOf(env);
  if (incoming !== undefined) return readIncoming(incoming, maxBytes);
  const stream = request.body;
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch {
      throw new BodyReadError('aborted', maxBytes);
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      // Stop reading: the rest stays in the socket, which is closed after the 413.
      reader.cancel().catch(() => {});
      throw new BodyReadError('too-large', maxBytes);
    }
    chunks.push(chunk.value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  return Buffer.concat(chunks, total);
}
