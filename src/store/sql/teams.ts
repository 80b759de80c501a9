import type { Selectable } from 'kysely';
import type { Team } from '../../directory/model.ts';
import type { TeamStore } from '../store.ts';
import { mapConflicts } from './conflicts.ts';
import { type SqlContext, storable, withTransaction } from './context.ts';
import type { TeamsTable } from './database.ts';

const toTeam = (row: Selectable<TeamsTable>): Team => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  createdAt: row.created_at,
});

export function teamStore(ctx: SqlContext): TeamStore {
  const { db, quirks } = ctx;
  return {
    async insert(team) {
      await mapConflicts(() =>
        db
          .insertInto('teams')
          .values({
            id: team.id,
            account_id: team.accountId,
            name: team.name,
            created_at: team.createdAt,
          })
          .execute(),
      );
    },
    async update(team) {
      const result = await mapConflicts(() =>
        db
          .updateTable('teams')
          .set({ name: team.name })
          .where('account_id', '=', team.accountId)
          .where('id', '=', team.id)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
    delete(accountId, id) {
      if (!storable(id)) return Promise.resolve(false);
      // Memberships go explicitly (not only by ON DELETE CASCADE), so the order is plain here.
      return withTransaction(ctx, async ({ db: trx }) => {
        await trx
          .deleteFrom('team_members')
          .where('account_id', '=', accountId)
          .where('team_id', '=', id)
          .execute();
        const result = await trx
          .deleteFrom('teams')
          .where('account_id', '=', accountId)
          .where('id', '=', id)
          .executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
    async findById(accountId, id) {
      if (!storable(id)) return undefined;
      const row = await db
        .selectFrom('teams')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toTeam(row);
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('teams')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toTeam);
    },
    async memberCounts(accountId) {
      const rows = await db
        .selectFrom('team_members')
        .select(['team_id', (eb) => eb.fn.countAll().as('members')])
        .where('account_id', '=', accountId)
        .groupBy('team_id')
        .execute();
      return new Map(rows.map((row) => [row.team_id, quirks.readInt(row.members)]));
    },
    async membershipsOf(accountId, userIds) {
      const ids = userIds.filter(storable);
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('team_members')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('user_id', 'in', ids)
        .orderBy('user_id')
        .orderBy('team_id')
        .execute();
      return rows.map((row) => ({
        teamId: row.team_id,
        userId: row.user_id,
        accountId: row.account_id,
        isPrimary: quirks.readBool(row.is_primary),
      }));
    },
    setMemberships(accountId, userId, memberships) {
      return withTransaction(ctx, async ({ db: trx }) => {
        await trx
          .deleteFrom('team_members')
          .where('account_id', '=', accountId)
          .where('user_id', '=', userId)
          .execute();
        if (memberships.length === 0) return;
        await trx
          .insertInto('team_members')
          .values(
            memberships.map((m) => ({
              team_id: m.teamId,
              user_id: userId,
              account_id: accountId,
              is_primary: quirks.bool(m.isPrimary),
            })),
          )
          .execute();
      });
    },
  };
}
