/**
 * `roster serve` re-checks pending domains on its own: a domain added while the server runs is
 * verified by the periodic pass against the DNS server ROSTER_DNS_RESOLVER names, and the
 * server still shuts down cleanly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/directory.ts';
import { createStore } from '../../src/store/create-store.ts';
import { startDnsServer } from '../helpers/dns-server.ts';
import { startServer } from '../helpers/server-process.ts';

describe('roster serve: periodic domain re-check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-rechecks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies a pending domain once its TXT record is published', async () => {
    const database = join(dir, 'roster.db');
    const dns = await startDnsServer();
    const server = await startServer(['--database', database], {
      ROSTER_DNS_RESOLVER: dns.address,
      ROSTER_DNS_TIMEOUT_MS: '500',
      ROSTER_DOMAIN_RECHECK_SECONDS: '1',
    });
    const store = createStore(database);
    try {
      const directory = createDirectory({ store });
      const [demo] = await store.accounts.list();
      if (!demo) throw new Error('no demo account');
      const domain = await directory.domains.add(demo.id, 'rechecked.test');
      dns.setTxt(domain.challengeHost, [domain.challengeValue]);
      // Wait for the server's own pass (it runs every second); this test adds no lookups.
      let state = domain.state;
      for (let i = 0; i < 200 && state !== 'verified'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = (await store.domains.find(demo.id, 'rechecked.test'))?.state ?? 'pending';
      }
      expect(state).toBe('verified');
      expect(dns.queries.map((q) => q.name)).toContain('_roster-challenge.rechecked.test');
    } finally {
      await store.close();
      expect(await server.stop()).toBe(0);
      await dns.close();
    }
  });
});
