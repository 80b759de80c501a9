/** Keys whose values never reach the provisioning log. */
const SECRET_KEY =
  /^(password|secret|token|access_?token|refresh_?token|client_?secret|authorization|api_?key)$/i;

export const REDACTED = '[redacted]';

/** A PATCH path that names a secret: `password`, `urn:…:User:password`. */
const SECRET_PATH = /(^|[:.])(password|secret|token)$/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // A PATCH operation carries the secret under `value`, with the name in `path`.
    const secretOperation = typeof record.path === 'string' && SECRET_PATH.test(record.path.trim());
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(record)) {
      out[key] =
        SECRET_KEY.test(key) || (secretOperation && key.toLowerCase() === 'value')
          ? REDACTED
          : redactSecrets(inner);
    }
    return out;
  }
  return value;
}
