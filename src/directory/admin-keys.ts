/**
 * Admin API keys. The operator key (from ROSTER_ADMIN_KEY, or generated once per deployment and
 * kept hashed in the settings) acts on every account; account admin keys act on one account.
 * Only hashes are stored; every comparison is constant-time, as for SCIM tokens.
 */
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { assertThat } from './errors.ts';
import { newId } from './ids.ts';
import type { AdminKey } from './model.ts';
import { hashSecret, newSecret, sameHash, secretHint } from './secrets.ts';

/** Settings key of the generated operator key's hash. */
const OPERATOR_SETTING = 'admin-operator-key-hash';
const OPERATOR_PREFIX = 'roster_operator_';
const ACCOUNT_PREFIX = 'roster_admin_';
/** last-used time is written at most this often per key. */
const TOUCH_INTERVAL_MS = 60_000;

export type AdminCaller =
  | { readonly kind: 'operator' }
  | {
      readonly kind: 'account';
      readonly accountId: string;
      readonly keyId: string;
      readonly prefix: string;
    };

export function createAdminKeys({ store, clock }: { store: Store; clock: Clock }) {
  let operatorHash: string | undefined;
  const touchedAt = new Map<string, number>();

  /**
   * Who holds the key with this hash, or undefined for an unknown or revoked key: for a
   * console session, which keeps only the hash of the key it was opened with, so revoking
   * the key (or changing the operator key) ends the session on its next request.
   */
  async function authenticateHash(hash: string): Promise<AdminCaller | undefined> {
    operatorHash ??= await store.settings.get(OPERATOR_SETTING);
    if (operatorHash !== undefined && sameHash(operatorHash, hash)) return { kind: 'operator' };
    const record = await store.adminKeys.findByHash(hash);
    // The lookup was by hash; compare again in constant time so equality never short-circuits.
    if (!record || !sameHash(record.hash, hash) || record.revokedAt !== null) return undefined;
    const nowMs = Date.now();
    if (nowMs - (touchedAt.get(record.id) ?? 0) > TOUCH_INTERVAL_MS) {
      if (touchedAt.size > 10_000) touchedAt.clear();
      touchedAt.set(record.id, nowMs);
      await store.adminKeys.touch(record.id, clock.now());
    }
    return {
      kind: 'account',
      accountId: record.accountId,
      keyId: record.id,
      prefix: record.prefix,
    };
  }

  return {
    /**
     * Settles the operator key at start-up: the configured one, else the stored one, else a new
     * one, returned here (the only time it exists outside the caller's hands). Instances starting
     * together on an empty database agree on one key; only the one that stored it gets it back.
     */
    async ensureOperatorKey(configured?: string): Promise<{ freshKey: string | undefined }> {
      if (configured !== undefined) {
        operatorHash = hashSecret(configured);
        return { freshKey: undefined };
      }
      const candidate = newSecret(OPERATOR_PREFIX);
      const stored = await store.settings.insertIfAbsent(OPERATOR_SETTING, hashSecret(candidate));
      operatorHash = stored ? hashSecret(candidate) : await store.settings.get(OPERATOR_SETTING);
      return { freshKey: stored ? candidate : undefined };
    },

    /** Who presents `key`, or undefined for an unknown or revoked key. */
    authenticate(key: string): Promise<AdminCaller | undefined> {
      return authenticateHash(hashSecret(key));
    },

    authenticateHash,

    /** A new account admin key; the key itself is returned once and never stored. */
    async issue(accountId: string, name: string): Promise<{ key: string; record: AdminKey }> {
      const key = newSecret(ACCOUNT_PREFIX);
      const record: AdminKey = {
        id: newId(),
        accountId,
        name,
        prefix: secretHint(key),
        hash: hashSecret(key),
        createdAt: clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.adminKeys.insert(record);
      return { key, record };
    },

    list(accountId: string): Promise<AdminKey[]> {
      return store.adminKeys.list(accountId);
    },

    /** Stops the key at once (no cache stands in the way); revoking twice keeps the first time. */
    async revoke(accountId: string, id: string): Promise<void> {
      const revoked = await store.adminKeys.revoke(accountId, id, clock.now());
      assertThat(revoked, 'admin_key.not_found', `no admin key with id '${id}' in this account`);
    },
  };
}

export type AdminKeys = ReturnType<typeof createAdminKeys>;
