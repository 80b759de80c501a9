/** SCIM filters on Groups (RFC 7644 §3.4.2.2) as directory group conditions. */
import type { GroupColumn, GroupCondition } from '../../directory/group-query.ts';
import type { Result, ScimError } from '../errors.ts';
import { groupResourceType } from '../schemas/resource-types.ts';
import type { Filter } from './ast.ts';
import { type ConditionSpec, toCondition } from './to-condition.ts';

export const groupConditionSpec: ConditionSpec<GroupColumn> = {
  resourceType: groupResourceType,
  columns: {
    id: 'id',
    externalId: 'externalId',
    displayName: 'displayName',
    'meta.created': 'createdAt',
    'meta.lastModified': 'updatedAt',
  },
  neverStored: new Set(),
};

export function toGroupCondition(filter: Filter): Result<GroupCondition, ScimError> {
  return toCondition(filter, groupConditionSpec);
}
