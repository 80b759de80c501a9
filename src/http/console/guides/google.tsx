/**
 * Google Workspace pushes SCIM only to apps in its own catalog (HubSpot among them): it has no
 * field for another server's URL and token, so it cannot provision Roster directly.
 */
import type { IdpGuide } from './idp-guide.ts';

export const googleGuide: IdpGuide = {
  id: 'google',
  name: 'Google Workspace',
  summary: 'Cannot connect directly: Google provisions only apps in its own catalog.',
  pushesToCustomApps: false,
  steps: () => (
    <>
      <p>
        <strong>Google Workspace cannot provision Roster.</strong> Its automatic provisioning sends
        SCIM only to the pre-integrated apps of Google's own catalog, and sets each of them up by
        signing in to that vendor: there is no field for another server's tenant URL and token.
        Roster is not in the catalog.
      </p>
      <p>What to do instead:</p>
      <ol>
        <li>
          <strong>Provision through an identity provider that reads your Google directory.</strong>{' '}
          JumpCloud, Okta and OneLogin can import users from Google Workspace, and push them to
          Roster over SCIM with its tenant URL and token: follow that IdP's guide here. Keep Google
          as the source of people; the IdP only carries them to Roster.
        </li>
        <li>
          <strong>Or use single sign-on from Google, and manage users here.</strong> Google can
          still be your SAML sign-in; add users on the Users page (they are the app's, not an
          IdP's), or script it with Roster's admin API from Google's Directory API export.
        </li>
      </ol>
    </>
  ),
  mappings: [],
  lifecycle: [
    {
      action: 'Suspend or delete a person in Google (through an IdP that imports from Google)',
      sends: 'what that IdP sends: active = false, or DELETE',
      roster: 'Deactivates the user (a DELETE also unlinks it); its data stays.',
    },
  ],
};
