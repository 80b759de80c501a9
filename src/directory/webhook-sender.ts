/**
 * Sending one webhook request: a POST with a time limit, never following redirects, answering
 * how it went in words a delivery log can show. The delivery engine (webhook-delivery.ts) takes
 * any `WebhookSender`; `fetchWebhookSender` is Node's fetch.
 */

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

/** The first `limit` bytes of a body; the rest is not read. */
async function readStart(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all.subarray(0, limit);
}

/** What a failed fetch means, from its cause's code (undici wraps system errors). */
export function describeNetworkError(
  error: unknown,
  timeoutMs: number,
): {
  outcome: 'timeout' | 'network_error';
  error: string;
} {
  const err = error as { name?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return { outcome: 'timeout', error: `timeout after ${timeoutMs / 1000} s` };
  }
  const code = err?.cause?.code ?? '';
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_HEADERS_TIMEOUT: `timeout after ${timeoutMs / 1000} s`,
  };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { outcome: 'timeout', error: words[code] ?? 'timeout' };
  }
  if (words[code]) return { outcome: 'network_error', error: words[code] };
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return { outcome: 'network_error', error: `tls: ${code}` };
  }
  const message = err?.cause?.message ?? (error instanceof Error ? error.message : String(error));
  return { outcome: 'network_error', error: code ? `network error: ${code}` : message };
}

export const fetchWebhookSender: WebhookSender = async ({ url, headers, body, timeoutMs }) => {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Roster-Webhooks/1',
        ...headers,
      },
      body,
      redirect: 'manual',
      signal,
    });
    const bytes = await readStart(response, EXCERPT_BYTES).catch(() => new Uint8Array(0));
    const ok = response.status >= 200 && response.status < 300;
    return {
      outcome: ok ? 'success' : 'http_error',
      statusCode: response.status,
      error: null,
      excerpt: sanitiseExcerpt(bytes),
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    const described = describeNetworkError(error, timeoutMs);
    return {
      outcome: described.outcome,
      statusCode: null,
      error: described.error,
      excerpt: null,
      latencyMs: performance.now() - started,
    };
  }
};
