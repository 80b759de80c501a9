/**
 * Web console sessions: an admin key is exchanged once for a session id, which the browser keeps
 * in an HttpOnly cookie; the key itself never reaches the browser again and is not stored.
 *
 * - Stored in the database (not an instance's memory), so every instance behind a load balancer
 *   knows every session, and signing out ends it everywhere.
 * - Only hashes are stored: of the session id and of the admin key. The caller is worked out
 *   from the key's hash on every request (`adminKeys.authenticateHash`), so revoking the key,
 *   or changing the operator key, ends its sessions on their next request.
 * - A session ends `idleMinutes` after its last request, and `maxHours` after it was opened.
 *   Ended sessions are deleted when next presented, and all of them at each sign-in.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { AdminCaller, AdminKeys } from './admin-keys.ts';
import type { Clock } from './clock.ts';
import { assertThat } from './errors.ts';
import type { ConsoleSession } from './model.ts';
import { hashSecret } from './secrets.ts';

export interface ConsoleSessionPolicy {
  readonly idleMinutes: number;
  readonly maxHours: number;
}

export const DEFAULT_CONSOLE_SESSIONS: ConsoleSessionPolicy = { idleMinutes: 30, maxHours: 12 };

/** The last-seen time is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

/** A session that is open now, with the caller its key stands for. */
export interface OpenSession {
  readonly session: ConsoleSession;
  readonly caller: AdminCaller;
}

const minutes = (iso: string, count: number) =>
  new Date(Date.parse(iso) + count * 60_000).toISOString();

export function createConsoleSessions({
  store,
  clock,
  adminKeys,
  policy = DEFAULT_CONSOLE_SESSIONS,
}: {
  store: Store;
  clock: Clock;
  adminKeys: AdminKeys;
  policy?: ConsoleSessionPolicy;
}) {
  const idleSince = (now: string) => minutes(now, -policy.idleMinutes);

  return {
    policy,

    /**
     * Opens a session for whoever holds `key`; undefined when the key is unknown or revoked.
     * The session id is returned this once: only its hash is kept.
     */
    async open(key: string): Promise<(OpenSession & { readonly sessionId: string }) | undefined> {
      const keyHash = hashSecret(key);
      const caller = await adminKeys.authenticateHash(keyHash);
      if (!caller) return undefined;
      const now = clock.now();
      await store.consoleSessions.prune(now, idleSince(now));
      const sessionId = randomBytes(32).toString('base64url');
      const session: ConsoleSession = {
        idHash: hashSecret(sessionId),
        keyHash,
        accountId: caller.kind === 'account' ? caller.accountId : null,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: minutes(now, policy.maxHours * 60),
      };
      await store.consoleSessions.insert(session);
      return { sessionId, session, caller };
    },

    /** The open session with this id, or undefined (unknown, ended, or its key revoked). */
    async resume(sessionId: string): Promise<OpenSession | undefined> {
      const idHash = hashSecret(sessionId);
      const session = await store.consoleSessions.find(idHash);
      if (!session) return undefined;
      const now = clock.now();
      const ended = session.expiresAt <= now || session.lastSeenAt <= idleSince(now);
      const caller = ended ? undefined : await adminKeys.authenticateHash(session.keyHash);
      if (!caller) {
        await store.consoleSessions.delete(idHash);
        return undefined;
      }
      if (Date.parse(now) - Date.parse(session.lastSeenAt) > TOUCH_INTERVAL_MS) {
        await store.consoleSessions.update(idHash, { lastSeenAt: now });
        return { session: { ...session, lastSeenAt: now }, caller };
      }
      return { session, caller };
    },

    /**
     * The operator's session shows `accountId` from now on (null: none). An account key's
     * session stays on its own account.
     */
    async showAccount(open: OpenSession, accountId: string | null): Promise<OpenSession> {
      assertThat(
        open.caller.kind === 'operator' || accountId === open.caller.accountId,
        'account.not_found',
        `no account with id '${accountId}'`,
      );
      if (accountId !== null) {
        assertThat(
          await store.accounts.findById(accountId),
          'account.not_found',
          `no account with id '${accountId}'`,
        );
      }
      await store.consoleSessions.update(open.session.idHash, { accountId });
      return { ...open, session: { ...open.session, accountId } };
    },

    /** Ends the session now; says whether there was one. */
    close(sessionId: string): Promise<boolean> {
      return store.consoleSessions.delete(hashSecret(sessionId));
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;
