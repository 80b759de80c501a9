/**
 * Sorting and keyset paging for users. Order: the sort value (NULLs last in both directions),
 * then `seq` ascending, so equal values keep creation order and every position is unique.
 * A cursor is base64url JSON of the last row's sort value and seq, plus the sort it belongs to.
 */

import type { Sort } from '../../directory/query.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { type SqlFragment, sql } from './sql-fragment.ts';
import { type ColumnInfo, userColumns } from './user-columns.ts';

/** A `nextKey` that this store did not issue for this sort. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('invalid cursor');
  }
}

export interface SortPlan {
  /** NULL-able value the rows are ordered by; undefined: creation order only. */
  readonly expr: SqlFragment | undefined;
  readonly descending: boolean;
  /** Identifies the sort inside cursors, so a cursor from another sort is rejected. */
  readonly key: string;
}

/** Users by default; groups pass their own columns and no profile. */
export function sortPlan(
  sort: Sort<string> | undefined,
  quirks: DialectQuirks,
  columns: Readonly<Record<string, ColumnInfo>> = userColumns,
): SortPlan {
  if (sort === undefined) return { expr: undefined, descending: false, key: 'seq' };
  const key = JSON.stringify([sort.field, sort.descending, sort.caseExact]);
  const { field } = sort;
  if (field.kind === 'column') {
    const info = columns[field.column];
    if (!info) return { expr: undefined, descending: false, key: 'seq' };
    if (info.kind !== 'text')
      return { expr: sql`${sql.ref(info.column)}`, descending: sort.descending, key };
    const value = sort.caseExact
      ? sql.ref(info.column)
      : info.lower
        ? sql.ref(info.lower)
        : sql`lower(${sql.ref(info.column)})`;
    return { expr: quirks.ordered(value), descending: sort.descending, key };
  }
  // Profile values sort as text on both dialects (numbers therefore lexically).
  const text = quirks.jsonText(sql.ref('u.profile'), field.path);
  const value = sort.caseExact ? text : sql`lower(${text})`;
  return { expr: quirks.ordered(value), descending: sort.descending, key };
}

interface Position {
  readonly k: string;
  readonly v: unknown;
  readonly s: number;
}

export function encodeCursor(plan: SortPlan, value: unknown, seq: number): string {
  const position: Position = { k: plan.key, v: value ?? null, s: seq };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(plan: SortPlan, cursor: string): Position {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const p = position as Partial<Position> | null;
  if (typeof p !== 'object' || p === null || p.k !== plan.key || typeof p.s !== 'number') {
    throw new InvalidCursorError();
  }
  const v = p.v ?? null;
  if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new InvalidCursorError();
  }
  return { k: p.k, v, s: p.s };
}

/** Rows strictly after the cursor's position in the plan's order. */
export function afterCursor(plan: SortPlan, cursor: string, seqColumn = 'u.seq'): SqlFragment {
  const { v, s } = decodeCursor(plan, cursor);
  const seq = sql.ref(seqColumn);
  const e = plan.expr;
  if (e === undefined) return sql`${seq} > ${s}`;
  // NULLs come last, after every value, in both directions.
  if (v === null) return sql`(${e} is null and ${seq} > ${s})`;
  const beyond = plan.descending ? sql`${e} < ${v}` : sql`${e} > ${v}`;
  return sql`(${beyond} or (${e} = ${v} and ${seq} > ${s}) or ${e} is null)`;
}
