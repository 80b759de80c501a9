/**
 * The few places where SQLite and PostgreSQL need different SQL or values. Everything else in
 * `sql/` is dialect-neutral Kysely code.
 */
import { type SqlFragment, sql } from './sql-fragment.ts';

export type Dialect = 'sqlite' | 'postgres';

/** JSON value types we compare against; anything else in the document reads as absent. */
export type JsonKind = 'text' | 'number' | 'boolean';

export interface DialectQuirks {
  readonly dialect: Dialect;
  /** better-sqlite3 cannot bind JS booleans, so SQLite stores 0/1. */
  bool(value: boolean): boolean | number;
  readBool(value: unknown): boolean;
  readJson(value: unknown): unknown;
  /** Count and bigserial results: numbers on SQLite, strings from pg. */
  readInt(value: unknown): number;
  /** The value at `path` in a JSON column if it has `kind`, else NULL. */
  jsonValue(column: SqlFragment, path: readonly string[], kind: JsonKind): SqlFragment;
  /** The value at `path` rendered as text (for sorting), NULL when absent or JSON null. */
  jsonText(column: SqlFragment, path: readonly string[]): SqlFragment;
  /** TRUE when `path` holds a non-null value that is not the empty string; never NULL. */
  jsonPresent(column: SqlFragment, path: readonly string[]): SqlFragment;
  /** Text in byte order on both dialects (PostgreSQL databases may have a linguistic collation). */
  ordered(text: SqlFragment): SqlFragment;
  /** Statement that refreshes planner statistics (after bulk loads, and periodically), if needed. */
  readonly refreshStatistics: SqlFragment | undefined;
}

/** SQLite JSON path; every key quoted because SCIM URNs contain dots and colons. */
function sqlitePath(path: readonly string[]): string {
  return `$${path
    .map((key) => {
      // SQLite's quoted path labels have no escape for a double quote.
      if (key.includes('"')) throw new Error(`unsupported JSON key ${JSON.stringify(key)}`);
      return `."${key}"`;
    })
    .join('')}`;
}

export const sqliteQuirks: DialectQuirks = {
  dialect: 'sqlite',
  bool: (value) => (value ? 1 : 0),
  readBool: (value) => value === 1 || value === true,
  readJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  readInt: (value) => Number(value),
  jsonValue(column, path, kind) {
    const p = sqlitePath(path);
    const type = sql`json_type(${column}, ${p})`;
    switch (kind) {
      case 'text':
        return sql`(case when ${type} = 'text' then json_extract(${column}, ${p}) end)`;
      case 'number':
        return sql`(case when ${type} in ('integer', 'real') then json_extract(${column}, ${p}) end)`;
      case 'boolean':
        return sql`(case ${type} when 'true' then 1 when 'false' then 0 end)`;
    }
  },
  jsonText(column, path) {
    const p = sqlitePath(path);
    // Render booleans like PostgreSQL's #>> does, so both dialects sort the same text.
    return sql`(case json_type(${column}, ${p}) when 'true' then 'true' when 'false' then 'false' when 'null' then null else cast(json_extract(${column}, ${p}) as text) end)`;
  },
  jsonPresent(column, path) {
    const p = sqlitePath(path);
    const type = sql`json_type(${column}, ${p})`;
    return sql`coalesce(${type} <> 'null' and (${type} <> 'text' or json_extract(${column}, ${p}) <> ''), 0)`;
  },
  ordered: (text) => sql`${text}`,
  // Without statistics SQLite prefers the account index over `id IN (elements…)`, scanning
  // every user for an `emails.value eq` filter; `optimize` analyses tables that grew a lot.
  refreshStatistics: sql`pragma optimize`,
};

const pgPath = (path: readonly string[]) => sql`${sql.val(path)}::text[]`;

export const postgresQuirks: DialectQuirks = {
  dialect: 'postgres',
  bool: (value) => value,
  readBool: (value) => value === true,
  readJson: (value) => value,
  readInt: (value) => Number(value),
  jsonValue(column, path, kind) {
    const p = pgPath(path);
    const type = sql`jsonb_typeof(${column} #> ${p})`;
    switch (kind) {
      case 'text':
        return sql`(case when ${type} = 'string' then ${column} #>> ${p} end)`;
      case 'number':
        return sql`(case when ${type} = 'number' then (${column} #>> ${p})::numeric end)`;
      case 'boolean':
        return sql`(case when ${type} = 'boolean' then (${column} #>> ${p})::boolean end)`;
    }
  },
  jsonText: (column, path) => sql`(${column} #>> ${pgPath(path)})`,
  jsonPresent(column, path) {
    const p = pgPath(path);
    const type = sql`jsonb_typeof(${column} #> ${p})`;
    return sql`coalesce(${type} <> 'null' and (${type} <> 'string' or ${column} #>> ${p} <> ''), false)`;
  },
  ordered: (text) => sql`(${text} collate "C")`,
  // Autovacuum analyses PostgreSQL tables soon enough; its default estimates plan these well.
  refreshStatistics: undefined,
};
