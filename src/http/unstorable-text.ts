/**
 * Text that cannot be stored the same way on both stores: PostgreSQL's text and jsonb refuse NUL
 * and JSON escapes of unpaired UTF-16 surrogates ("\ud800"), which SQLite would keep, and
 * RFC 8259 §8.2 leaves the meaning of such strings unpredictable. Both request surfaces refuse
 * them up front with their own 400, so no store ever sees them.
 */

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = new RegExp(`\u0000|${UNPAIRED_SURROGATE.source}`, 'g');

/**
 * `text` with what cannot be stored written as visible escapes (`\u0000`, `\ud800`): for the
 * provisioning log, which records refused requests as they came, including their ids.
 */
export function escapeUnstorable(text: string): string {
  return text.replace(
    UNSTORABLE,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** What `text` holds that cannot be stored ("NUL characters (\u0000)"), or undefined. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'NUL characters (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'unpaired UTF-16 surrogates (such as \\ud800)';
  return undefined;
}
