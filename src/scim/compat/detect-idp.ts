/**
 * Which identity provider sent a request, for the provisioning log. Only labels the request:
 * behaviour never depends on it, every IdP dialect is accepted from every client.
 */
const SIGNATURES: readonly (readonly [RegExp, string])[] = [
  [/okta/i, 'okta'],
  [/azure|microsoft|entra|\baad\b/i, 'entra'],
  [/google/i, 'google'],
  [/onelogin/i, 'onelogin'],
  [/jumpcloud/i, 'jumpcloud'],
  [/ping/i, 'ping'],
];

export function detectIdp(userAgent: string | undefined, search: string): string {
  for (const [pattern, idp] of SIGNATURES) if (userAgent && pattern.test(userAgent)) return idp;
  // Entra's compatibility flag sometimes travels on the request URL itself.
  if (/aadOptscim/i.test(search)) return 'entra';
  return 'unknown';
}
