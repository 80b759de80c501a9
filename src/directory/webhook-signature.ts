/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme"). The
 * signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the key is the secret's part after
 * `whsec_`, base64-decoded; the signature is HMAC-SHA256 of the content, base64, sent as
 * `v1,<signature>`. Several signatures are separated by spaces, and a receiver accepts the
 * message when any of them verifies: during a secret rotation's overlap Roster signs with the
 * new and the previous secret, so receivers still holding the old one keep verifying.
 * Tested against the `standardwebhooks` package (test/directory/webhook-signature.test.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** Random bytes of a new secret: the specification asks for 24 to 64. */
const SECRET_BYTES = 32;

/** A new endpoint secret: `whsec_` and base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** One `v1,<base64>` signature of a message. */
export function signature(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const mac = createHmac('sha256', keyOf(secret))
    .update(`${messageId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * The three headers of a delivery: the same `messageId` on every attempt of an event (receivers
 * deduplicate by it), this attempt's time, and one signature per secret in `secrets` (the
 * current one first).
 */
export function signedHeaders(
  secrets: readonly string[],
  messageId: string,
  at: Date,
  body: string,
): SignedHeaders {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets
      .map((secret) => signature(secret, messageId, timestamp, body))
      .join(' '),
  };
}
