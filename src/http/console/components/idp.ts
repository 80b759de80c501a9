/** IdPs as the provisioning log names them (scim/compat/detect-idp.ts), in words. */
const NAMES: Readonly<Record<string, string>> = {
  okta: 'Okta',
  entra: 'Microsoft Entra ID',
  google: 'Google Workspace',
  onelogin: 'OneLogin',
  jumpcloud: 'JumpCloud',
  ping: 'Ping Identity',
  unknown: 'Unrecognised client',
};

export const IDPS = [
  'okta',
  'entra',
  'google',
  'onelogin',
  'jumpcloud',
  'ping',
  'unknown',
] as const;

export function idpName(idp: string): string {
  return NAMES[idp] ?? idp;
}
