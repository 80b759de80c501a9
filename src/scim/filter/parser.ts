/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2, ABNF in Figure 1):
 *
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
 *   valuePath = attrPath "[" valFilter "]"
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *   logExp    = FILTER SP ("and" / "or") SP FILTER
 *
 * with the order of operations of §3.4.2.2: grouping, then `not` > `and` > `or`, and/or
 * left-associative. `parsePath` (../patch/path.ts) reuses the same machinery for §3.5.2 paths.
 */
import type { AttributeReference } from '../schemas/resolve-attribute.ts';
import { unstorableText } from '../unstorable-text.ts';
import type {
  CompareOperator,
  Filter,
  SyntaxError as FilterSyntaxError,
  FilterValue,
  ParseResult,
} from './ast.ts';
import { type Token, tokenize } from './lexer.ts';

/** Longer input is refused before lexing: no legitimate filter or path comes close. */
export const maxInputLength = 10_000;
/** Parentheses, brackets and `not` beyond this depth are refused, so recursion stays shallow. */
export const maxNestingDepth = 64;

/** What is being parsed, for messages ("unexpected end of filter" / "of path"). */
export type Subject = 'filter' | 'path';

const compareOperators: ReadonlySet<string> = new Set<CompareOperator>([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);

/** ATTRNAME = ALPHA *(nameChar) (RFC 7643 §2.1), plus a leading `$` for `$ref`. */
const attributeNamePattern = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;
/** An absolute URI needs a scheme and something after it (RFC 3986 §3); `urn:` qualifies. */
const schemaUriPattern = /^[A-Za-z][A-Za-z0-9+.-]*:./;
/** JSON number (RFC 8259 §6), the `number` of compValue. */
const numberPattern = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Thrown inside the parser only; `runParser` turns it into a ParseResult. */
class ParseFailure {
  constructor(
    readonly message: string,
    readonly position: number,
    readonly unstorable?: true,
  ) {}
}

function quote(text: string): string {
  return text.length > 40 ? `'${text.slice(0, 37)}...'` : `'${text}'`;
}

function tokenText(token: Token): string {
  switch (token.kind) {
    case 'word':
    case 'string':
      return token.text;
    case 'end':
      return 'end';
    case 'error':
      return 'error';
    default:
      return token.kind;
  }
}

function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === keyword;
}

