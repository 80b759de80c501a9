/** SCIM filters on Users (RFC 7644 §3.4.2.2) as directory user conditions. */
import type { UserColumn, UserCondition } from '../../directory/user-query.ts';
import type { Result, ScimError } from '../errors.ts';
import { userResourceType } from '../schemas/resource-types.ts';
import type { Filter } from './ast.ts';
import { type ConditionSpec, toCondition } from './to-condition.ts';

export const userConditionSpec: ConditionSpec<UserColumn> = {
  resourceType: userResourceType,
  columns: {
    id: 'id',
    externalId: 'externalId',
    userName: 'userName',
    displayName: 'displayName',
    'name.givenName': 'givenName',
    'name.familyName': 'familyName',
    active: 'active',
    'meta.created': 'createdAt',
    'meta.lastModified': 'updatedAt',
  },
  // `groups` and `roles` are not user elements: memberships live with groups, roles are applied.
  neverStored: new Set(['groups', 'roles']),
};

export function toUserCondition(filter: Filter): Result<UserCondition, ScimError> {
  return toCondition(filter, userConditionSpec);
}
