/**
 * The column vocabulary every migration shares, per dialect: booleans (integer 0/1 vs boolean),
 * JSON (text vs jsonb), the insertion sequence (autoincrement vs bigserial), and on PostgreSQL
 * the "C" collation for JS-lower-cased keys and ids, so they compare, sort and LIKE-prefix by
 * bytes exactly as on SQLite. Migrations may rely on these never changing meaning.
 */
import { type ColumnDefinitionBuilder, sql } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';

export type Col = (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

export function columnTypes(dialect: Dialect) {
  const pg = dialect === 'postgres';
  const keyText: Col = (c) => (pg ? c.modifyFront(sql`collate "C"`) : c);
  return {
    bool: pg ? 'boolean' : 'integer',
    json: pg ? 'jsonb' : 'text',
    serial: pg ? 'bigserial' : 'integer',
    seqColumn: ((c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement())) as Col,
    keyText,
    notNull: ((c) => c.notNull()) as Col,
  } as const;
}
