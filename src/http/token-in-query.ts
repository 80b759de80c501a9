/**
 * RFC 6750 §2.3 lets a client send its bearer token as the `access_token` query parameter, and
 * §5.3 recommends against it: URLs end up in proxy, load balancer and browser logs, and in
 * Roster's own provisioning log. Roster refuses it on both surfaces, before anything else, and
 * says where the token goes instead.
 */

export const TOKEN_IN_QUERY_DETAIL =
  "the query string holds 'access_token': send the token in the Authorization header " +
  '("Authorization: Bearer <token>"), never in the URL, where proxies and logs keep it ' +
  '(RFC 6750 §2.3, §5.3); consider this token exposed and rotate it';

/** Whether the URL's query names `access_token` (any case, percent-encoded or not). */
export function hasTokenInQuery(url: string): boolean {
  const at = url.indexOf('?');
  if (at < 0) return false;
  for (const pair of url.slice(at + 1).split('&')) {
    const eq = pair.indexOf('=');
    let name = eq < 0 ? pair : pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape is not the parameter's name.
    }
    if (name.trim().toLowerCase() === 'access_token') return true;
  }
  return false;
}
