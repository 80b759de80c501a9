/**
 * Sending one webhook request: a POST with a time limit, never following redirects, answering
 * how it went in words a delivery log can show. The delivery engine (webhook-delivery.ts) takes
 * any `WebhookSender`; `httpWebhookSender` is node:http(s) with kept-alive connections.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type WebhookOutcome = 'success' | 'http_error' | 'timeout' | 'network_error';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

export interface WebhookResponse {
  readonly outcome: WebhookOutcome;
  readonly statusCode: number | null;
  /** Why it failed without a status (`timeout after 10 s`, `connection refused`…). */
  readonly error: string | null;
  /** The start of the response body as text, sanitised; null when empty. */
  readonly excerpt: string | null;
  readonly latencyMs: number;
}

export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Bytes of the response body kept in the delivery log. */
export const EXCERPT_BYTES = 1024;

/**
 * Text a log can keep and show: NUL and other control characters (but tab and newlines) become
 * U+FFFD, as do bytes that are not UTF-8 (PostgreSQL refuses NUL; a terminal obeys escapes).
 */
export function sanitiseExcerpt(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

/** What a failed request means, from its error's code (or its cause's, as fetch wraps them). */
export function describeNetworkError(
  error: unknown,
  timeoutMs: number,
): { outcome: 'timeout' | 'network_error'; error: string } {
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return { outcome: 'timeout', error: `timeout after ${timeoutMs / 1000} s` };
  }
  const code = err?.code ?? err?.cause?.code ?? '';
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection closed',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    ERR_INVALID_URL: 'invalid URL',
  };
  if (words[code]) return { outcome: 'network_error', error: words[code] };
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return { outcome: 'network_error', error: `tls: ${code}` };
  }
  if (code) return { outcome: 'network_error', error: `network error: ${code}` };
  return { outcome: 'network_error', error: err?.message ?? err?.cause?.message ?? String(error) };
}

/** Past this many response bytes the connection is closed rather than read to its end. */
const READ_LIMIT = 64 * 1024;

/**
 * Kept-alive connections per origin, so consecutive deliveries to one endpoint reuse one. (Node
 * 20's fetch cost about 6 ms per small POST on loopback against 1 ms here.)
 */
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/** node:http(s): one POST, its answer's status and first bytes, within `timeoutMs`. */
export const httpWebhookSender: WebhookSender = ({ url, headers, body, timeoutMs }) =>
  new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const finish = (response: Omit<WebhookResponse, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...response, latencyMs: performance.now() - started });
    };
    const failed = (error: unknown) =>
      finish({ ...describeNetworkError(error, timeoutMs), statusCode: null, excerpt: null });
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      failed(error);
      return;
    }
    const secure = target.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const payload = Buffer.from(body, 'utf8');
    const request = send(
      target,
      {
        method: 'POST',
        agent: agents[secure ? 'https:' : 'http:'],
        headers: {
          'content-type': 'application/json',
          'content-length': String(payload.length),
          'user-agent': 'Roster-Webhooks/1',
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const status = response.statusCode ?? 0;
          finish({
            outcome: status >= 200 && status < 300 ? 'success' : 'http_error',
            statusCode: status,
            error: null,
            excerpt: sanitiseExcerpt(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES)),
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
          // An endless answer: what was read is enough, and the connection is not reused.
          if (size > READ_LIMIT) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', () => done());
      },
    );
    const timer = setTimeout(() => {
      const timeout = new Error('timeout');
      timeout.name = 'TimeoutError';
      failed(timeout);
      request.destroy();
    }, timeoutMs);
    request.on('error', failed);
    request.end(payload);
  });
