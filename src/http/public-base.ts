/** The origin clients reach this server at: ROSTER_PUBLIC_URL when set, else the request's own. */

/** `http://host:port` of a request URL (string work: this runs on every SCIM request). */
export function originOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  return slash < 0 ? url : url.slice(0, slash);
}

/** Base for URLs handed out (tenant URLs, `meta.location`), without a trailing slash. */
export function publicBase(requestUrl: string, publicUrl: string | undefined): string {
  return (publicUrl ?? originOf(requestUrl)).replace(/\/+$/, '');
}
