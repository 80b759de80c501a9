/**
 * A client that closes its connection in the middle of a request body is not a server fault:
 * nothing is logged at error level, and the provisioning log (SCIM) and the audit trail (admin
 * API) record the request with status 499 ("client closed request") and a plain detail, not a
 * 500. Real sockets against a real `roster serve`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const TOKEN = 'client-abort-test-demo-token-0123456789';
const OPERATOR_KEY = 'client-abort-test-operator-key-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the head and part of the body of a request, waits, then drops the connection. */
async function abortMidBody(origin: string, path: string, key: string): Promise<void> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const partial = '{"userName":"aborted@example.com","name":{"givenName":"A';
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n${partial}`,
  );
  // Long enough for the server to be reading the body when the connection goes.
  await sleep(500);
  socket.resetAndDestroy();
}

/** Polls `read` until it returns something, for up to 20 s (the log is written after the fact). */
async function eventually<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let i = 0; i < 100; i++) {
    const found = await read();
    if (found !== undefined) return found;
    await sleep(200);
  }
  return undefined;
}

describe('roster serve: a client aborting mid-body', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-client-abort-'));
  let server: ServerProcess;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
  const admin = (path: string): Promise<any> =>
    fetch(`${server.origin}/api/v1${path}`, {
      headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
    }).then((r) => r.json());

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

  it('is recorded as 499 client closed request, never as an error-level 500', {
    timeout: 60_000,
  }, async () => {
    await abortMidBody(server.origin, '/scim/v2/Users', TOKEN);
    await abortMidBody(server.origin, '/api/v1/accounts', OPERATOR_KEY);

    const accounts = await admin('/accounts');
    const demo = accounts.items.find((a: { sandbox?: boolean; name: string }) =>
      /demo/i.test(a.name),
    );
    expect(demo, JSON.stringify(accounts)).toBeDefined();
    const event = await eventually(async () => {
      const log = await admin(`/accounts/${demo.id}/provisioning-log?limit=10`);
      return log.items.find((e: { method: string }) => e.method === 'POST');
    });
    expect(event, 'no provisioning event for the aborted POST').toBeDefined();
    expect(event.status).toBe(499);
    expect(event.outcome).toBe('failure');
    expect(event.explanation).toMatch(/closed the connection/);

    const audit = await eventually(async () => {
      const trail = await admin('/audit?action=account.create');
      return trail.items[0];
    });
    expect(audit, 'no audit entry for the aborted account creation').toBeDefined();
    expect(audit).toMatchObject({ status: 499, outcome: 'failure', errorCode: 'request.aborted' });

    // pino writes one JSON line per entry; level 50 is "error".
    const errors = server
      .output()
      .split('\n')
      .filter((line) => /"level":\s*(50|60)/.test(line) || /^Error/.test(line));
    expect(errors).toEqual([]);
  });
});
