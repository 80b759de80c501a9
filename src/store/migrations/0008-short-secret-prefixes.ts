/**
 * Tokens and admin keys kept 6 characters after their label (13 of a 16-character demo token),
 * which with the stored hash left too little to guess. Existing rows keep at most 8 characters,
 * the same ones `secretHint` (directory/secrets.ts) keeps for new rows: the label
 * (`roster_operator_`, `roster_admin_`, `roster_`) dropped, then the first 8. The audit trail's
 * copies of admin key prefixes are shortened alike. Not reversible: the characters are gone.
 */
import { type Kysely, type Migration, sql } from 'kysely';

/** SQL valid in SQLite and PostgreSQL: `substr` and `LIKE … ESCAPE` behave alike in both. */
function hint(column: string) {
  const c = sql.ref(column);
  return sql<string>`substr(case
    when ${c} like 'roster\\_operator\\_%' escape '\\' then substr(${c}, 17)
    when ${c} like 'roster\\_admin\\_%' escape '\\' then substr(${c}, 14)
    when ${c} like 'roster\\_%' escape '\\' then substr(${c}, 8)
    else ${c} end, 1, 8)`;
}

export const shortSecretPrefixesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const untyped = db as Kysely<Record<string, Record<string, string | null>>>;
    for (const [table, column] of [
      ['access_tokens', 'prefix'],
      ['admin_keys', 'prefix'],
      ['audit_entries', 'actor_prefix'],
    ] as const) {
      await untyped
        .updateTable(table)
        .set({ [column]: hint(column) })
        .where(sql.ref(column), 'is not', null)
        .execute();
    }
  },
  async down() {
    // Nothing to undo: the dropped characters are not kept anywhere.
  },
};
