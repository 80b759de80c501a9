/**
 * Compiles a directory condition (`directory/query.ts`) to a parameterised SQL boolean over one
 * resource table: users (`users as u`, elements in `user_values as v`) or groups (`groups as g`,
 * elements in `group_members as m`). `ConditionTable` says where each field lives.
 *
 * Two-valued logic: `not` is pushed down to the leaves (De Morgan), and every leaf has a positive
 * and a negative form. A positive leaf may yield NULL for an absent value, which WHERE treats as
 * false; since nothing above it negates, that is the same as false. Negative forms spell out
 * the absent case (`x IS NULL OR x <> v`), so `not` is always the exact complement.
 */

import type {
  Comparison,
  Condition,
  ElementField,
  Operand,
  Field as ResourceField,
} from '../../directory/query.ts';
import type { DialectQuirks, JsonKind } from './dialect-quirks.ts';
import { type SqlFragment, sql } from './sql-fragment.ts';
import type { ColumnInfo } from './user-columns.ts';

type Bool = SqlFragment;
type Field = ResourceField<string> | ElementField;

/** Where the elements of one multi-valued attribute live in SQL, inside `some`. */
export interface ElementTable {
  /** Sub-attributes with a column of their own. */
  readonly columns: Readonly<Record<string, ColumnInfo>>;
  /** The JSON column holding a whole element (`v.data`); undefined: other sub-attributes are absent. */
  readonly data: string | undefined;
  /** Sub-attributes every element has with the same value (a user's groups are all `direct`). */
  readonly constants?: Readonly<Record<string, string>>;
}

/** Where a resource's fields live in SQL. */
export interface ConditionTable {
  readonly columns: Readonly<Record<string, ColumnInfo>>;
  /** The JSON profile column (`u.profile`); undefined: profile fields are always absent. */
  readonly profile: string | undefined;
  /** Where the elements of `attribute` live. */
  elements(attribute: string): ElementTable;
  /**
   * The resource rows with (or, negated, without) an element of `attribute` satisfying
   * `inner`, which is written over the element alias.
   */
  some(attribute: string, inner: SqlFragment, negated: boolean, accountId: string): SqlFragment;
}

const NUL = '\u0000';
const TRUE: Bool = sql`(1 = 1)`;
const FALSE: Bool = sql`(1 = 0)`;

function operandKind(value: Exclude<Operand, null>): JsonKind {
  if (typeof value === 'string') return 'text';
  return typeof value === 'number' ? 'number' : 'boolean';
}

/** `%`, `_` and the escape character itself are literal in SCIM's co/sw/ew. */
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

const NULL: SqlFragment = sql`null`;

/**
 * A value the store knows without reading a column (a user's groups are all `direct`), standing
 * where a column would. Cast, because a bare parameter has no type for PostgreSQL to infer in
 * `? IS NULL` (the negated form of every comparison): "could not determine data type of
 * parameter" and a 500, where SQLite answers. Every target is therefore a column, a typed
 * expression over one, a typed literal, or NULL; never a bare parameter.
 */
const textLiteral = (value: string): SqlFragment => sql`cast(${value} as text)`;

