/**
 * Sorting and paging for users and groups. Order: the sort value (NULLs last in both
 * directions), then `seq` ascending, so equal values keep creation order and every position is
 * unique. A cursor is base64url JSON of the last row's sort value and seq, plus the sort it
 * belongs to.
 */

import type { PageRequest, Sort } from '../../directory/query.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import type { PagePositions } from './page-positions.ts';
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

/** Page numbers past this would overflow a 32-bit integer in the database. */
const MAX_PAGE_NUMBER = 2_147_483_647;

/** One page of a resource table's rows, with the total and, for cursor pages, the next key. */
export interface RowPage<Row> {
  readonly rows: Row[];
  readonly total: number;
  readonly nextKey?: string | undefined;
}

export interface PageQuery {
  /** The table and its alias, as in `from users u`. */
  readonly table: 'users' | 'groups';
  readonly alias: 'u' | 'g';
  /** The rows of the query: the account's, matching the condition. */
  readonly matching: SqlFragment;
  readonly plan: SortPlan;
  readonly page: PageRequest;
  /** The total an earlier page of the same cursor walk reported, which is not counted again. */
  readonly knownTotal: number | undefined;
  /** At most one row can match (a unique key is pinned): no order to keep. */
  readonly single?: boolean;
  /**
   * Columns a single-row read adds to the row (`single`, first page): one statement reads what
   * would otherwise take a second one. Pages of several rows do not get them.
   */
  readonly singleRowColumns?: SqlFragment | undefined;
  /** Counts the matching rows without a COUNT over them (user_counts), when the store can. */
  readonly count?: (() => Promise<number>) | undefined;
  /**
   * Where earlier index pages of this listing ended (page-positions.ts), for listings in
   * creation order: the listing's key there, and the cache.
   */
  readonly positions?: { readonly listing: string; readonly cache: PagePositions } | undefined;
}

/**
 * One page by index (RFC 7644 §3.4.2.4, LIMIT/OFFSET) or by cursor (RFC 9865, keyset after
 * `page.after`). The total is counted only when neither the cursor nor the page itself proves
 * it, so identity lookups and short walks never pay a COUNT.
 */
export async function selectPage<Row extends { seq: unknown }>(
  run: <R>(fragment: SqlFragment) => Promise<R[]>,
  quirks: DialectQuirks,
  query: PageQuery,
): Promise<RowPage<Row>> {
  const { table, alias, matching, plan, page } = query;
  const from = sql.raw(`${table} ${alias}`);
  const countAll =
    query.count ??
    (async () => {
      const [row] = await run<{ total: unknown }>(
        sql`select count(*) as total from ${from} where ${matching}`,
      );
      return quirks.readInt(row?.total);
    });
  // Absurd startIndex/count values never reach the database as out-of-range integers.
  const limit = Math.min(Math.floor(page.limit), MAX_PAGE_NUMBER);
  if (!(limit > 0)) return { rows: [], total: query.knownTotal ?? (await countAll()) };

  const seq = `${alias}.seq`;
  const sortValue = plan.expr ? sql`, ${plan.expr} as sort_value` : sql.raw('');
  const order = plan.expr
    ? sql`${plan.expr} ${sql.raw(plan.descending ? 'desc' : 'asc')} nulls last, ${sql.ref(seq)} asc`
    : sql`${sql.ref(seq)} asc`;
  const select = (where: SqlFragment, tail: SqlFragment) =>
    run<Row & { sort_value?: unknown }>(
      sql`select ${sql.raw(alias)}.*${sortValue} from ${from} where ${where} order by ${order} ${tail}`,
    );

  if (page.kind === 'index') {
    const offset = Math.min(Math.max(0, Math.floor(page.offset)), MAX_PAGE_NUMBER);
    const positions = plan.expr === undefined ? query.positions : undefined;
    const resume = offset > 0 ? positions?.cache.get(positions.listing, offset) : undefined;
    const rows =
      offset === 0 && query.single
        ? // At most one row: no order to keep, and SQLite's sorter costs more than the
          // lookup itself (measured 54 µs against 16 µs).
          await run<Row>(
            query.singleRowColumns === undefined
              ? sql`select ${sql.raw(alias)}.* from ${from} where ${matching}`
              : sql`select ${sql.raw(alias)}.*, ${query.singleRowColumns} from ${from} where ${matching}`,
          )
        : resume !== undefined
          ? // Where the page before this one ended: this page's rows only, whatever the offset.
            await select(sql`${matching} and ${sql.ref(seq)} > ${resume}`, sql`limit ${limit}`)
          : await select(matching, sql`limit ${limit} offset ${offset}`);
    const last = rows.at(-1);
    if (positions && last !== undefined && rows.length === limit) {
      positions.cache.set(positions.listing, offset + limit, quirks.readInt(last.seq));
    }
    // A page that is neither full nor empty past the start proves the total by itself:
    // every identity lookup (userName eq, externalId eq) is answered without a COUNT.
    const proven =
      rows.length < limit && (rows.length > 0 || offset === 0) ? offset + rows.length : undefined;
    return { rows, total: proven ?? (await countAll()) };
  }
  const where =
    page.after === undefined
      ? matching
      : sql`${matching} and ${afterCursor(plan, page.after, seq)}`;
  // One extra row tells whether another page follows.
  const rows = await select(where, sql`limit ${limit + 1}`);
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const nextKey =
    rows.length > limit && last !== undefined
      ? encodeCursor(plan, last.sort_value, quirks.readInt(last.seq))
      : undefined;
  const proven = page.after === undefined && nextKey === undefined ? rows.length : undefined;
  return { rows: pageRows, total: query.knownTotal ?? proven ?? (await countAll()), nextKey };
}

/** Rows strictly after the cursor's position in the plan's order. */
function afterCursor(plan: SortPlan, cursor: string, seqColumn: string): SqlFragment {
  const { v, s } = decodeCursor(plan, cursor);
  const seq = sql.ref(seqColumn);
  const e = plan.expr;
  if (e === undefined) return sql`${seq} > ${s}`;
  // NULLs come last, after every value, in both directions.
  if (v === null) return sql`(${e} is null and ${seq} > ${s})`;
  const beyond = plan.descending ? sql`${e} < ${v}` : sql`${e} > ${v}`;
  return sql`(${beyond} or (${e} = ${v} and ${seq} > ${s}) or ${e} is null)`;
}
