/**
 * Memberships, one row per (group, user). Every statement names its members, so its cost follows
 * the members named, never the group's size; only emptying a group touches every row.
 */
import type { GroupMember, Membership } from '../../directory/model.ts';
import type { GroupMemberStore } from '../store.ts';
import { execute, type SqlContext, selectRows, storable } from './context.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { compile, type SqlFragment, sql } from './sql-fragment.ts';

/** Ids per statement: well under both dialects' parameter limits. */
const CHUNK = 500;

function chunks(ids: readonly string[]): string[][] {
  const unique = [...new Set(ids.filter(storable))];
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += CHUNK) out.push(unique.slice(i, i + CHUNK));
  return out;
}

const list = (ids: readonly string[]) => sql.join(ids.map((id) => sql`${id}`));

interface MemberRow {
  user_id: string;
  display_name: string | null;
  user_name: string;
}

const toMember = (row: MemberRow): GroupMember => ({
  userId: row.user_id,
  display: row.display_name ?? row.user_name,
});

/**
 * The groups of each user, ordered per user as `membershipsColumn` orders them: by group name
 * (case-insensitively), then id.
 */
export async function selectGroupsOf(
  ctx: SqlContext,
  accountId: string,
  userIds: readonly string[],
): Promise<Membership[]> {
  const found: Membership[] = [];
  for (const ids of chunks(userIds)) {
    const rows = await selectRows<{
      user_id: string;
      group_id: string;
      display_name: string;
      version: number | string;
    }>(
      ctx,
      sql`select m.user_id, m.group_id, g.display_name, g.version
          from group_members m join groups g on g.id = m.group_id
          where m.account_id = ${accountId} and m.user_id in (${list(ids)})
          order by m.user_id, g.display_name_lower, g.id`,
    );
    for (const r of rows) {
      found.push({
        userId: r.user_id,
        groupId: r.group_id,
        groupName: r.display_name,
        groupVersion: Number(r.version),
      });
    }
  }
  return found;
}

/**
 * A column of the `users u` row read: its groups as one JSON array of [id, name, version],
 * ordered as `selectGroupsOf` orders them, so that a one-user read needs no second statement
 * (a round trip fewer on PostgreSQL). SQLite has ORDER BY inside aggregates since 3.44.
 */
export function membershipsColumn(quirks: DialectQuirks): SqlFragment {
  const entry =
    quirks.dialect === 'postgres'
      ? sql`coalesce(json_agg(json_build_array(m.group_id, g.display_name, g.version) order by g.display_name_lower, g.id), '[]'::json)`
      : sql`coalesce(json_group_array(json_array(m.group_id, g.display_name, g.version) order by g.display_name_lower, g.id), '[]')`;
  return sql`(select ${entry} from group_members m join groups g on g.id = m.group_id
    where m.account_id = u.account_id and m.user_id = u.id) as memberships`;
}

/** The `memberships` column of one user's row as `Membership`s. */
export function readMembershipsColumn(
  quirks: DialectQuirks,
  userId: string,
  column: unknown,
): Membership[] {
  const entries = quirks.readJson(column) as [string, string, number | string][];
  return entries.map(([groupId, groupName, version]) => ({
    userId,
    groupId,
    groupName,
    groupVersion: Number(version),
  }));
}

export function groupMemberStore(ctx: SqlContext): GroupMemberStore {
  const { db, quirks } = ctx;
  const run = async <R>(fragment: SqlFragment) => {
    const result = await execute<R>(ctx, compile(fragment, quirks.dialect));
    return { rows: result.rows, affected: Number(result.numAffectedRows ?? 0) };
  };

  return {
    async candidates(accountId, userIds) {
      const found: GroupMember[] = [];
      // PostgreSQL: the rows stay shared-locked until the transaction ends, so a concurrent
      // deprovisioning of one of them either waits for this membership (and then removes it)
      // or commits first (and the user is no candidate: the row is checked again after the wait).
      const lock =
        quirks.dialect === 'postgres' && db.isTransaction ? sql.raw('for share') : sql.raw('');
      for (const ids of chunks(userIds)) {
        const { rows } = await run<MemberRow>(
          sql`select u.id as user_id, u.display_name, u.user_name from users u
              where u.account_id = ${accountId} and u.id in (${list(ids)})
              and (u.managed_by = 'scim' or u.deprovisioned_at is null) ${lock}`,
        );
        found.push(...rows.map(toMember));
      }
      return found;
    },

    async add(accountId, groupId, userIds) {
      let added = 0;
      for (const ids of chunks(userIds)) {
        const values = sql.join(ids.map((id) => sql`(${groupId}, ${id}, ${accountId})`));
        const { affected } = await run(
          sql`insert into group_members (group_id, user_id, account_id) values ${values}
              on conflict do nothing`,
        );
        added += affected;
      }
      return added;
    },

    async remove(accountId, groupId, userIds) {
      let removed = 0;
      for (const ids of chunks(userIds)) {
        const { affected } = await run(
          sql`delete from group_members where group_id = ${groupId} and account_id = ${accountId}
              and user_id in (${list(ids)})`,
        );
        removed += affected;
      }
      return removed;
    },

    async removeAll(accountId, groupId) {
      const { affected } = await run(
        sql`delete from group_members where group_id = ${groupId} and account_id = ${accountId}`,
      );
      return affected;
    },

    async page(accountId, groupId, afterUserId, limit) {
      const after = afterUserId === undefined ? sql.raw('') : sql`and m.user_id > ${afterUserId}`;
      const { rows } = await run<MemberRow>(
        sql`select m.user_id, u.display_name, u.user_name
            from group_members m join users u on u.id = m.user_id
            where m.group_id = ${groupId} and m.account_id = ${accountId} ${after}
            order by m.user_id limit ${limit}`,
      );
      return rows.map(toMember);
    },

    async membersAmong(accountId, groupId, userIds) {
      const found: string[] = [];
      for (const ids of chunks(userIds)) {
        const { rows } = await run<{ user_id: string }>(
          sql`select user_id from group_members where group_id = ${groupId}
              and account_id = ${accountId} and user_id in (${list(ids)})`,
        );
        found.push(...rows.map((r) => r.user_id));
      }
      return found;
    },

    groupsOf: (accountId, userIds) => selectGroupsOf(ctx, accountId, userIds),

    async removeUser(accountId, userId) {
      if (!storable(userId)) return [];
      const { rows } = await run<{ group_id: string }>(
        sql`delete from group_members where user_id = ${userId} and account_id = ${accountId}
            returning group_id`,
      );
      return rows.map((r) => r.group_id);
    },
  };
}
