/** Where each queryable user field lives in the `users as u` table. */
import type { UserColumn } from '../../directory/user-query.ts';

export interface ColumnInfo {
  readonly column: string;
  readonly kind: 'text' | 'boolean';
  /** A column holding the JS-lower-cased value, used for case-insensitive compares and sorts. */
  readonly lower?: string;
}

export const userColumns: Readonly<Record<UserColumn, ColumnInfo>> = {
  id: { column: 'u.id', kind: 'text' },
  userName: { column: 'u.user_name', kind: 'text', lower: 'u.user_name_lower' },
  externalId: { column: 'u.external_id', kind: 'text' },
  email: { column: 'u.email', kind: 'text', lower: 'u.email_lower' },
  displayName: { column: 'u.display_name', kind: 'text' },
  givenName: { column: 'u.given_name', kind: 'text' },
  familyName: { column: 'u.family_name', kind: 'text' },
  active: { column: 'u.active', kind: 'boolean' },
  managedBy: { column: 'u.managed_by', kind: 'text' },
  permissionSetId: { column: 'u.permission_set_id', kind: 'text' },
  deprovisionedAt: { column: 'u.deprovisioned_at', kind: 'text' },
  createdAt: { column: 'u.created_at', kind: 'text' },
  updatedAt: { column: 'u.updated_at', kind: 'text' },
};
