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
