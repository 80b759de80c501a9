/**
 * Failed authentication is throttled per source address, over real sockets: loopback clients
 * bind 127.0.0.2, .3, .4 as their source, so the server sees four different peers. After
 * ROSTER_AUTH_FAILURE_LIMIT failures within the window, that address gets 429 + Retry-After on
 * SCIM (SCIM error) and on the admin API (problem details), even with valid credentials, until
 * the window passes; other addresses are served. X-Forwarded-For counts only from a proxy in
 * ROSTER_TRUSTED_PROXIES.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const TOKEN = 'auth-throttling-test-demo-token-0123456789';
const OPERATOR_KEY = 'auth-throttling-test-operator-key-0123456789';
const LIMIT = 5;
const WINDOW_SECONDS = 8;
const PROXY = '127.0.0.3';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
  readonly body: any;
}

/** GET `path` from source address `from`, with the given headers. */
function get(
  origin: string,
  from: string,
  path: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port: Number(port), path, headers, localAddress: from, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('roster serve throttles failed authentication per source address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-auth-throttle-'));
  let server: ServerProcess;
  const scim = (from: string, headers: Record<string, string>) =>
    get(server.origin, from, '/scim/v2/Users?count=1', headers);
  const admin = (from: string, headers: Record<string, string>) =>
    get(server.origin, from, '/api/v1/accounts', headers);

  beforeAll(async () => {
    server = await startServer(['--database', join(dir, 'roster.db')], {
      ROSTER_DEMO_TOKEN: TOKEN,
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
      ROSTER_AUTH_FAILURE_LIMIT: String(LIMIT),
      ROSTER_AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      ROSTER_TRUSTED_PROXIES: PROXY,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 429 to an address past its failures, on both surfaces, until the window passes', {
    timeout: 60_000,
  }, async () => {
    const attacker = '127.0.0.2';
    for (let i = 0; i < LIMIT; i++) {
      expect((await scim(attacker, bearer(`guess-${i}-0123456789abcdef`))).status).toBe(401);
    }
    // Past the limit: refused before the token is even looked at, valid or not, and a forged
    // X-Forwarded-For from an untrusted peer changes nothing.
    const refused = await scim(attacker, { ...bearer(TOKEN), 'X-Forwarded-For': '198.51.100.1' });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(refused.body).toMatchObject({ status: '429' });
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(WINDOW_SECONDS);
    const adminRefused = await admin(attacker, bearer(OPERATOR_KEY));
    expect(adminRefused.status).toBe(429);
    expect(adminRefused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(adminRefused.body).toMatchObject({ status: 429, code: 'auth.throttled' });
    expect(Number(adminRefused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Everyone else is served.
    expect((await scim('127.0.0.1', bearer(TOKEN))).status).toBe(200);
    expect((await admin('127.0.0.1', bearer(OPERATOR_KEY))).status).toBe(200);

    // Admin key guesses count the same way.
    const guesser = '127.0.0.4';
    for (let i = 0; i < LIMIT; i++) {
      expect((await admin(guesser, bearer(`roster_admin_guess-${i}`))).status).toBe(401);
    }
    expect((await admin(guesser, bearer(OPERATOR_KEY))).status).toBe(429);

    // Behind the trusted proxy, the forwarded client is throttled, not the proxy.
    for (let i = 0; i < LIMIT; i++) {
      const guess = await scim(PROXY, {
        ...bearer(`guess-${i}`),
        'X-Forwarded-For': '203.0.113.7',
      });
      expect(guess.status).toBe(401);
    }
    const forwarded = await scim(PROXY, { ...bearer(TOKEN), 'X-Forwarded-For': '203.0.113.7' });
    expect(forwarded.status).toBe(429);
    const neighbour = await scim(PROXY, { ...bearer(TOKEN), 'X-Forwarded-For': '203.0.113.8' });
    expect(neighbour.status).toBe(200);

    // Once the window has passed, the address is served again.
    await sleep(wait * 1000 + 200);
    expect((await scim(attacker, bearer(TOKEN))).status).toBe(200);
  });
});