export function conditionToSql(
  condition: Condition<string>,
  accountId: string,
  quirks: DialectQuirks,
  table: ConditionTable,
): SqlFragment {
  const { columns } = table;
  const columnTarget = (info: ColumnInfo, kind: JsonKind, caseExact: boolean) => {
    if (info.kind !== kind) return undefined;
    if (kind !== 'text' || caseExact) return sql.ref(info.column);
    return info.lower ? sql.ref(info.lower) : sql`lower(${sql.ref(info.column)})`;
  };

  const jsonTarget = (
    column: string | undefined,
    path: readonly string[],
    kind: JsonKind,
    caseExact: boolean,
  ) => {
    if (column === undefined) return NULL;
    const value = quirks.jsonValue(sql.ref(column), path, kind);
    return kind === 'text' && !caseExact ? sql`lower(${value})` : value;
  };

  /** The SQL value to compare with an operand of `kind`; NULL when absent; undefined: never. */
  function target(field: Field, kind: JsonKind, caseExact: boolean): SqlFragment | undefined {
    switch (field.kind) {
      case 'column': {
        const info = columns[field.column];
        return info && columnTarget(info, kind, caseExact);
      }
      case 'profile':
        return jsonTarget(table.profile, field.path, kind, caseExact);
      case 'element': {
        const elements = element(field);
        const name = field.path.length === 1 ? (field.path[0] as string) : undefined;
        const constant = name === undefined ? undefined : elements.constants?.[name];
        if (constant !== undefined) {
          if (kind !== 'text') return undefined;
          return textLiteral(caseExact ? constant : constant.toLowerCase());
        }
        const info = name === undefined ? undefined : elements.columns[name];
        return info && info.kind === kind
          ? columnTarget(info, kind, caseExact)
          : jsonTarget(elements.data, field.path, kind, caseExact);
      }
    }
  }

  /** The elements `compile` is inside (a `some`), whose fields are then in scope. */
  let inElement: ElementTable | undefined;
  const element = (field: ElementField): ElementTable => {
    if (!inElement) throw new Error(`element field ${field.path.join('.')} outside 'some'`);
    return inElement;
  };

  /** Never NULL. */
  function present(field: Field): Bool {
    switch (field.kind) {
      case 'column': {
        const info = columns[field.column];
        if (!info) return FALSE;
        const column = sql.ref(info.column);
        return info.kind === 'text'
          ? sql`(${column} is not null and ${column} <> '')`
          : sql`(${column} is not null)`;
      }
      case 'profile':
        return table.profile === undefined
          ? FALSE
          : quirks.jsonPresent(sql.ref(table.profile), field.path);
      case 'element': {
        const elements = element(field);
        if (elements.data !== undefined) {
          // `data` holds every sub-attribute, including values the columns do not keep.
          return quirks.jsonPresent(sql.ref(elements.data), field.path);
        }
        const name = field.path.length === 1 ? (field.path[0] as string) : undefined;
        if (name !== undefined && elements.constants?.[name] !== undefined) return TRUE;
        const info = name === undefined ? undefined : elements.columns[name];
        if (!info) return FALSE;
        const column = sql.ref(info.column);
        return info.kind === 'text'
          ? sql`(${column} is not null and ${column} <> '')`
          : sql`(${column} is not null)`;
      }
    }
  }

  function compare(
    field: Field,
    op: Comparison,
    operand: Operand,
    caseExact: boolean,
    negated: boolean,
  ): Bool {
    if (operand === null) {
      // `eq null` means absent; `ne null` means present; ordering against null matches nothing.
      if (op === 'eq') return negated ? present(field) : sql`(not ${present(field)})`;
      if (op === 'ne') return negated ? sql`(not ${present(field)})` : present(field);
      return negated ? TRUE : FALSE;
    }
    if (op === 'ne') return compare(field, 'eq', operand, caseExact, !negated);
    if (typeof operand === 'string' && operand.includes(NUL)) {
      // No stored text holds NUL (PostgreSQL rejects it), so such an operand equals or contains
      // nothing, and orders exactly like its prefix before the NUL.
      const prefix = operand.slice(0, operand.indexOf(NUL));
      if (op === 'gt' || op === 'ge') return compare(field, 'gt', prefix, caseExact, negated);
      if (op === 'lt' || op === 'le') return compare(field, 'le', prefix, caseExact, negated);
      return negated ? TRUE : FALSE;
    }
    const kind = operandKind(operand);
    const isLike = op === 'co' || op === 'sw' || op === 'ew';
    const t = target(field, kind, caseExact);
    if (t === undefined || (isLike && kind !== 'text')) return negated ? TRUE : FALSE;

    const value =
      kind === 'text'
        ? caseExact
          ? (operand as string)
          : (operand as string).toLowerCase()
        : kind === 'boolean'
          ? quirks.bool(operand as boolean)
          : operand;
    let positive: Bool;
    if (isLike) {
      const body = escapeLike(value as string);
      const pattern = op === 'co' ? `%${body}%` : op === 'sw' ? `${body}%` : `%${body}`;
      positive = sql`${t} like ${pattern} escape '\\'`;
    } else if (op === 'eq') {
      positive = sql`${t} = ${value}`;
    } else {
      const left = kind === 'text' ? quirks.ordered(t) : t;
      const symbol = op === 'gt' ? '>' : op === 'ge' ? '>=' : op === 'lt' ? '<' : '<=';
      positive = sql`${left} ${sql.raw(symbol)} ${value}`;
    }
    return negated ? sql`(${t} is null or not (${positive}))` : sql`(${positive})`;
  }

  function compile(condition: Condition<string>, negated: boolean): Bool {
    switch (condition.kind) {
      case 'all':
        return negated ? FALSE : TRUE;
      case 'none':
        return negated ? TRUE : FALSE;
      case 'not':
        return compile(condition.condition, !negated);
      case 'and':
      case 'or': {
        const parts = condition.conditions.map((c) => compile(c, negated));
        // De Morgan: a negated AND is an OR of negations, and vice versa.
        const isAnd = (condition.kind === 'and') !== negated;
        if (parts.length === 0) return isAnd ? TRUE : FALSE;
        return sql`(${sql.join(parts, sql.raw(isAnd ? ' and ' : ' or '))})`;
      }
      case 'compare':
        return compare(
          condition.field,
          condition.op,
          condition.value,
          condition.caseExact,
          negated,
        );
      case 'present':
        return negated ? sql`(not ${present(condition.field)})` : present(condition.field);
      case 'some': {
        if (inElement) throw new Error(`'some' cannot nest inside 'some' (${condition.attribute})`);
        inElement = table.elements(condition.attribute);
        const inner = compile(condition.condition, false);
        inElement = undefined;
        return table.some(condition.attribute, inner, negated, accountId);
      }
    }
  }

  return compile(condition, false);
}
