import type { SettingStore } from '../store.ts';
import type { SqlContext } from './context.ts';

export function settingStore({ db }: SqlContext): SettingStore {
  return {
    async getOrInsert(key, value) {
      // Insert-if-absent, then read: whoever inserted first wins on both dialects.
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((conflict) => conflict.column('key').doNothing())
        .execute();
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      return row.value;
    },
    async insertIfAbsent(key, value) {
      const result = await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((conflict) => conflict.column('key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async get(key) {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.value;
    },
  };
}
