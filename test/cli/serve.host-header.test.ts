/**
 * Without ROSTER_PUBLIC_URL, the URLs Roster hands out (`Location`, `meta.location`, the tenant
 * URLs of a token rotation) use the address the connection arrived on, or the Host header only
 * when it is listed in ROSTER_ALLOWED_HOSTS. A forged Host never appears in a response: it
 * would let anyone who can reach the server make it hand an IdP or an admin a link elsewhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const TOKEN = 'host-header-test-demo-token-0123456789';
const OPERATOR_KEY = 'host-header-test-operator-key-0123456789';
const ALLOWED = 'roster.allowed.test';

interface Answer {
  readonly status: number;
  readonly location: string | undefined;
  readonly text: string;
}

function send(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const { hostname, port } = new URL(origin);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port: Number(port),
        method,
        path,
        headers: {
          ...headers,
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': payload.length }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, text }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('roster serve does not reflect the Host header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-host-header-'));
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer(['--database', join(dir, 'roster.db')], {
      ROSTER_DEMO_TOKEN: TOKEN,
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
      ROSTER_ALLOWED_HOSTS: ALLOWED,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a forged Host with the bound address, and a listed one with itself', {
    timeout: 60_000,
  }, async () => {
    const scim = { Authorization: `Bearer ${TOKEN}` };
    const user = (local: string) => ({
      userName: `${local}@example.com`,
      name: { givenName: 'H', familyName: 'H' },
      emails: [{ value: `${local}@example.com`, primary: true }],
    });

    const forged = await send(
      server.origin,
      'POST',
      '/scim/v2/Users',
      { ...scim, Host: 'evil.example' },
      user('forged-host'),
    );
    expect(forged.status, forged.text).toBe(201);
    expect(forged.location).toMatch(new RegExp(`^${server.origin}/scim/v2/Users/`));
    expect(JSON.parse(forged.text).meta.location).toBe(forged.location);
    const listing = await send(server.origin, 'GET', '/scim/v2/Users?count=5', {
      ...scim,
      Host: 'evil.example:8443',
    });
    expect(listing.status).toBe(200);

    const accounts = await send(server.origin, 'GET', '/api/v1/accounts', {
      Authorization: `Bearer ${OPERATOR_KEY}`,
    });
    const demo = JSON.parse(accounts.text).items[0];
    const rotated = await send(
      server.origin,
      'POST',
      `/api/v1/accounts/${demo.id}/tokens/rotate`,
      { Authorization: `Bearer ${OPERATOR_KEY}`, Host: 'evil.example' },
      {},
    );
    expect(rotated.status, rotated.text).toBe(201);
    expect(JSON.parse(rotated.text).tenantUrl).toBe(`${server.origin}/scim/v2`);
    for (const answer of [forged, listing, rotated]) expect(answer.text).not.toContain('evil');

    const allowed = await send(
      server.origin,
      'POST',
      '/scim/v2/Users',
      { ...scim, Host: ALLOWED },
      user('allowed-host'),
    );
    expect(allowed.status, allowed.text).toBe(201);
    expect(allowed.location).toMatch(new RegExp(`^http://${ALLOWED}/scim/v2/Users/`));
  });
});
