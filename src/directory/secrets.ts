/**
 * The secrets Roster issues (SCIM access tokens, admin keys): generated with 256 bits of
 * entropy behind a recognisable prefix, stored only as SHA-256 hashes, compared in constant
 * time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new secret: `prefix` then 32 random bytes, base64url. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * The labels Roster puts before the random part of what it issues (`roster_admin_…`), longest
 * first. A label is the same for every secret of its kind, so it tells nothing apart.
 */
const LABELS = ['roster_operator_', 'roster_admin_', 'roster_'];

/** The most characters of a secret ever stored or shown besides its hash. */
export const SECRET_HINT_CHARS = 8;

/**
 * What is kept to tell secrets apart (the `prefix` of tokens and admin keys): at most 8
 * characters, the first ones after the label, or a configured token's own first 8. With the
 * hash, more would shorten a search for the rest: 13 characters of a 16-character demo token
 * left three to guess. A secret Roster generates keeps 35 of its 43 random characters unknown;
 * a configured one (ROSTER_DEMO_TOKEN, at least 32 characters) at least 24.
 */
export function secretHint(secret: string): string {
  const label = LABELS.find((l) => secret.startsWith(l)) ?? '';
  return secret.slice(label.length, label.length + SECRET_HINT_CHARS);
}

/** What is stored of a secret: its SHA-256, hex. A secret is never stored or logged itself. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether two stored hashes are equal, in time independent of where they differ. */
export function sameHash(expectedHex: string, actualHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const actual = Buffer.from(actualHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
