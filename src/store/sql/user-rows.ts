/**
 * Users as rows: the `users` row with its JS-lower-cased keys, and one `user_values` row per
 * element of each multi-valued attribute (the element itself kept whole in `data`).
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AttributeElement, ManagedBy, User } from '../../directory/model.ts';
import type { Database, UsersTable, UserValuesTable } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';

/** Ids per `IN (…)` list when loading elements, well under both parameter limits. */
const IN_CHUNK = 1000;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function userRow(user: User, quirks: DialectQuirks): Insertable<UsersTable> {
  return {
    id: user.id,
    account_id: user.accountId,
    user_name: user.userName,
    // JS lower-casing, not SQL lower(): SQLite's lower() folds ASCII only.
    user_name_lower: user.userName.toLowerCase(),
    external_id: user.externalId,
    email: user.email,
    email_lower: user.email === null ? null : user.email.toLowerCase(),
    display_name: user.displayName,
    given_name: user.givenName,
    family_name: user.familyName,
    active: quirks.bool(user.active),
    super_admin: quirks.bool(user.superAdmin),
    permission_set_id: user.permissionSetId,
    managed_by: user.managedBy,
    deprovisioned_at: user.deprovisionedAt,
    profile: JSON.stringify(user.profile),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    version: user.version,
  };
}

export function valueRows(user: User, quirks: DialectQuirks): Insertable<UserValuesTable>[] {
  const rows: Insertable<UserValuesTable>[] = [];
  for (const [attribute, elements] of Object.entries(user.multiValued)) {
    elements.forEach((element, position) => {
      const value = text(element.value);
      rows.push({
        user_id: user.id,
        account_id: user.accountId,
        attribute,
        position,
        value,
        value_lower: value === null ? null : value.toLowerCase(),
        type: text(element.type),
        is_primary: quirks.bool(element.primary === true),
        display: text(element.display),
        data: JSON.stringify(element),
      });
    });
  }
  return rows;
}

function toUser(
  row: Selectable<UsersTable>,
  values: readonly Selectable<UserValuesTable>[],
  quirks: DialectQuirks,
): User {
  const multiValued: Record<string, AttributeElement[]> = {};
  for (const value of values) {
    const list = multiValued[value.attribute] ?? [];
    list[value.position] = quirks.readJson(value.data) as AttributeElement;
    multiValued[value.attribute] = list;
  }
  return {
    id: row.id,
    accountId: row.account_id,
    userName: row.user_name,
    externalId: row.external_id,
    email: row.email,
    displayName: row.display_name,
    givenName: row.given_name,
    familyName: row.family_name,
    active: quirks.readBool(row.active),
    superAdmin: quirks.readBool(row.super_admin),
    permissionSetId: row.permission_set_id,
    managedBy: row.managed_by as ManagedBy,
    deprovisionedAt: row.deprovisioned_at,
    profile: quirks.readJson(row.profile) as Record<string, unknown>,
    multiValued,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Builds users from their rows, loading every element of the page in one query per 1000 ids. */
export async function loadUsers(
  db: Kysely<Database>,
  quirks: DialectQuirks,
  rows: readonly Selectable<UsersTable>[],
): Promise<User[]> {
  const byUser = new Map<string, Selectable<UserValuesTable>[]>();
  for (let i = 0; i < rows.length; i += IN_CHUNK) {
    const ids = rows.slice(i, i + IN_CHUNK).map((row) => row.id);
    const values = await db
      .selectFrom('user_values')
      .selectAll()
      .where('user_id', 'in', ids)
      .orderBy('user_id')
      .orderBy('attribute')
      .orderBy('position')
      .execute();
    for (const value of values) {
      const list = byUser.get(value.user_id) ?? [];
      list.push(value);
      byUser.set(value.user_id, list);
    }
  }
  return rows.map((row) => toUser(row, byUser.get(row.id) ?? [], quirks));
}
