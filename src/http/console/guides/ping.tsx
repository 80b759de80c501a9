/** PingOne and PingFederate: the outbound SCIM provisioner. */
import type { IdpGuide } from './idp-guide.ts';

export const pingGuide: IdpGuide = {
  id: 'ping',
  name: 'Ping Identity',
  summary: 'PingOne or PingFederate outbound SCIM provisioning, bearer token.',
  pushesToCustomApps: true,
  fields: { url: 'SCIM URL (base URL)', token: 'OAuth 2 Bearer Token' },
  steps: () => (
    <ol>
      <li>
        <strong>PingOne</strong>:{' '}
        <strong>Integrations → Provisioning → New connection → SCIM Outbound</strong>.{' '}
        <strong>PingFederate</strong>: a SaaS connection with the SCIM connector.
      </li>
      <li>
        The SCIM URL and token below, SCIM version <strong>2.0</strong>, authentication{' '}
        <strong>OAuth 2 Bearer Token</strong>. Users resource path <code>/Users</code>, groups{' '}
        <code>/Groups</code>.
      </li>
      <li>
        Unique user identifier <code>userName</code>, and if asked for a user filter:{' '}
        <code>userName eq "%s"</code>.
      </li>
      <li>
        Enable <em>User Create</em>, <em>User Update</em> and <em>Disable/Delete</em>;{' '}
        <strong>Remove User Action</strong>: <strong>Disable</strong>.
      </li>
      <li>Add a provisioning rule with the users and groups to send, and turn it on.</li>
    </ol>
  ),
  mappings: [
    ['userName', 'mail (or the username, if it is the email)'],
    ['name.givenName', 'givenName'],
    ['name.familyName', 'sn'],
    ['emails[primary].value', 'mail'],
    ['active', 'the account is enabled'],
  ],
  lifecycle: [
    {
      action: 'Remove the user from the rule, with Remove User Action = Disable',
      sends: 'active = false',
      roster: 'Deactivates the user; its data stays.',
    },
    {
      action: 'The same, with Remove User Action = Delete',
      sends: 'DELETE',
      roster: 'Deactivates and unlinks the user, keeping its data.',
    },
    {
      action: 'Disable the account in Ping',
      sends: 'active = false',
      roster: 'Deactivates the user.',
    },
    {
      action: '“Provision disabled users” on',
      sends: 'a create with active = false',
      roster: 'Creates the user deactivated.',
    },
  ],
  notes: () => (
    <p>
      Ping sends user updates as whole users (PUT), never PATCH, and finds groups by listing all of
      them: both are supported as they are.
    </p>
  ),
};
