/**
 * Named prepared statements for the statements Roster runs again and again on PostgreSQL.
 *
 * Kysely hands node-postgres each statement as text and parameters, which pg sends as an
 * unnamed statement: PostgreSQL parses and plans it anew on every execution. For Roster's short
 * hot statements that is most of the server's work: measured on 2026-12-06 (100,000 users,
 * `npm run bench -- --postgres --quick`), naming them raised reads by id from 1,870 to 3,023
 * req/s, `userName eq` from 1,238 to 1,710, PATCH from 391 to 501 and creates from 639 to 885,
 * with PostgreSQL's share of the cores falling by about half (docs/performance.md).
 *
 * A text gets a name the second time it is seen, so one-off texts (an IN list of a size met
 * once, a literal sequencer UPDATE) never take server memory; at most `MAX_NAMED` texts are
 * named for the life of the process, so each connection holds at most that many statements.
 * Statements without parameters (BEGIN, COMMIT) stay on the simple protocol.
 *
 * A prepared statement whose tables changed shape under it (another instance migrating during
 * a rolling upgrade) fails once with "cached plan must not change result type". PostgreSQL
 * re-plans other changes itself; for this one the connection is closed, so that the pool
 * replaces it with one that prepares afresh. The request that met it fails (its transaction is
 * aborted by the error in any case); the next ones on that connection do not.
 */
import type pg from 'pg';

/** Texts named over the life of the process; beyond it, statements run unnamed. */
export const MAX_NAMED = 200;

/** Texts seen once, waiting for a second sighting; emptied when it reaches this size. */
const MAX_SEEN_ONCE = 2_000;

/** PostgreSQL's SQLSTATE for "cached plan must not change result type" (feature_not_supported). */
const CACHED_PLAN_CHANGED = '0A000';

export interface StatementNames {
  /** The name to prepare `text` under, or undefined to run it unnamed this time. */
  nameFor(text: string): string | undefined;
  /** How many texts have names. */
  size(): number;
}

/** One registry per pool: every connection of it prepares a text under the same name. */
export function createStatementNames(maxNamed = MAX_NAMED): StatementNames {
  const named = new Map<string, string>();
  let seenOnce = new Set<string>();
  return {
    nameFor(text) {
      const name = named.get(text);
      if (name !== undefined) return name;
      if (!seenOnce.has(text)) {
        if (seenOnce.size >= MAX_SEEN_ONCE) seenOnce = new Set();
        seenOnce.add(text);
        return undefined;
      }
      if (named.size >= maxNamed) return undefined;
      seenOnce.delete(text);
      const fresh = `roster_${named.size + 1}`;
      named.set(text, fresh);
      return fresh;
    },
    size: () => named.size,
  };
}

type Query = (...args: unknown[]) => unknown;

/**
 * Makes `client` run parameterized statements through `names`. Only the (text, values) form
 * Kysely uses is rewritten; every other call passes through unchanged.
 */
export function prepareRepeatedStatements(client: pg.PoolClient, names: StatementNames): void {
  const query = client.query.bind(client) as Query;
  const rewritten: Query = (...args) => {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values)) {
      return query(...args);
    }
    const name = values.length > 0 ? names.nameFor(text) : undefined;
    if (name === undefined) return query(text, values);
    const result = query({ name, text, values }) as Promise<unknown>;
    return result.catch((error: unknown) => {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (code === CACHED_PLAN_CHANGED && String(message).includes('cached plan')) {
        void client.end();
      }
      throw error;
    });
  };
  (client as unknown as { query: Query }).query = rewritten;
}
