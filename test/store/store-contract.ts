/**
 * The store contract: the same describe/it suite runs against every Store implementation
 * (`sqlite.test.ts`, `postgres.test.ts`), so both dialects are held to identical behaviour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { administrationContract } from './contract-administration.ts';
import { deprovisionBrakeContract } from './contract-deprovision-brake.ts';
import { domainsAndAppsContract } from './contract-domains-and-apps.ts';
import { eventsContract } from './contract-events.ts';
import { groupsContract } from './contract-groups.ts';
import { recordsContract } from './contract-records.ts';
import { userCountsContract } from './contract-user-counts.ts';
import { userPagingContract } from './contract-user-paging.ts';
import { userQueryContract } from './contract-user-query.ts';
import { usersContract } from './contract-users.ts';
import { webhooksContract } from './contract-webhooks.ts';

export interface OpenedStore {
  readonly store: Store;
  cleanup(): Promise<void>;
}

export function storeContract(name: string, openStore: () => Promise<OpenedStore>): void {
  describe(`store contract: ${name}`, () => {
    let opened: OpenedStore | undefined;
    const store = (): Store => {
      if (!opened) throw new Error('store not opened');
      return opened.store;
    };
    beforeAll(async () => {
      opened = await openStore();
    });
    afterAll(async () => {
      await opened?.cleanup();
    });

    it('pings and migrates again without error', async () => {
      await store().ping();
      await store().migrate();
    });

    recordsContract(store);
    domainsAndAppsContract(store);
    administrationContract(store);
    usersContract(store);
    userQueryContract(store);
    userPagingContract(store);
    userCountsContract(store);
    deprovisionBrakeContract(store);
    groupsContract(store);
    eventsContract(store);
    webhooksContract(store);

    it('settings: the first stored value wins, also when instances race on an empty database', async () => {
      const key = `race-${Math.random()}`;
      const values = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store().settings.getOrInsert(key, `value-${i}`)),
      );
      expect(new Set(values).size).toBe(1);
      expect(values[0]).toMatch(/^value-\d$/);
      expect(await store().settings.getOrInsert(key, 'later')).toBe(values[0]);
    });
  });
}
