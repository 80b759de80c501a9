/**
 * Sends fuzz requests over real HTTP with node:http, which (unlike fetch) sends the request
 * target as given: dot segments, broken percent-encoding and raw Latin-1 bytes reach the
 * server. Each request has a deadline; a request that misses it is destroyed and reported.
 */
import http from 'node:http';
import type { FuzzRequest } from './fuzz-world.ts';

export interface FuzzResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** Milliseconds from sending to the last byte. */
  readonly ms: number;
}

export type SendOutcome =
  | { readonly kind: 'response'; readonly response: FuzzResponse }
  /** No answer within the deadline. */
  | { readonly kind: 'timeout'; readonly ms: number }
  /** The connection failed (refused, reset before any answer...). */
  | { readonly kind: 'error'; readonly message: string; readonly ms: number }
  /** Node's client refused to send it (a header value it cannot write); not the server's doing. */
  | { readonly kind: 'unsendable'; readonly message: string };

/** Response bodies are kept up to this size; the rest is read and dropped. */
const KEEP_BYTES = 4 * 1024 * 1024;

export interface FuzzClient {
  readonly origin: string;
  send(request: FuzzRequest): Promise<SendOutcome>;
  close(): void;
}

export function createFuzzClient(
  origin: string,
  options: { concurrency: number; timeoutMs: number },
): FuzzClient {
  const url = new URL(origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });

  function once(request: FuzzRequest): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise((settle) => {
      let done = false;
      const finish = (outcome: SendOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        settle(outcome);
      };
      let req: http.ClientRequest;
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = typeof value === 'string' ? value : [...value];
      }
      const hasHost = Object.keys(headers).some((h) => h.toLowerCase() === 'host');
      if (request.body && !request.chunked) headers['Content-Length'] = String(request.body.length);
      try {
        req = http.request({
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: request.path,
          headers,
          agent,
          setHost: !hasHost,
        });
      } catch (error) {
        finish({ kind: 'unsendable', message: (error as Error).message });
        return;
      }
      const timer = setTimeout(() => {
        finish({ kind: 'timeout', ms: elapsed() });
        req.destroy();
      }, options.timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < KEEP_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        const complete = () =>
          finish({
            kind: 'response',
            response: {
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              ms: elapsed(),
            },
          });
        res.on('end', complete);
        // A connection closed right after the headers still answered with that status.
        res.on('error', complete);
        res.on('aborted', complete);
      });
      req.on('error', (error) =>
        finish({ kind: 'error', message: (error as Error).message, ms: elapsed() }),
      );
      if (request.body) req.write(request.body);
      req.end();
    });
  }

  return {
    origin,
    async send(request) {
      const outcome = await once(request);
      // A kept-alive socket the server had just closed: the request never reached it, so
      // send it once more on a fresh connection before calling it a failure.
      if (outcome.kind === 'error' && /ECONNRESET|EPIPE|socket hang up/.test(outcome.message)) {
        return once(request);
      }
      return outcome;
    },
    close: () => agent.destroy(),
  };
}
