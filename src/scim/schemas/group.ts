import { attribute, type SchemaDefinition } from './attribute.ts';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * RFC 7643 §4.2 and §8.7.1. Members are users only (Entra and Okta never push nested groups);
 * a member's `display` is the user's own name, read back from the directory, so it is read-only.
 */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attribute('displayName', 'string', {
      description: 'A human-readable name for the Group; unique within the account.',
      required: true,
      uniqueness: 'server',
    }),
    attribute('members', 'complex', {
      description:
        'The users in the group. Members are returned in user id order; see ' +
        'docs/idp-compatibility.md for how large groups are returned.',
      multiValued: true,
      subAttributes: [
        attribute('value', 'string', {
          description: 'The id of the member (a User).',
          caseExact: true,
          mutability: 'immutable',
        }),
        attribute('$ref', 'reference', {
          description: 'The URI of the member.',
          referenceTypes: ['User'],
          mutability: 'immutable',
        }),
        attribute('display', 'string', {
          description: "The member's displayName, else its userName.",
          mutability: 'readOnly',
        }),
        attribute('type', 'string', {
          description: 'The type of the member; always "User".',
          canonicalValues: ['User'],
          mutability: 'immutable',
        }),
      ],
    }),
  ],
};
