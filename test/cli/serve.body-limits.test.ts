/**
 * Request bodies are refused at the limit, not after they were read whole. Ten clients stream
 * chunked bodies (no Content-Length) of up to 1 GB each at once to /scim/v2/Users, /scim/v2/Bulk
 * and /api/v1; the server answers 413 (or closes the socket) once a body passes the limit, and
 * its peak resident memory (VmHWM, /proc/<pid>/status) stays under 300 MB. A server that
 * buffered the bodies would pass 300 MB within the first seconds; the streams stop as soon as
 * it does, so the test fails quickly instead of sending 10 GB.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const TOKEN = 'body-limits-test-demo-token-0123456789';
const OPERATOR_KEY = 'body-limits-test-operator-key-0123456789';
const MB = 1024 * 1024;
const CAP_BYTES = 1024 * MB;
const RSS_LIMIT_MB = 300;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Kilobytes of a `/proc/<pid>/status` field (VmRSS, VmHWM). */
function statusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return Number(match?.[1] ?? Number.NaN);
}

interface StreamResult {
  readonly path: string;
  /** The status the server answered with, or undefined when it closed the socket first. */
  readonly status: number | undefined;
  readonly body: string;
  readonly sentBytes: number;
  readonly ended: 'response' | 'socket closed' | 'cap' | 'stopped';
}

/**
 * POSTs a chunked body of up to CAP_BYTES, writing only as fast as the server reads, until the
 * server answers or closes the socket, or `stop` resolves.
 */
function streamBody(
  origin: string,
  path: string,
  headers: Record<string, string>,
  stop: Promise<void>,
): Promise<StreamResult> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    let sentBytes = 0;
    let settled = false;
    const finish = (result: Omit<StreamResult, 'path' | 'sentBytes'>) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ path, sentBytes, ...result });
    };
    const req = request({
      host: hostname,
      port: Number(port),
      method: 'POST',
      path,
      headers: { ...headers, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      const done = () => finish({ status: res.statusCode, body, ended: 'response' });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.on('error', () => finish({ status: undefined, body: '', ended: 'socket closed' }));
    void stop.then(() => finish({ status: undefined, body: '', ended: 'stopped' }));
    const pump = () => {
      while (!settled && sentBytes < CAP_BYTES) {
        sentBytes += CHUNK.length;
        if (!req.write(CHUNK)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!settled && sentBytes >= CAP_BYTES) finish({ status: undefined, body: '', ended: 'cap' });
    };
    pump();
  });
}

describe('roster serve refuses oversized streamed bodies without buffering them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-body-limits-'));
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer(['--database', join(dir, 'roster.db')], {
      ROSTER_DEMO_TOKEN: TOKEN,
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ten concurrent 1 GB chunked bodies get 413 while RSS stays under 300 MB', {
    timeout: 120_000,
  }, async () => {
    const pid = server.process.pid as number;
    let stopStreams = () => {};
    const stop = new Promise<void>((resolve) => {
      stopStreams = resolve;
    });
    let peakRssKb = statusKb(pid, 'VmRSS');
    let overLimit = false;
    const sampler = setInterval(() => {
      try {
        peakRssKb = Math.max(peakRssKb, statusKb(pid, 'VmRSS'));
      } catch {
        return; // the process is gone; the streams report it
      }
      if (peakRssKb > RSS_LIMIT_MB * 1024) {
        overLimit = true;
        stopStreams();
      }
    }, 20);
    // Far longer than the server needs to answer ten 413s; a bound, not a speed assertion.
    const deadline = setTimeout(stopStreams, 60_000);

    const scim = { Authorization: `Bearer ${TOKEN}` };
    const admin = { Authorization: `Bearer ${OPERATOR_KEY}` };
    const targets: [string, Record<string, string>][] = [
      ...Array.from({ length: 4 }, (): [string, Record<string, string>] => [
        '/scim/v2/Users',
        scim,
      ]),
      ...Array.from({ length: 3 }, (): [string, Record<string, string>] => ['/scim/v2/Bulk', scim]),
      ...Array.from({ length: 3 }, (): [string, Record<string, string>] => [
        '/api/v1/accounts',
        admin,
      ]),
    ];
    const results = await Promise.all(
      targets.map(([path, headers]) => streamBody(server.origin, path, headers, stop)),
    );
    clearInterval(sampler);
    clearTimeout(deadline);

    const summary = results
      .map(
        (r) => `${r.path}: ${r.ended} ${r.status ?? ''} after ${Math.round(r.sentBytes / MB)} MB`,
      )
      .join('\n');
    const highWaterMb = statusKb(pid, 'VmHWM') / 1024;
    expect(overLimit, `RSS passed ${RSS_LIMIT_MB} MB:\n${summary}`).toBe(false);
    expect(highWaterMb, summary).toBeLessThan(RSS_LIMIT_MB);
    for (const result of results) {
      // The server stopped the stream: it answered, or closed the socket; never did the client
      // reach its cap or the deadline.
      expect(['response', 'socket closed'], summary).toContain(result.ended);
      if (result.status !== undefined) expect(result.status, summary).toBe(413);
      if (result.status === 413 && result.path.startsWith('/scim/')) {
        expect(JSON.parse(result.body)).toMatchObject({ status: '413', scimType: 'tooLarge' });
      }
      if (result.status === 413 && result.path.startsWith('/api/')) {
        expect(JSON.parse(result.body)).toMatchObject({ status: 413, code: 'request.too_large' });
      }
    }
    // Most answers arrive before the server closes the socket: the 413 is what clients see.
    expect(results.filter((r) => r.status === 413).length, summary).toBeGreaterThanOrEqual(5);

    // The server is still healthy and serves a normal request.
    const health = await fetch(`${server.origin}/scim/v2/Users?count=1`, { headers: scim });
    expect(health.status).toBe(200);
  });
});
