/**
 * The operator key of the admin API: generated and printed once on the first start, kept only
 * as a hash, still valid after a restart; ROSTER_ADMIN_KEY replaces it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.ts';
import { startServer } from '../helpers/server-process.ts';

describe('roster serve: operator key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-admin-key-'));
  const database = join(dir, 'roster.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const accounts = (origin: string, key: string) =>
    fetch(`${origin}/api/v1/accounts`, { headers: { Authorization: `Bearer ${key}` } });

  it('prints a generated key once, stores only its hash, and honours ROSTER_ADMIN_KEY', async () => {
    let key = '';
    const first = await startServer(['--database', database]);
    try {
      key = /Operator key \(shown once[^)]*\): (\S+)/.exec(first.output())?.[1] ?? '';
      expect(key).toMatch(/^roster_operator_[A-Za-z0-9_-]{40,}$/);
      expect(first.output()).toContain(`Admin API: ${first.origin}/api/v1`);
      expect(first.output()).toContain(
        `Console: ${first.origin}/ (sign in with the operator key or an account admin key)`,
      );
      const home = await fetch(`${first.origin}/`, { redirect: 'manual' });
      expect(home.headers.get('location')).toBe('/sign-in?next=%2F');
      expect((await accounts(first.origin, key)).status).toBe(200);
      expect((await accounts(first.origin, `${key}x`)).status).toBe(401);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const store = createStore(database);
    try {
      const stored = await store.settings.get('admin-operator-key-hash');
      expect(stored).toMatch(/^[0-9a-f]{64}$/);
      expect(stored).not.toContain(key);
    } finally {
      await store.close();
    }

    const second = await startServer(['--database', database]);
    try {
      expect(second.output()).not.toContain('Operator key');
      expect((await accounts(second.origin, key)).status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }

    const chosen = 'a-chosen-operator-key-0123456789';
    const third = await startServer(['--database', database], { ROSTER_ADMIN_KEY: chosen });
    try {
      expect(third.output()).not.toContain('Operator key');
      expect((await accounts(third.origin, chosen)).status).toBe(200);
      expect((await accounts(third.origin, key)).status).toBe(401);
    } finally {
      expect(await third.stop()).toBe(0);
    }
  }, 60_000);
});
