import type { SchemaDefinition } from './attribute.ts';
import { commonAttributes } from './common.ts';
import { enterpriseUserSchema } from './enterprise-user.ts';
import { groupSchema } from './group.ts';
import { userSchema } from './user.ts';

export interface ResourceTypeDefinition {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: SchemaDefinition;
  readonly extensions: readonly { readonly schema: SchemaDefinition; readonly required: boolean }[];
}

export const userResourceType: ResourceTypeDefinition = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: userSchema,
  extensions: [{ schema: enterpriseUserSchema, required: false }],
};

export const groupResourceType: ResourceTypeDefinition = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: groupSchema,
  extensions: [],
};

export const resourceTypes: readonly ResourceTypeDefinition[] = [
  userResourceType,
  groupResourceType,
];

/** Every schema a resource type's representation may carry, core first. */
export function schemasOf(resourceType: ResourceTypeDefinition): readonly SchemaDefinition[] {
  return [resourceType.schema, ...resourceType.extensions.map((e) => e.schema)];
}

export { commonAttributes };
