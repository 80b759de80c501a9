/** Okta, with an app integration of its own (not the HubSpot app from the Okta catalog). */
import type { IdpGuide } from './idp-guide.ts';

export const oktaGuide: IdpGuide = {
  id: 'okta',
  name: 'Okta',
  summary: 'An app integration with SCIM provisioning, token in an HTTP header.',
  pushesToCustomApps: true,
  fields: { url: 'SCIM connector base URL', token: 'Authorization (HTTP Header, Bearer)' },
  steps: () => (
    <ol>
      <li>
        In the Okta Admin Console, open <strong>Applications → Applications</strong>, and your app's
        integration (or <strong>Create App Integration → SAML 2.0</strong> for a new one).
      </li>
      <li>
        On <strong>General → App Settings</strong>, set <strong>Provisioning</strong> to{' '}
        <strong>SCIM</strong> and save.
      </li>
      <li>
        On <strong>Provisioning → Integration</strong>: the SCIM connector base URL and the token
        below; <strong>Unique identifier field for users</strong> = <code>userName</code>; supported
        actions <em>Push New Users</em>, <em>Push Profile Updates</em> (and <em>Push Groups</em> to
        send groups); <strong>Authentication Mode</strong> = <strong>HTTP Header</strong>, with the
        access token as the Bearer token.
      </li>
      <li>
        Click <strong>Test Connector Configuration</strong>. Okta lists users (
        <code>GET /Users?startIndex=1&amp;count=2</code>); the request appears on the connection
        status page.
      </li>
      <li>
        On <strong>Provisioning → To App</strong>, enable <em>Create Users</em>,{' '}
        <em>Update User Attributes</em> and <em>Deactivate Users</em>.
      </li>
      <li>
        On <strong>Assignments</strong>, assign people or groups. Each assignment creates (or links)
        the user in Roster.
      </li>
    </ol>
  ),
  mappings: [
    ['userName', 'user.login (the email address)'],
    ['name.givenName', 'user.firstName'],
    ['name.familyName', 'user.lastName'],
    ['emails[primary].value', 'user.email'],
    ['displayName', 'user.displayName'],
  ],
  roles: (values) => (
    <p>
      For role sync, add a string-array attribute to the app's profile in the Profile Editor:
      variable name <code>roles</code>, external name <code>roles</code>, external namespace{' '}
      <code>urn:ietf:params:scim:schemas:core:2.0:User</code>, and give each assignment the exact
      name of a permission set. Role sync is{' '}
      {values.roleSyncEnabled ? 'on' : 'off (turn it on in Setup)'}.
    </p>
  ),
  lifecycle: [
    {
      action: 'Unassign the user from the app',
      sends: 'active = false',
      roster: 'Deactivates the user; its data stays.',
    },
    {
      action: 'Deactivate or suspend the person in Okta',
      sends: 'active = false',
      roster: 'Deactivates the user.',
    },
    {
      action: 'Delete the person in Okta',
      sends: 'Nothing more: Okta never deletes users in an app (it deactivated them first)',
      roster: 'The user stays deactivated.',
    },
    {
      action: 'Reactivate or assign again',
      sends: 'active = true (after finding the user by userName)',
      roster: 'Reactivates the same user.',
    },
  ],
  notes: () => (
    <p>
      Okta updates a user by reading it and sending it whole (PUT); Roster keeps attributes Okta
      does not map. With Push Groups, pushed groups appear on the Groups page, where you can map
      them to permission sets.
    </p>
  ),
};
