/**
 * Users as rows: the `users` row (the whole user, with JS-lower-cased keys) and, for filtering,
 * one `user_values` row per element of each multi-valued attribute.
 */
import type { Insertable, Selectable } from 'kysely';
import type { AttributeElement, ManagedBy, User } from '../../directory/model.ts';
import type { UsersTable, UserValuesTable } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';

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
    multi_valued: JSON.stringify(user.multiValued),
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

function toUser(row: Selectable<UsersTable>, quirks: DialectQuirks): User {
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
    multiValued: quirks.readJson(row.multi_valued) as Record<string, AttributeElement[]>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Users from their rows: each row holds the whole user, multi-valued attributes included. */
export function loadUsers(rows: readonly Selectable<UsersTable>[], quirks: DialectQuirks): User[] {
  return rows.map((row) => toUser(row, quirks));
}
