/**
 * What never reaches storage: secret values in request bodies (the provisioning log, the admin
 * API's audit trail) and in query strings (the log's path). Both surfaces use these functions.
 *
 * A name is secret when any of its `:`- or `.`-separated segments, compared without case and
 * without `_`/`-`, ends in one of SECRET_ENDINGS: `password`, `PassWord`,
 * `urn:ietf:params:scim:schemas:core:2.0:User:password` (RFC 7643 §8.7.1 attribute URNs),
 * `user.password` (the dotted path-less PATCH keys IdPs send), `client_secret`, `accessToken`.
 * Values are replaced wherever they sit: nested objects, arrays, Bulk operations' `data`
 * (RFC 7644 §3.7), and PATCH operations whose `path` names a secret (RFC 7644 §3.5.2), where
 * the string literals of a value filter in that path are replaced too.
 */

export const REDACTED = '[redacted]';

const SECRET_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
  'authorization',
  'credential',
  'credentials',
  'cookie',
];

function isSecretSegment(segment: string): boolean {
  const bare = segment.toLowerCase().replace(/[^a-z0-9]/g, '');
  return bare !== '' && SECRET_ENDINGS.some((ending) => bare.endsWith(ending));
}

/** Whether a key, attribute name or query parameter name holds a secret. */
export function isSecretName(name: string): boolean {
  return name.split(/[:.]/).some(isSecretSegment);
}

/** RFC 7644 §3.10 string literals in a filter or value path: `"…"` with backslash escapes. */
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;

/**
 * Whether a PATCH path or filter names a secret attribute anywhere: `password`,
 * `urn:…:User:password`, `password[value eq "x"]`, `emails[password eq "x"]`. Literals are not
 * names: `emails[type eq "password"]` names none.
 */
export function namesSecret(expression: string): boolean {
  return expression
    .replace(STRING_LITERAL, '""')
    .split(/[^A-Za-z0-9_$-]+/)
    .some(isSecretSegment);
}

/** The expression with its string literals replaced, and the literals it held. */
function redactLiterals(expression: string, found: string[]): string {
  return expression.replace(STRING_LITERAL, (literal) => {
    found.push(literal.slice(1, -1));
    return `"${REDACTED}"`;
  });
}

/** Every string inside a value (the secrets a redacted value held). */
function stringsOf(value: unknown, found: string[]): void {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, found);
  else if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) stringsOf(inner, found);
  }
}

function redact(value: unknown, found: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item, found));
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const pathKey = Object.keys(record).find((key) => key.toLowerCase() === 'path');
  const path = pathKey === undefined ? undefined : record[pathKey];
  // A PATCH operation carries the secret under `value`, with its name in `path`.
  const secretOperation = typeof path === 'string' && namesSecret(path);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record)) {
    const lower = key.toLowerCase();
    if (isSecretName(key) || (secretOperation && lower === 'value')) {
      stringsOf(inner, found);
      out[key] = REDACTED;
    } else if (secretOperation && key === pathKey) {
      out[key] = redactLiterals(inner as string, found);
    } else {
      out[key] = redact(inner, found);
    }
  }
  return out;
}

/** A copy of a parsed JSON body with every secret value replaced by REDACTED. */
export function redactSecrets(value: unknown): unknown {
  return redact(value, []);
}

/**
 * The secret strings a body holds (what redactSecrets replaces), for scrubbing text that may
 * echo them, such as an error detail quoting a value back.
 */
export function secretValuesOf(value: unknown): string[] {
  const found: string[] = [];
  redact(value, found);
  return found;
}

/**
 * Secrets shorter than this are not scrubbed from free text: replacing every "ab" in a sentence
 * would garble it, and the error details that quote values never quote secret attributes.
 */
const MIN_SCRUBBED_LENGTH = 4;

/** `text` with every occurrence of the given secrets replaced by REDACTED. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...new Set(secrets)]
    .filter((s) => s.length >= MIN_SCRUBBED_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const secret of sorted) {
    out = out.replaceAll(secret, REDACTED);
    // Error details quote values as JSON, where `"` and `\` are escaped.
    const quoted = JSON.stringify(secret).slice(1, -1);
    if (quoted !== secret) out = out.replaceAll(quoted, REDACTED);
  }
  return out;
}

function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/**
 * A path with query (`/scim/v2/Users?filter=…&access_token=…`) as it may be stored: the value
 * of every secret-named parameter replaced by REDACTED, and the string literals of a filter
 * that names a secret attribute (`filter=password eq "x"`) too. Names are compared decoded.
 */
export function redactQuery(pathAndQuery: string): string {
  const at = pathAndQuery.indexOf('?');
  if (at < 0) return pathAndQuery;
  const pairs = pathAndQuery
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      const decodedName = decodeQueryPart(name);
      if (isSecretName(decodedName)) return `${name}=${REDACTED}`;
      const decoded = decodeQueryPart(pair.slice(eq + 1));
      if (!namesSecret(decoded)) return pair;
      return `${name}=${encodeURIComponent(redactLiterals(decoded, []))}`;
    });
  return `${pathAndQuery.slice(0, at)}?${pairs.join('&')}`;
}
