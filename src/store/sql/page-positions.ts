/**
 * Where index pages ended (RFC 7644 §3.4.2.4 `startIndex`), so the next page starts there
 * instead of skipping `startIndex - 1` rows again: an IdP importing page after page (Okta does,
 * by index) then pays for each page's rows only, not for every row before it.
 *
 * An entry is the `seq` of the last row before a position, for one listing of one account in
 * creation order, valid while nothing moved a row of that listing to another position: the
 * listing's `~shifts` count (migration 0011) is part of the key, so any delete or change of
 * manager retires every entry at once. New rows only append and move nothing. Bounded; the
 * oldest entries go first.
 */

const MAX_ENTRIES = 10_000;

export interface PagePositions {
  /** The `seq` of the row at position `offset - 1`, if known. */
  get(listing: string, offset: number): number | undefined;
  set(listing: string, offset: number, seq: number): void;
}

export function createPagePositions(maxEntries = MAX_ENTRIES): PagePositions {
  const entries = new Map<string, number>();
  return {
    get: (listing, offset) => entries.get(`${listing}\u0000${offset}`),
    set(listing, offset, seq) {
      const key = `${listing}\u0000${offset}`;
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, seq);
    },
  };
}
