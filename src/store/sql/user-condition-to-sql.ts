/**
 * Compiles a `UserCondition` to a parameterised SQL boolean over `users as u` (and, inside
 * `some`, `user_values as v`).
 *
 * Two-valued logic: `not` is pushed down to the leaves (De Morgan), and every leaf has a positive
 * and a negative form. A positive leaf may yield NULL for an absent value, which WHERE treats as
 * false; since nothing above it negates, that is the same as false. Negative forms spell out
 * the absent case (`x IS NULL OR x <> v`), so `not` is always the exact complement.
 */

import type {
  Comparison,
  ElementField,
  Operand,
  UserCondition,
  UserField,
} from '../../directory/user-query.ts';
import type { DialectQuirks, JsonKind } from './dialect-quirks.ts';
import { type SqlFragment, sql } from './sql-fragment.ts';
import { type ColumnInfo, userColumns } from './user-columns.ts';

type Bool = SqlFragment;
type Field = UserField | ElementField;

const NUL = '\u0000';
const TRUE: Bool = sql`(1 = 1)`;
const FALSE: Bool = sql`(1 = 0)`;

/** Element sub-attributes with their own column; all others are read from `data`. */
const elementColumns: Readonly<Record<string, ColumnInfo>> = {
  value: { column: 'v.value', kind: 'text', lower: 'v.value_lower' },
  type: { column: 'v.type', kind: 'text' },
  display: { column: 'v.display', kind: 'text' },
  primary: { column: 'v.is_primary', kind: 'boolean' },
};

function operandKind(value: Exclude<Operand, null>): JsonKind {
  if (typeof value === 'string') return 'text';
  return typeof value === 'number' ? 'number' : 'boolean';
}

/** `%`, `_` and the escape character itself are literal in SCIM's co/sw/ew. */
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export function userConditionToSql(
  condition: UserCondition,
  accountId: string,
  quirks: DialectQuirks,
): SqlFragment {
  const columnTarget = (info: ColumnInfo, kind: JsonKind, caseExact: boolean) => {
    if (info.kind !== kind) return undefined;
    if (kind !== 'text' || caseExact) return sql.ref(info.column);
    return info.lower ? sql.ref(info.lower) : sql`lower(${sql.ref(info.column)})`;
  };

  const jsonTarget = (
    column: string,
    path: readonly string[],
    kind: JsonKind,
    caseExact: boolean,
  ) => {
    const value = quirks.jsonValue(sql.ref(column), path, kind);
    return kind === 'text' && !caseExact ? sql`lower(${value})` : value;
  };

  /** The SQL value to compare with an operand of `kind`; NULL when absent; undefined: never. */
  function target(field: Field, kind: JsonKind, caseExact: boolean): SqlFragment | undefined {
    switch (field.kind) {
      case 'column':
        return columnTarget(userColumns[field.column], kind, caseExact);
      case 'profile':
        return jsonTarget('u.profile', field.path, kind, caseExact);
      case 'element': {
        element(field);
        const info = field.path.length === 1 ? elementColumns[field.path[0] as string] : undefined;
        return info && info.kind === kind
          ? columnTarget(info, kind, caseExact)
          : jsonTarget('v.data', field.path, kind, caseExact);
      }
    }
  }

  /** Whether `compile` is inside a `some`, where element fields (`v.*`) are in scope. */
  let inElement = false;
  const element = (field: ElementField): ElementField => {
    if (!inElement) throw new Error(`element field ${field.path.join('.')} outside 'some'`);
    return field;
  };

  /** Never NULL. */
  function present(field: Field): Bool {
    switch (field.kind) {
      case 'column': {
        const info = userColumns[field.column];
        const column = sql.ref(info.column);
        return info.kind === 'text'
          ? sql`(${column} is not null and ${column} <> '')`
          : sql`(${column} is not null)`;
      }
      case 'profile':
        return quirks.jsonPresent(sql.ref('u.profile'), field.path);
      case 'element':
        // `data` holds every sub-attribute, including values the columns do not keep.
        return quirks.jsonPresent(sql.ref('v.data'), element(field).path);
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

  function compile(condition: UserCondition, negated: boolean): Bool {
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
        inElement = true;
        const inner = compile(condition.condition, false);
        inElement = false;
        const where = sql`v.account_id = ${accountId} and v.attribute = ${condition.attribute} and ${inner}`;
        // Positive: IN, so the (account_id, attribute, value_lower) index can drive the query.
        // Negated: NOT EXISTS, which PostgreSQL runs as an anti-join; NOT IN over a large
        // subquery can degrade to a rescan per user.
        return negated
          ? sql`(not exists (select 1 from user_values as v where v.user_id = u.id and ${where}))`
          : sql`(u.id in (select v.user_id from user_values as v where ${where}))`;
      }
    }
  }

  return compile(condition, false);
}
