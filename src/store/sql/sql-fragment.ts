/**
 * SQL text with its parameters, composed like Kysely's `sql` template but rendered by string
 * concatenation. The user statements run on every SCIM request; building them through Kysely's
 * query tree cost more than SQLite's own work (measured: ~50 µs per statement against ~25 µs
 * for the lookup itself). Kysely still executes the result, so transactions are unchanged.
 * Values are always parameters; only `raw` and `ref` put text into the statement, and both
 * take our own constants, never client input.
 */
import type { Dialect } from './dialect-quirks.ts';

/**
 * A statement ready to run: its text for one dialect and its parameters. Plain data, not
 * Kysely's CompiledQuery (whose query node, frozen copies and query id cost allocations on
 * every statement); `execute` (context.ts) makes one only when Kysely runs the statement.
 */
export interface SqlStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export class SqlFragment {
  /** `strings.length === values.length + 1`, as in a template literal. */
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

function build(strings: readonly string[], values: readonly unknown[]): SqlFragment {
  const text: string[] = [strings[0] ?? ''];
  const params: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const after = strings[i + 1] ?? '';
    if (value instanceof SqlFragment) {
      text[text.length - 1] += value.strings[0] ?? '';
      for (let j = 0; j < value.values.length; j++) {
        params.push(value.values[j]);
        text.push(value.strings[j + 1] ?? '');
      }
      text[text.length - 1] += after;
    } else {
      params.push(value);
      text.push(after);
    }
  }
  return new SqlFragment(text, params);
}

/** `sql\`u.id = ${id}\``: interpolated values become parameters, fragments are spliced in. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  return build(strings, values);
}

/** Text put into the statement as is: keywords, operators, our own constants. */
sql.raw = (text: string): SqlFragment => new SqlFragment([text], []);

/** A column reference such as `u.user_name`, quoted per part. */
sql.ref = (name: string): SqlFragment =>
  sql.raw(
    name
      .split('.')
      .map((part) => `"${part}"`)
      .join('.'),
  );

/** One parameter, whatever its type (arrays bind as PostgreSQL arrays). */
sql.val = (value: unknown): SqlFragment => new SqlFragment(['', ''], [value]);

sql.join = (parts: readonly SqlFragment[], separator: SqlFragment = sql.raw(', ')): SqlFragment => {
  const strings: string[] = [''];
  const values: unknown[] = [];
  parts.forEach((part, index) => {
    if (index > 0) {
      strings.push('');
      values.push(separator);
    }
    strings.push('');
    values.push(part);
  });
  return build(strings.slice(0, values.length + 1), values);
};

/** The statement for a dialect: `?` placeholders for SQLite, `$1, $2…` for PostgreSQL. */
export function compile(fragment: SqlFragment, dialect: Dialect): SqlStatement {
  const { strings, values } = fragment;
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    text += (dialect === 'postgres' ? `$${i + 1}` : '?') + (strings[i + 1] ?? '');
  }
  return { sql: text, parameters: values };
}
