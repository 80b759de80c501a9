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
  // `roles` are not user elements: a role is applied to the user's permission set, not kept.
  // `groups` are memberships, kept with groups; the store reads them there.
  neverStored: new Set(['roles']),
};

export function toUserCondition(filter: Filter): Result<UserCondition, ScimError> {
  return toCondition(filter, userConditionSpec);
}
