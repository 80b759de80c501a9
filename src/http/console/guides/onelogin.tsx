/** OneLogin: the SCIM Provisioner connector with a bearer token. */
import type { IdpGuide } from './idp-guide.ts';

export const oneloginGuide: IdpGuide = {
  id: 'onelogin',
  name: 'OneLogin',
  summary: 'The “SCIM Provisioner with SAML (SCIM v2 Enterprise)” connector.',
  pushesToCustomApps: true,
  fields: { url: 'SCIM Base URL', token: 'SCIM Bearer Token' },
  steps: () => (
    <ol>
      <li>
        <strong>Applications → Add App</strong>, search for{' '}
        <em>SCIM Provisioner with SAML (SCIM v2 Enterprise)</em>, and save it.
      </li>
      <li>
        On <strong>Configuration</strong>: the SCIM Base URL and SCIM Bearer Token below. Keep the
        default <strong>SCIM JSON Template</strong>, or make sure it sends <code>userName</code> as
        the email address. Click <strong>Enable</strong> under API Connection.
      </li>
      <li>
        On <strong>Provisioning</strong>: enable provisioning, with <em>Create user</em>,{' '}
        <em>Update user</em> and <em>Delete user</em>. For “when users are deleted in OneLogin, or
        the user's app access is removed”, choose <strong>Suspend</strong>.
      </li>
      <li>Give users the app through roles or rules; OneLogin then provisions them.</li>
    </ol>
  ),
  mappings: [
    ['userName', '{$parameters.scimusername} (the email)'],
    ['name.givenName', '{$user.firstname}'],
    ['name.familyName', '{$user.lastname}'],
    ['emails[primary].value', '{$user.email}'],
    ['displayName', '{$user.display_name}'],
  ],
  roles: (values) => (
    <p>
      For role sync, add <code>"roles": ["…"]</code> to the SCIM JSON Template with the exact name
      of a permission set. Role sync is{' '}
      {values.roleSyncEnabled ? 'on' : 'off (turn it on in Setup)'}.
    </p>
  ),
  lifecycle: [
    {
      action: 'Remove app access, with the Suspend action',
      sends: 'active = false',
      roster: 'Deactivates the user; its data stays.',
    },
    {
      action: 'Delete the user, with the Delete action',
      sends: 'DELETE',
      roster: 'Deactivates and unlinks the user, keeping its data.',
    },
    {
      action: 'Give app access again',
      sends: 'active = true (or a new create with the same email)',
      roster: 'Reactivates, or restores, the same user.',
    },
  ],
  notes: () => (
    <p>
      OneLogin writes requests from its template: unset placeholders arrive as empty strings, which
      Roster treats as “no value”. OneLogin does not push groups to this connector.
    </p>
  ),
};
