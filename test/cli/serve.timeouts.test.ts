/**
 * Connections that dribble their headers or body are closed after the configured timeouts
 * (ROSTER_HEADERS_TIMEOUT_SECONDS, ROSTER_REQUEST_TIMEOUT_SECONDS), short here so the test is
 * quick: Node's own defaults kept such a connection open for minutes. A byte every 200 ms keeps
 * any idle-socket timeout from firing, so only the request timeouts can close it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const TOKEN = 'timeouts-test-demo-token-0123456789abcdef';
/** Far beyond the 1-2 s configured, far below Node's defaults (60 s headers, 300 s request). */
const BOUND_MS = 20_000;

interface Dribbled {
  /** Whether the server closed the connection before the bound. */
  readonly closed: boolean;
  readonly response: string;
}

/** Sends `head` at once, then one byte of `tail` every 200 ms, until the server closes. */
function dribble(origin: string, head: string, tail: string): Promise<Dribbled> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearInterval(timer);
      clearTimeout(bound);
      socket.destroy();
      resolve({ closed, response });
    };
    const bound = setTimeout(() => finish(false), BOUND_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (!socket.writable) return;
        socket.write(tail[sent % tail.length] as string);
        sent++;
      }, 200);
    });
  });
}

describe('roster serve closes slow connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-timeouts-'));
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer(['--database', join(dir, 'roster.db')], {
      ROSTER_DEMO_TOKEN: TOKEN,
      ROSTER_HEADERS_TIMEOUT_SECONDS: '1',
      ROSTER_REQUEST_TIMEOUT_SECONDS: '2',
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes a connection dribbling its body after the request timeout', {
    timeout: 60_000,
  }, async () => {
    const started = Date.now();
    const result = await dribble(
      server.origin,
      `POST /scim/v2/Users HTTP/1.1\r\nHost: roster.test\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/scim+json\r\nContent-Length: 100000\r\n\r\n',
      '{"userName":"slow@example.com"',
    );
    expect(result.closed, 'the server kept the connection open').toBe(true);
    expect(result.response).toMatch(/^HTTP\/1\.1 408/);
    // Not before the request timeout: an IdP sending at a steady pace gets its full budget.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('closes a connection dribbling its headers after the headers timeout', {
    timeout: 60_000,
  }, async () => {
    const result = await dribble(
      server.origin,
      'GET /scim/v2/Users HTTP/1.1\r\nHost: roster.test\r\n',
      'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    );
    expect(result.closed, 'the server kept the connection open').toBe(true);
    expect(result.response).toMatch(/^HTTP\/1\.1 408/);
  });
});
