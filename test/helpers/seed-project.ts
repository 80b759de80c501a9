/** The SCIM app project's two files, byte for byte as seed 002 prints them. */
export const SEED_APP = `{
  "uid": "scim-app",
  "type": "app",
  "config": {
    "description": "A private app for integrating an IdP with SCIM.",
    "name": "scim app",
    "distribution": "private",
    "auth": {
      "type": "static",
      "requiredScopes": [
        "crm.objects.users.read",
        "crm.objects.users.write",
        "settings.users.read",
        "settings.users.write"
      ],
      "optionalScopes": [],
      "conditionallyRequiredScopes": []
    },
    "permittedUrls": {
      "fetch": [],
      "iframe": [],
      "img": []
    }
  }
}
`;
export const SEED_SCIM = `{
  "uid": "scim",
  "type": "scim",
  "config": {
    "roleSyncEnabled": false
  }
}
`;
