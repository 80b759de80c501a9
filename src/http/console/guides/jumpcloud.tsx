/** JumpCloud: an application's Identity Management tab, SCIM 2.0. */
import type { IdpGuide } from './idp-guide.ts';

export const jumpcloudGuide: IdpGuide = {
  id: 'jumpcloud',
  name: 'JumpCloud',
  summary: 'The Identity Management tab of a custom application, SCIM 2.0.',
  pushesToCustomApps: true,
  fields: { url: 'Base URL', token: 'Token Key' },
  steps: () => (
    <ol>
      <li>
        <strong>SSO Applications</strong>: open your app (or{' '}
        <strong>Add New Application → Custom Application</strong>), then the{' '}
        <strong>Identity Management</strong> tab.
      </li>
      <li>
        Choose <strong>SCIM 2.0</strong>; the Base URL and Token Key below.{' '}
        <strong>Test User Email</strong>: an address in a domain verified on the Setup page.
      </li>
      <li>
        <strong>Test Connection</strong>: JumpCloud creates a test user and a test group, then
        deletes both. All four requests appear on the connection status page; a refused test user
        usually means its email domain is not verified.
      </li>
      <li>
        <strong>Activate</strong>, then bind user groups to the app. Bound groups are pushed as
        groups, and their members as users.
      </li>
    </ol>
  ),
  mappings: [
    ['userName', 'email'],
    ['name.givenName', 'firstname'],
    ['name.familyName', 'lastname'],
    ['emails[primary].value', 'email'],
    ['active', 'the user is active and bound to the app'],
  ],
  lifecycle: [
    {
      action: 'Remove the user from every group bound to the app',
      sends: 'active = false',
      roster: 'Deactivates the user; its data stays.',
    },
    {
      action: 'Suspend the user',
      sends: 'active = false',
      roster: 'Deactivates the user.',
    },
    {
      action: 'Delete the user in JumpCloud, or delete a bound group',
      sends: 'DELETE (the group is deleted too)',
      roster:
        'Deactivates and unlinks the user, keeping its data; the group and its mapping are removed.',
    },
    {
      action: 'Bind again',
      sends: 'active = true',
      roster: 'Reactivates the same user.',
    },
  ],
};