export class FilterParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    readonly subject: Subject,
  ) {}

  peek(offset = 0): Token {
    // The token list always ends with `end` or `error`; never read past it.
    const last = this.tokens[this.tokens.length - 1]!;
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] ?? last;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind === 'error') this.failOn(token);
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  fail(message: string, position: number): never {
    throw new ParseFailure(message, position);
  }

  /** Fails with a lexical error token's message (and whether it is unstorable text). */
  private failOn(token: Extract<Token, { kind: 'error' }>): never {
    throw new ParseFailure(token.message, token.start, token.unstorable);
  }

  /** Fails with "expected X after 'prev' at position N, found 'Y'" for the token at hand. */
  unexpected(what: string, token: Token, hint = ''): never {
    if (token.kind === 'error') this.failOn(token);
    const previous = this.index > 0 ? this.tokens[this.index - 1] : undefined;
    const after = previous ? ` after ${quote(tokenText(previous))}` : '';
    if (token.kind === 'end') {
      this.fail(`unexpected end of ${this.subject}: expected ${what}${after}${hint}`, token.start);
    }
    this.fail(
      `expected ${what}${after} at position ${token.start}, found ${quote(tokenText(token))}${hint}`,
      token.start,
    );
  }

  /** Consumes the final token, which must be the end of input. */
  expectEnd(what: string): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (token.kind === ')' || token.kind === ']') {
      const open = token.kind === ')' ? '(' : '[';
      this.fail(
        `unexpected '${token.kind}' at position ${token.start} with no matching '${open}'`,
        token.start,
      );
    }
    this.unexpected(what, token);
  }

  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > maxNestingDepth) {
      this.fail(
        `${this.subject} nests too deeply at position ${token.start}: at most ${maxNestingDepth} levels of '(', '[' and 'not'`,
        token.start,
      );
    }
  }

  private leave(): void {
    this.depth -= 1;
  }

  /** FILTER, lowest precedence first: or-chains of and-chains (RFC 7644 §3.4.2.2). */
  parseOr(inBracket: boolean): Filter {
    let left = this.parseAnd(inBracket);
    while (isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(inBracket) };
    }
    return left;
  }

  private parseAnd(inBracket: boolean): Filter {
    let left = this.parseUnary(inBracket);
    while (isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary(inBracket) };
    }
    return left;
  }

  private parseUnary(inBracket: boolean): Filter {
    const token = this.peek();
    if (token.kind === '(') return this.parseGroup(inBracket);
    if (isKeyword(token, 'not') && this.isLogicalNot()) {
      this.next();
      const open = this.peek();
      // RFC 7644 §3.4.2.2: "not" applies to a parenthesised filter only.
      if (open.kind !== '(') this.unexpected("'(' (not applies to a filter in parentheses)", open);
      return { kind: 'not', filter: this.parseGroup(inBracket) };
    }
    if (token.kind === 'word') return this.parseAttributeExpression(inBracket);
    this.unexpected("an attribute path, 'not' or '('", token);
  }

  /**
   * `not` is the operator unless an operator or `[` follows it, in which case it names an
   * attribute (`not pr`): attribute names are not reserved words in the ABNF.
   */
  private isLogicalNot(): boolean {
    const following = this.peek(1);
    if (following.kind === '[') return false;
    if (following.kind !== 'word') return true;
    const word = following.text.toLowerCase();
    return !(compareOperators.has(word) || word === 'pr');
  }

  private parseGroup(inBracket: boolean): Filter {
    const open = this.next();
    this.enter(open);
    const filter = this.parseOr(inBracket);
    const close = this.peek();
    if (close.kind === 'end') {
      this.fail(`missing ')' for '(' at position ${open.start}`, close.start);
    }
    if (close.kind !== ')') {
      this.unexpected(
        "'and', 'or' or ')'",
        close,
        ` (the '(' at position ${open.start} is still open)`,
      );
    }
    this.next();
    this.leave();
    return filter;
  }

  private parseAttributeExpression(inBracket: boolean): Filter {
    const pathToken = this.peek();
    const path = this.attributeReference(pathToken);
    this.next();
    if (this.peek().kind !== '[') return this.parseOperator(path);

    if (inBracket) {
      this.fail(
        `value paths cannot be nested: unexpected '[' at position ${this.peek().start}`,
        this.peek().start,
      );
    }
    const filter = this.parseBracket(pathToken, path);
    const following = this.peek();
    if (following.kind === 'word' && following.text.startsWith('.')) {
      // Not RFC grammar but sent by Entra ID: `emails[type eq "work"].value eq "x"` means "some
      // element has type work and value x", so the comparison joins the element filter.
      const subAttribute = this.attributeName(following.text.slice(1), following);
      this.next();
      const condition = this.parseOperator({ name: subAttribute });
      return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: condition } };
    }
    return { kind: 'valuePath', path, filter };
  }

  /**
   * `"[" valFilter "]"` after `path` (RFC 7644 §3.4.2.2 valuePath, §3.5.2). The element filter's
   * attribute paths are relative to one element of the multi-valued attribute.
   */
  parseBracket(pathToken: Token, path: AttributeReference): Filter {
    const open = this.peek();
    if (path.subAttribute !== undefined) {
      this.fail(
        `unexpected '[' at position ${open.start}: a value filter applies to a multi-valued attribute, not to the sub-attribute ${quote(tokenText(pathToken))}`,
        open.start,
      );
    }
    this.next();
    this.enter(open);
    if (this.peek().kind === ']') this.unexpected('a filter', this.peek());
    const filter = this.parseOr(true);
    const close = this.peek();
    if (close.kind === 'end') {
      this.fail(`missing ']' for '[' at position ${open.start}`, close.start);
    }
    if (close.kind !== ']') {
      this.unexpected(
        "'and', 'or' or ']'",
        close,
        ` (the '[' at position ${open.start} is still open)`,
      );
    }
    this.next();
    this.leave();
    return filter;
  }

  private parseOperator(path: AttributeReference): Filter {
    const token = this.peek();
    const word = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (word === 'pr') {
      this.next();
      return { kind: 'present', path };
    }
    if (!compareOperators.has(word)) this.unexpected('a comparison operator', token);
    this.next();
    const op = word as CompareOperator;
    return { kind: 'compare', path, op, value: this.parseValue() };
  }

  /** compValue = false / null / true / number / string (JSON, RFC 7644 §3.4.2.2). */
  private parseValue(): FilterValue {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return token.value;
    }
    if (token.kind !== 'word') this.unexpected('a value', token);
    const word = token.text.toLowerCase();
    // The literals are case-insensitive like the operators: PingOne-style filters capitalise.
    if (word === 'true' || word === 'false' || word === 'null') {
      this.next();
      return word === 'null' ? null : word === 'true';
    }
    if (numberPattern.test(token.text)) {
      const value = Number(token.text);
      if (!Number.isFinite(value)) {
        this.fail(
          `number ${quote(token.text)} at position ${token.start} is out of range`,
          token.start,
        );
      }
      this.next();
      return value;
    }
    this.unexpected(
      'a value',
      token,
      ' (strings must be in double quotes; other values are numbers, true, false or null)',
    );
  }

  /**
   * attrPath = [URI ":"] ATTRNAME *1subAttr (RFC 7644 §3.4.2.2 / §3.10), read from `token`
   * before it is consumed (so errors can name the token before it).
   */
  attributeReference(token: Token): AttributeReference {
    if (token.kind !== 'word') this.unexpected('an attribute path', token);
    const text = token.text;
    // The URN itself contains ':' and '.' (`...:enterprise:2.0:User`) while attribute names
    // contain neither ':' nor more than one '.', so split at the last ':' before anything else.
    const colon = text.lastIndexOf(':');
    const uri = colon >= 0 ? text.slice(0, colon) : undefined;
    const rest = text.slice(colon + 1);
    if (uri !== undefined && !schemaUriPattern.test(uri)) {
      this.fail(
        `invalid schema URI ${quote(uri)} in attribute path at position ${token.start}`,
        token.start,
      );
    }
    if (rest === '') {
      this.fail(
        `expected an attribute name after the schema URI at position ${token.end}`,
        token.end,
      );
    }
    const parts = rest.split('.');
    if (parts.length > 2) {
      this.fail(
        `invalid attribute path ${quote(text)} at position ${token.start}: at most one sub-attribute ('name.subAttribute') is allowed`,
        token.start,
      );
    }
    const name = this.attributeName(parts[0] ?? '', token);
    const reference: { uri?: string; name: string; subAttribute?: string } = { name };
    if (uri !== undefined) reference.uri = uri;
    if (parts.length === 2) reference.subAttribute = this.attributeName(parts[1] ?? '', token);
    return reference;
  }

  attributeName(name: string, token: Token): string {
    if (attributeNamePattern.test(name)) return name;
    if (token.kind === 'word' && token.text === name) this.unexpected('an attribute path', token);
    this.fail(
      `invalid attribute name ${quote(name)} in ${quote(tokenText(token))} at position ${token.start}: a name starts with a letter and contains letters, digits, '-' and '_'`,
      token.start,
    );
  }
}

