import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { newId } from './ids.ts';
import type { AccessToken } from './model.ts';
import { hashSecret, newSecret, sameHash, secretHint } from './secrets.ts';

const TOKEN_PREFIX = 'roster_';
/** How long a token lookup is trusted before the store is asked again: the revocation delay. */
export const TOKEN_CACHE_MS = 5_000;
/** last-used time is written at most this often per token, to keep reads off the write path. */
const TOUCH_INTERVAL_MS = 60_000;
const CACHE_LIMIT = 10_000;

export function generateToken(): string {
  return newSecret(TOKEN_PREFIX);
}

/** What an admin sees of a token: `active` (no expiry), `expiring` (works until expiresAt, e.g.
 * after a rotation), `expired` or `revoked` (refused). */
export type TokenState = 'active' | 'expiring' | 'expired' | 'revoked';

export function tokenState(token: AccessToken, now: string): TokenState {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt === null) return 'active';
  return token.expiresAt > now ? 'expiring' : 'expired';
}

/** A new token and the record to store for it (its hash and prefix); nothing is written. */
export function mintToken(
  clock: Clock,
  accountId: string,
  appId: string,
  options: { value?: string | undefined; expiresAt?: string | null } = {},
): { token: string; record: AccessToken } {
  const token = options.value ?? generateToken();
  const record: AccessToken = {
    id: newId(),
    accountId,
    appId,
    prefix: secretHint(token),
    hash: hashSecret(token),
    createdAt: clock.now(),
    lastUsedAt: null,
    expiresAt: options.expiresAt ?? null,
    revokedAt: null,
  };
  return { token, record };
}

export interface Authenticated {
  readonly accountId: string;
  readonly tokenId: string;
  readonly appId: string;
}

interface CacheEntry {
  readonly token: AccessToken;
  readonly fetchedAt: number;
}

export function createTokens({ store, clock }: { store: Store; clock: Clock }) {
  const cache = new Map<string, CacheEntry>();
  /** Lookups in flight, by hash: a burst of requests with one token asks the store once. */
  const fetching = new Map<string, Promise<AccessToken | undefined>>();
  /** When each token's last-used time was last written, by token id. */
  const touched = new Map<string, number>();

  function lookup(hash: string): Promise<AccessToken | undefined> {
    let pending = fetching.get(hash);
    if (pending === undefined) {
      pending = store.tokens.findByHash(hash).finally(() => fetching.delete(hash));
      fetching.set(hash, pending);
    }
    return pending;
  }

  function isUsable(token: AccessToken, now: string): boolean {
    return token.revokedAt === null && (token.expiresAt === null || token.expiresAt > now);
  }

  return {
    /** Stores a token's hash and returns the token itself, which is never stored. */
    async issue(
      accountId: string,
      appId: string,
      options: { value?: string | undefined; expiresAt?: string | null } = {},
    ): Promise<{ token: string; record: AccessToken }> {
      const minted = mintToken(clock, accountId, appId, options);
      await store.tokens.insert(minted.record);
      return minted;
    },

    /** The account a bearer token selects, or undefined for an unknown, revoked or expired one. */
    async authenticate(bearer: string): Promise<Authenticated | undefined> {
      const hash = hashSecret(bearer);
      const nowMs = Date.now();
      let entry = cache.get(hash);
      if (!entry || nowMs - entry.fetchedAt > TOKEN_CACHE_MS) {
        const token = await lookup(hash);
        if (!token) {
          cache.delete(hash);
          return undefined;
        }
        if (cache.size >= CACHE_LIMIT) cache.clear();
        entry = { token, fetchedAt: nowMs };
        cache.set(hash, entry);
      }
      // The lookup was by hash; compare again in constant time so equality never short-circuits.
      if (!sameHash(entry.token.hash, hash)) return undefined;
      const now = clock.now();
      if (!isUsable(entry.token, now)) return undefined;
      const { id } = entry.token;
      if (nowMs - (touched.get(id) ?? 0) > TOUCH_INTERVAL_MS) {
        if (touched.size >= CACHE_LIMIT) touched.clear();
        touched.set(id, nowMs);
        await store.tokens.touch(id, now);
      }
      return {
        accountId: entry.token.accountId,
        tokenId: entry.token.id,
        appId: entry.token.appId,
      };
    },

    /**
     * Why `bearer` was refused, for the failed-authentication counts: an unknown token names no
     * account; a revoked or expired one names its account and stored prefix. Only called on the
     * failure path, so it asks the store directly.
     */
    async explainRefusal(bearer: string): Promise<{
      readonly reason: 'unknown' | 'revoked' | 'expired';
      readonly accountId: string | null;
      readonly tokenPrefix: string | null;
    }> {
      const token = await store.tokens.findByHash(hashSecret(bearer));
      if (!token) return { reason: 'unknown', accountId: null, tokenPrefix: null };
      return {
        reason: token.revokedAt !== null ? 'revoked' : 'expired',
        accountId: token.accountId,
        tokenPrefix: token.prefix,
      };
    },

    async revoke(tokenId: string): Promise<void> {
      await store.tokens.revoke(tokenId, clock.now());
      cache.clear();
    },

    /**
     * Forgets cached lookups after tokens changed (rotated, revoked, uninstalled) so this
     * instance applies the change at once; other instances do within TOKEN_CACHE_MS.
     */
    forgetCached(): void {
      cache.clear();
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
