/**
 * Text that cannot be stored the same way on both stores: PostgreSQL's text and jsonb refuse NUL
 * and JSON escapes of unpaired UTF-16 surrogates ("\ud800"), which SQLite would keep, and
 * RFC 8259 §8.2 leaves the meaning of such strings unpredictable. Request bodies are checked as
 * they are read (`http/`); filters and PATCH paths are checked again after their own string
 * escapes are decoded (`filter/lexer.ts`), since only then does an escaped NUL become one. A
 * leaf module with no imports, so every layer that reads client text can use the one rule.
 */

export const UNPAIRED_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What `text` holds that cannot be stored ("NUL characters (\u0000)"), or undefined. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'NUL characters (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'unpaired UTF-16 surrogates (such as \\ud800)';
  return undefined;
}
