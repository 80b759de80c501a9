/**
 * The start-up banner (issue 13): behind a proxy it names both where the server is bound (what
 * an operator checks the proxy against) and the public URL handed to IdPs; it says that the demo
 * account is a sandbox, and where health is answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server-process.ts';

describe('roster serve banner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-banner-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the bound address and the public URL, the sandbox, and the health endpoints', async () => {
    const server = await startServer(['--database', join(dir, 'roster.db')], {
      ROSTER_PUBLIC_URL: 'https://roster.example.org',
    });
    try {
      const lines = server.output().trimEnd().split('\n');
      const bound = server.origin;
      expect(bound).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines[0]).toBe(
        `Roster is listening on ${bound} (database: sqlite, pid ${server.process.pid})`,
      );
      expect(lines[1]).toBe('Public URL: https://roster.example.org (ROSTER_PUBLIC_URL)');
      expect(lines[2]).toBe(`Health: ${bound}/healthz (liveness), ${bound}/readyz (readiness)`);
      // What is handed out is the public URL.
      expect(lines).toContain(
        'Admin API: https://roster.example.org/api/v1 (OpenAPI document: https://roster.example.org/api/v1/openapi.json)',
      );
      expect(lines).toContain('Demo account SCIM tenant URL: https://roster.example.org/scim/v2');
      expect(lines.find((l) => l.startsWith('  Sandbox: '))).toMatch(
        /users in any email domain are accepted/,
      );
      expect((await fetch(`${bound}/healthz`)).status).toBe(200);
      expect((await fetch(`${bound}/readyz`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
