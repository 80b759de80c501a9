/**
 * Tokenizer for SCIM filters and PATCH paths (RFC 7644 §3.4.2.2 Figure 1, §3.5.2).
 *
 * The lexer only separates punctuation, quoted strings and "words" (maximal runs of anything
 * else). Whether a word is an attribute path, an operator, a keyword or a number depends on where
 * it appears, so the parser decides: this keeps an attribute that happens to be called `not` or
 * `pr` parseable and lets every error name the offending text.
 */

export type Token =
  | { readonly kind: '(' | ')' | '[' | ']'; readonly start: number; readonly end: number }
  | {
      readonly kind: 'word';
      readonly text: string;
      readonly start: number;
      readonly end: number;
    }
  | {
      /** A quoted JSON string; `value` is decoded, `text` is the source including quotes. */
      readonly kind: 'string';
      readonly value: string;
      readonly text: string;
      readonly start: number;
      readonly end: number;
    }
  | {
      /** A lexical error. Always the last token, so errors earlier in the input win. */
      readonly kind: 'error';
      readonly message: string;
      readonly start: number;
      readonly end: number;
    }
  | { readonly kind: 'end'; readonly start: number; readonly end: number };

/**
 * Whitespace between tokens. Besides SP (the RFC's only separator) tabs and line breaks are
 * accepted: query strings decoded from `+`/`%20` often carry several spaces, and nothing is lost.
 */
function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

function isPunctuation(ch: string): boolean {
  return ch === '(' || ch === ')' || ch === '[' || ch === ']';
}

/** JSON single-character escapes (RFC 8259 §7), which RFC 7644 §3.4.2.2 adopts for compValue. */
const simpleEscapes: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Text no store keeps alike: NUL and unpaired UTF-16 surrogates (the rule of
 * http/unstorable-text.ts, which refuses them in request bodies). A filter's or a PATCH path's
 * strings can still carry them as JSON escapes (\u0000, \ud800) that no body check sees, and a
 * PATCH value path of eq tests stores its strings when it creates the element it names.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = (text: string) => text.includes('\u0000') || UNPAIRED_SURROGATE.test(text);

type StringScan =
  | { readonly ok: true; readonly value: string; readonly end: number }
  | { readonly ok: false; readonly message: string; readonly position: number };

/** Reads the JSON string starting at `start` (the opening quote). */
function scanString(input: string, start: number): StringScan {
  let value = '';
  let i = start + 1;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '"') {
      if (unstorable(value)) {
        return {
          ok: false,
          message: `the string starting at position ${start} holds a NUL character (\\u0000) or an unpaired UTF-16 surrogate, which are not allowed`,
          position: start,
        };
      }
      return { ok: true, value, end: i + 1 };
    }
    if (ch !== '\\') {
      // Raw control characters are tolerated (strict JSON forbids them): rejecting a tab inside
      // a value helps no client.
      value += ch;
      i += 1;
      continue;
    }
    const escaped = input[i + 1];
    if (escaped === undefined) break;
    const simple = simpleEscapes[escaped];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    if (escaped === 'u') {
      const hex = input.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        return {
          ok: false,
          message: `invalid unicode escape '\\u${hex.replace(/["\\].*$/s, '')}' at position ${i}: expected 4 hexadecimal digits`,
          position: i,
        };
      }
      // Surrogate pairs arrive as two escapes; appending code units reassembles them as
      // JSON.parse does.
      value += String.fromCharCode(Number.parseInt(hex, 16));
      i += 6;
      continue;
    }
    return {
      ok: false,
      message: `invalid escape '\\${escaped}' in string at position ${i}`,
      position: i,
    };
  }
  return {
    ok: false,
    message: `unterminated string starting at position ${start}`,
    position: start,
  };
}

/** Splits `input` into tokens; the list always ends with an `end` or an `error` token. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (isSpace(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ kind: ch, start: i, end: i + 1 });
      i += 1;
    } else if (ch === '"') {
      const scan = scanString(input, i);
      if (!scan.ok) {
        tokens.push({
          kind: 'error',
          message: scan.message,
          start: scan.position,
          end: scan.position,
        });
        return tokens;
      }
      tokens.push({
        kind: 'string',
        value: scan.value,
        text: input.slice(i, scan.end),
        start: i,
        end: scan.end,
      });
      i = scan.end;
    } else {
      let end = i + 1;
      while (end < input.length) {
        const next = input[end]!;
        if (isSpace(next) || isPunctuation(next) || next === '"') break;
        end += 1;
      }
      tokens.push({ kind: 'word', text: input.slice(i, end), start: i, end });
      i = end;
    }
  }
  tokens.push({ kind: 'end', start: input.length, end: input.length });
  return tokens;
}
