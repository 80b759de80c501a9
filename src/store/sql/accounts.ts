import type { Selectable } from 'kysely';
import type { Account, PlanTier, PricingModel } from '../../directory/model.ts';
import type { AccountStore } from '../store.ts';
import { type SqlContext, storable } from './context.ts';
import type { AccountsTable } from './database.ts';

export function accountStore({ db, quirks }: SqlContext): AccountStore {
  const toAccount = (row: Selectable<AccountsTable>): Account => ({
    id: row.id,
    name: row.name,
    tier: row.tier as PlanTier,
    pricingModel: row.pricing_model as PricingModel,
    ssoEnabled: quirks.readBool(row.sso_enabled),
    sandbox: quirks.readBool(row.sandbox),
    createdAt: row.created_at,
  });
  return {
    async insert(account) {
      await db
        .insertInto('accounts')
        .values({
          id: account.id,
          name: account.name,
          tier: account.tier,
          pricing_model: account.pricingModel,
          sso_enabled: quirks.bool(account.ssoEnabled),
          sandbox: quirks.bool(account.sandbox),
          created_at: account.createdAt,
        })
        .execute();
    },
    async findById(id) {
      if (!storable(id)) return undefined;
      const row = await db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toAccount(row);
    },
    async list() {
      const rows = await db
        .selectFrom('accounts')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toAccount);
    },
    async update(account) {
      const result = await db
        .updateTable('accounts')
        .set({
          name: account.name,
          tier: account.tier,
          pricing_model: account.pricingModel,
          sso_enabled: quirks.bool(account.ssoEnabled),
          sandbox: quirks.bool(account.sandbox),
        })
        .where('id', '=', account.id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