/**
 * Shared entry point of `parseFilter` and `parsePath`: size checks, lexing, and turning every
 * failure into a ParseResult so that no input can make the caller throw.
 */
export function runParser<T>(
  input: string,
  subject: Subject,
  parse: (parser: FilterParser) => T,
): ParseResult<T> {
  const failure = (message: string, position: number, unstorable?: true): ParseResult<T> => {
    const error: FilterSyntaxError = { message, position, unstorable };
    return { ok: false, error };
  };
  if (typeof input !== 'string') return failure(`${subject} must be a string`, 0);
  if (input.length > maxInputLength) {
    return failure(
      `${subject} is too long: ${input.length} characters, at most ${maxInputLength}`,
      maxInputLength,
    );
  }
  if (input.trim() === '') return failure(`empty ${subject}`, 0);
  // Raw, as a query string's %00 arrives; escaped ones are found by the lexer once decoded.
  const problem = unstorableText(input);
  if (problem !== undefined) return failure(`the ${subject} holds ${problem}`, 0, true);
  try {
    return { ok: true, value: parse(new FilterParser(tokenize(input), subject)) };
  } catch (error) {
    if (error instanceof ParseFailure) {
      return failure(error.message, error.position, error.unstorable);
    }
    // Defensive: the limits above should make this unreachable (e.g. no stack overflow).
    return failure(`${subject} could not be parsed`, 0);
  }
}

/** Parses a SCIM filter (RFC 7644 §3.4.2.2). Never throws. */
export function parseFilter(input: string): ParseResult<Filter> {
  return runParser(input, 'filter', (parser) => {
    const filter = parser.parseOr(false);
    parser.expectEnd("'and' or 'or'");
    return filter;
  });
}
