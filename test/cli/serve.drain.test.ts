/**
 * Graceful shutdown (issue 6, docs/deploy.md): on SIGTERM the server stops taking connections,
 * finishes the requests already in flight, answers them, and only then exits 0. A request still
 * arriving when the signal lands is acknowledged and kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server-process.ts';

const TOKEN = 'drain-test-token-0123456789abcdef';

/** Sends `head`, then `tail` when `release` resolves; resolves with the raw response text. */
function slowRequest(origin: string, head: string, tail: string, release: Promise<void>) {
  const { hostname, port } = new URL(origin);
  return new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      void release.then(() => socket.write(tail));
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('roster serve shutdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-drain-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('drains a request in flight at SIGTERM, refuses new connections, then exits 0', async () => {
    const database = join(dir, 'roster.db');
    const server = await startServer(['--database', database, '--demo-token', TOKEN]);
    const body = JSON.stringify({
      userName: 'in-flight@example.com',
      name: { givenName: 'In', familyName: 'Flight' },
    });
    const head =
      `POST /scim/v2/Users HTTP/1.1\r\nHost: roster.test\r\nAuthorization: Bearer ${TOKEN}\r\n` +
      `Content-Type: application/scim+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n';
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Half the body is on the wire when the signal lands; the rest follows after it.
    const half = Math.floor(body.length / 2);
    const response = slowRequest(
      server.origin,
      head + body.slice(0, half),
      body.slice(half),
      released,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exitCode = server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // No new connections once draining has begun.
    await expect(fetch(`${server.origin}/healthz`)).rejects.toThrow();

    release();
    const text = await response;
    expect(text).toMatch(/^HTTP\/1\.1 201 /);
    expect(text).toContain('"userName":"in-flight@example.com"');
    expect(await exitCode).toBe(0);

    // The acknowledged write is there after a restart.
    const again = await startServer(['--database', database, '--demo-token', TOKEN]);
    try {
      const found = await fetch(
        `${again.origin}/scim/v2/Users?filter=${encodeURIComponent('userName eq "in-flight@example.com"')}`,
        { headers: { Authorization: `Bearer ${TOKEN}` } },
      );
      expect(((await found.json()) as { totalResults: number }).totalResults).toBe(1);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
