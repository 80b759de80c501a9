/**
 * Where a JSON text stops being JSON (RFC 8259), as a line and column an editor can jump to.
 * JSON.parse says where only in some Node versions and in varying words, so when it throws,
 * this scanner walks the text again and reports the first error in its own words.
 */

export interface JsonSyntaxError {
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in characters (UTF-16 code units) from the start of the line. */
  readonly column: number;
  readonly message: string;
}

class Stop extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

function describe(c: string | undefined): string {
  if (c === undefined) return 'the end of the file';
  const code = c.charCodeAt(0);
  if (code < 0x20) return `the control character U+${code.toString(16).padStart(4, '0')}`;
  return `'${c}'`;
}

function scan(text: string): void {
  let i = 0;
  const ws = () => {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  };
  const expect = (what: string): never => {
    throw new Stop(i, `expected ${what}, found ${describe(text[i])}`);
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[i] !== char) expect(`'${word}'`);
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Stop(i, 'unterminated string: missing the closing "');
      if (c === '"') {
        i++;
        return;
      }
      if (c.charCodeAt(0) < 0x20) {
        throw new Stop(i, `${describe(c)} must be escaped inside a string`);
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          for (let k = 2; k < 6; k++) {
            if (!isHex(text[i + k])) throw new Stop(i + k, 'expected 4 hex digits after \\u');
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          throw new Stop(i + 1, `invalid escape \\${e ?? ''} in a string`);
        }
        i += 2;
        continue;
      }
      i++;
    }
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (isDigit(text[i])) while (isDigit(text[i])) i++;
    else expect('a digit');
    if (text[i] === '.') {
      i++;
      if (!isDigit(text[i])) expect('a digit after the decimal point');
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text[i])) expect('a digit in the exponent');
      while (isDigit(text[i])) i++;
    }
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Stop(i, 'nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') {
          expect(
            text[i] === '}'
              ? 'another property (remove the trailing comma)'
              : 'a property name in double quotes',
          );
        }
        string();
        ws();
        if (text[i] !== ':') expect("':' after the property name");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        expect("',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') expect('another element (remove the trailing comma)');
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        expect("',' or ']'");
      }
    }
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || isDigit(c)) number();
    else expect(c === undefined ? 'a value (the file is empty)' : 'a value');
  };
  value(0);
  ws();
  if (i < text.length)
    throw new Stop(i, `unexpected ${describe(text[i])} after the end of the JSON value`);
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < error.at && k < text.length; k++) {
      if (text[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    return { line, column: error.at - lineStart + 1, message: error.message };
  }
}
