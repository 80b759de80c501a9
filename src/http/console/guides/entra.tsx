/** Microsoft Entra ID: a non-gallery enterprise application with automatic provisioning. */
import type { IdpGuide } from './idp-guide.ts';

export const entraGuide: IdpGuide = {
  id: 'entra',
  name: 'Microsoft Entra ID',
  summary: 'A non-gallery enterprise application, provisioning mode Automatic.',
  pushesToCustomApps: true,
  fields: { url: 'Tenant URL', token: 'Secret Token', entraUrl: true },
  steps: () => (
    <ol>
      <li>
        In the Microsoft Entra admin center,{' '}
        <strong>Enterprise applications → New application → Create your own application</strong>,
        and choose{' '}
        <em>Integrate any other application you don't find in the gallery (Non-gallery)</em>. Or
        open the app you use for single sign-on.
      </li>
      <li>
        <strong>Provisioning → Get started</strong> (or <em>New configuration</em>), provisioning
        mode <strong>Automatic</strong>.
      </li>
      <li>
        Under <strong>Admin Credentials</strong>, the Tenant URL and Secret Token below. The Tenant
        URL ends in <code>?aadOptscim062020</code>: that flag makes Entra send standard SCIM
        requests (the plain URL works too).
      </li>
      <li>
        <strong>Test Connection</strong>: Entra looks up a user that does not exist and expects an
        empty answer. It appears on the connection status page.
      </li>
      <li>
        Under <strong>Settings</strong>, scope <em>Sync only assigned users and groups</em>; under{' '}
        <strong>Mappings</strong>, keep the defaults (below). Set{' '}
        <strong>Provisioning Status</strong> to <strong>On</strong> and save.
      </li>
      <li>
        Assign users and groups on <strong>Users and groups</strong>. Entra provisions in cycles of
        about 40 minutes; <em>Provision on demand</em> sends one user at once.
      </li>
    </ol>
  ),
  mappings: [
    ['userName', 'userPrincipalName'],
    ['active', 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'],
    ['emails[type eq "work"].value', 'mail'],
    ['name.givenName', 'givenName'],
    ['name.familyName', 'surname'],
    ['displayName', 'displayName'],
    ['externalId', 'mailNickname'],
  ],
  roles: (values) => (
    <p>
      For role sync, map <code>SingleAppRoleAssignment([appRoleAssignments])</code> to{' '}
      <code>roles[primary eq "True"].value</code>. Entra app role values cannot contain spaces:
      Roster matches the role's value first, then its display name, so an app role displayed as{' '}
      <em>Sales Rep</em> names the permission set <code>Sales Rep</code>. Role sync is{' '}
      {values.roleSyncEnabled ? 'on' : 'off (turn it on in Setup)'}.
    </p>
  ),
  lifecycle: [
    {
      action: 'Unassign, or the user leaves the scope',
      sends: 'active = false',
      roster: 'Deactivates the user; its data stays.',
    },
    {
      action: 'Block sign-in, or soft-delete the user',
      sends: 'active = false',
      roster: 'Deactivates the user.',
    },
    {
      action: 'Hard delete (30 days after a soft delete, or a permanent delete)',
      sends: 'DELETE',
      roster:
        'Deactivates and unlinks the user, keeping its data; a later create with the same email restores the same user.',
    },
    {
      action: 'Restore or assign again',
      sends: 'active = true',
      roster: 'Reactivates the same user.',
    },
  ],
  notes: () => (
    <p>
      With <em>Provision Microsoft Entra ID Groups</em> on, assigned groups appear on the Groups
      page. If most requests fail, Entra puts the job in quarantine and slows its cycles: the
      connection status page shows the last error in words.
    </p>
  ),
};
