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

/** IdPs send the same User-Agent on every request: each is matched once. */
const known = new Map<string, string | undefined>();

function fromUserAgent(userAgent: string): string | undefined {
  if (known.has(userAgent)) return known.get(userAgent);
  let found: string | undefined;
  for (const [pattern, idp] of SIGNATURES) {
    if (pattern.test(userAgent)) {
      found = idp;
      break;
    }
  }
  if (known.size >= 1000) known.clear();
  known.set(userAgent, found);
  return found;
}

export function detectIdp(userAgent: string | undefined, search: string): string {
  const idp = userAgent ? fromUserAgent(userAgent) : undefined;
  if (idp !== undefined) return idp;
  // Entra's compatibility flag sometimes travels on the request URL itself.
  if (/aadOptscim/i.test(search)) return 'entra';
  return 'unknown';
}
