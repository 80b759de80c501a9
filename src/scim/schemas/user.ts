import { type AttributeDefinition, attribute, type SchemaDefinition } from './attribute.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

const str = (name: string, description: string, options = {}) =>
  attribute(name, 'string', { description, ...options });

/** The standard sub-attributes of a multi-valued attribute (RFC 7643 §2.4). */
function multiValued(
  name: string,
  description: string,
  types: readonly string[],
  value: AttributeDefinition = str('value', `The ${name} value.`),
  mutability: 'readWrite' | 'readOnly' = 'readWrite',
): AttributeDefinition {
  return attribute(name, 'complex', {
    description,
    multiValued: true,
    mutability,
    subAttributes: [
      value,
      str('display', 'A human-readable name, primarily used for display purposes.', { mutability }),
      str('type', 'A label indicating the attribute\u2019s function.', {
        canonicalValues: types,
        mutability,
      }),
      attribute('primary', 'boolean', {
        description: 'Indicates the primary or preferred value; at most one is true.',
        mutability,
      }),
    ],
  });
}

/** Core User attributes, RFC 7643 §4.1 (id, externalId and meta are common attributes, §3.1). */
export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    str(
      'userName',
      'Unique identifier for the User, typically used to sign in. Required: a create without ' +
        'it takes the primary email, and a PUT without it keeps the current value.',
      { required: true, uniqueness: 'server' },
    ),
    attribute('name', 'complex', {
      description: 'The components of the user\u2019s real name.',
      subAttributes: [
        str('formatted', 'The full name, formatted for display.'),
        str('familyName', 'The family name (last name).'),
        str('givenName', 'The given name (first name).'),
        str('middleName', 'The middle name(s).'),
        str('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
        str('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user.'),
    attribute('profileUrl', 'reference', {
      description: 'A fully qualified URL pointing to the user\u2019s online profile.',
      referenceTypes: ['external'],
    }),
    str('title', 'The user\u2019s title, such as "Vice President".'),
    str('userType', 'Identifies the relationship between the organization and the user.'),
    str('preferredLanguage', 'The user\u2019s preferred written or spoken language.'),
    str('locale', 'The user\u2019s default location, e.g. "en-US".'),
    str('timezone', 'The user\u2019s time zone in IANA format, e.g. "America/Los_Angeles".'),
    // Required (RFC 7643 §2.2): deprovisioning is `active` false, and an unassigned `active`
    // would be neither. A create without it makes an active user and a PUT without it keeps the
    // current value (docs/idp-compatibility.md); a PATCH cannot remove it (RFC 7644 §3.5.2.2).
    attribute('active', 'boolean', {
      description:
        'The user\u2019s administrative status; false means deactivated. Required: a create ' +
        'without it makes an active user, a PUT without it keeps the current value, and a ' +
        'PATCH cannot remove it (replace it with false to deactivate).',
      required: true,
    }),
    str('password', 'Accepted and discarded: Roster users sign in with SSO.', {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'Phone numbers for the user.', [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    multiValued('ims', 'Instant messaging addresses for the user.', [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multiValued(
      'photos',
      'URLs of images of the user.',
      ['photo', 'thumbnail'],
      attribute('value', 'reference', {
        description: 'URL of a photo of the user.',
        referenceTypes: ['external'],
      }),
    ),
    attribute('addresses', 'complex', {
      description: 'Physical mailing addresses for this user.',
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component.'),
        str('type', 'A label indicating the address\u2019s function.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attribute('primary', 'boolean', { description: 'The primary mailing address.' }),
      ],
    }),
    attribute('groups', 'complex', {
      description: 'Groups the user belongs to, directly or indirectly. Read-only.',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        str('value', 'The identifier of the group.', { mutability: 'readOnly' }),
        attribute('$ref', 'reference', {
          description: 'The URI of the group.',
          referenceTypes: ['Group'],
          mutability: 'readOnly',
        }),
        str('display', 'The display name of the group.', { mutability: 'readOnly' }),
        str('type', 'How the membership was derived.', {
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
    }),
    multiValued('entitlements', 'Entitlements for the user.', []),
    // With role sync on; what an account with it off gets is in discovery.ts (rolesAsServed).
    multiValued(
      'roles',
      'Role sync is on for this account: a role names the user\u2019s permission set by its ' +
        'exact name, and reads show that set as the user\u2019s one primary role.',
      [],
    ),
    multiValued(
      'x509Certificates',
      'X.509 certificates issued to the user.',
      [],
      attribute('value', 'binary', { description: 'The DER-encoded certificate, base64.' }),
    ),
  ],
};
