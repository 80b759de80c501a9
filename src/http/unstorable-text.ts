/**
 * Text that cannot be stored the same way on both stores: PostgreSQL's text and jsonb refuse NUL
 * and JSON escapes of unpaired UTF-16 surrogates ("\ud800"), which SQLite would keep, and
 * RFC 8259 §8.2 leaves the meaning of such strings unpredictable. Both request surfaces refuse
 * them up front with their own 400, so no store ever sees them.
 */

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What `text` holds that cannot be stored ("NUL characters (\u0000)"), or undefined. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'NUL characters (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'unpaired UTF-16 surrogates (such as \\ud800)';
  return undefined;
}
