import { type AttributeDefinition, attribute } from './attribute.ts';

/** Attributes every resource has (RFC 7643 §3.1); they belong to no schema URN of their own. */
export const commonAttributes: readonly AttributeDefinition[] = [
  attribute('id', 'string', {
    description: 'Unique, stable identifier assigned by the service provider.',
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'string', {
    description: 'Identifier assigned by the provisioning client.',
    caseExact: true,
  }),
  attribute('meta', 'complex', {
    description: 'Resource metadata.',
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attribute('location', 'reference', {
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      attribute('version', 'string', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];
