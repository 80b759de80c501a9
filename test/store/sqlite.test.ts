import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, sqliteFilename } from '../../src/store/create-store.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { storeContract } from './store-contract.ts';

storeContract('sqlite', async () => {
  const opened = await openTestStore('sqlite');
  if (!opened) throw new Error('SQLite store did not open');
  return opened;
});

describe('createStore', () => {
  it('reads SQLite file names from paths and URLs', () => {
    expect(sqliteFilename('data/roster.db')).toBe('data/roster.db');
    expect(sqliteFilename('sqlite:data/roster.db')).toBe('data/roster.db');
    expect(sqliteFilename('sqlite:///var/lib/roster.db')).toBe('/var/lib/roster.db');
    expect(sqliteFilename('file:roster.db')).toBe('roster.db');
    expect(sqliteFilename(':memory:')).toBe(':memory:');
    expect(() => sqliteFilename('sqlite:')).toThrow();
  });

  it('opens an in-memory SQLite store and a file store in a new directory', async () => {
    const memory = createStore(':memory:');
    expect(memory.dialect).toBe('sqlite');
    await memory.migrate();
    await memory.ping();
    await memory.close();
    const dir = mkdtempSync(join(tmpdir(), 'roster-create-'));
    const file = createStore(`sqlite://${join(dir, 'nested', 'roster.db')}`);
    try {
      await file.migrate();
      expect(existsSync(join(dir, 'nested', 'roster.db'))).toBe(true);
    } finally {
      await file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite migrations', () => {
  it('lets several instances migrate a fresh file at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-migrate-'));
    const stores = [1, 2, 3].map(() => createStore(join(dir, 'roster.db')));
    try {
      const results = await Promise.allSettled(stores.map((store) => store.migrate()));
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      await stores[0]!.ping();
      expect(await stores[2]!.accounts.list()).toEqual([]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
