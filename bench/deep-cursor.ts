/**
 * A genuine deep cursor without walking there: the position encoding and the signed envelope are
 * the server's own (`src/store/sql/keyset-paging.ts`, `src/scim/cursor.ts`), keyed with the secret
 * the bench gives the server (ROSTER_CURSOR_SECRET).
 */
import { createCursorCodec } from '../src/scim/cursor.ts';
import { sqliteQuirks } from '../src/store/sql/dialect-quirks.ts';
import { encodeCursor, sortPlan } from '../src/store/sql/keyset-paging.ts';

/**
 * A cursor for the page after seq `afterSeq`, exactly as the server would issue it when walking
 * there with nextCursor (same store position encoding, same signed envelope and query
 * fingerprint), minted with the server's own codec instead of ~4,500 page requests. The
 * fingerprint format is confirmed against a cursor the server really issued.
 */
export async function deepCursor(
  origin: string,
  headers: Record<string, string>,
  secret: string,
  accountId: string,
  afterSeq: number,
): Promise<string> {
  const codec = createCursorCodec(secret, 600);
  const first = (await (
    await fetch(`${origin}/scim/v2/Users?cursor=&count=100`, { headers })
  ).json()) as { nextCursor?: string; totalResults: number };
  if (!first.nextCursor) throw new Error('the first cursor page has no nextCursor');
  const real = first.nextCursor;
  const fingerprint = JSON.stringify([accountId, '', undefined]);
  if (!codec.decode(real, fingerprint, Date.now()).ok) {
    throw new Error('cannot reproduce the cursor fingerprint; see bench/deep-cursor.ts');
  }
  const position = encodeCursor(sortPlan(undefined, sqliteQuirks), null, afterSeq);
  return codec.encode({ position, total: first.totalResults }, fingerprint, Date.now());
}
