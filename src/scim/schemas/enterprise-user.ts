import { attribute, type SchemaDefinition } from './attribute.ts';

export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const str = (name: string, description: string) => attribute(name, 'string', { description });

/** Enterprise User extension, RFC 7643 §4.3. */
export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    attribute('manager', 'complex', {
      description: 'The user\u2019s manager.',
      subAttributes: [
        str('value', 'The id of the SCIM resource representing the user\u2019s manager.'),
        attribute('$ref', 'reference', {
          description: 'The URI of the SCIM resource representing the user\u2019s manager.',
          referenceTypes: ['User'],
        }),
        attribute('displayName', 'string', {
          description: 'The displayName of the user\u2019s manager.',
          mutability: 'readOnly',
        }),
      ],
    }),
  ],
};
