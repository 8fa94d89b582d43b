import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the receiver checks
 * `webhook-signature` = `v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`, one entry
 * per valid secret, separated by spaces, so a secret can be rotated without a gap.
 */

export const WEBHOOK_HEADERS = {
  Id: 'webhook-id',
  Timestamp: 'webhook-timestamp',
  Signature: 'webhook-signature',
} as const;

const SECRET_PREFIX = 'whsec_';

/** A new secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) throw new Error('a webhook secret holds at least 16 bytes');
  return key;
}

export function signPayload(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const mac = createHmac('sha256', keyOf(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one delivery attempt, signed with every secret still valid. */
export function signatureHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  if (secrets.length === 0) throw new Error('no secret to sign with');
  return {
    [WEBHOOK_HEADERS.Id]: id,
    [WEBHOOK_HEADERS.Timestamp]: String(timestampSeconds),
    [WEBHOOK_HEADERS.Signature]: secrets
      .map((secret) => signPayload(secret, id, timestampSeconds, body))
      .join(' '),
  };
}

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** What a receiver does: a signature by one of its secrets, on a recent timestamp. */
export function verifySignature(
  secret: string,
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): VerifyResult {
  const id = headers[WEBHOOK_HEADERS.Id];
  const timestamp = Number(headers[WEBHOOK_HEADERS.Timestamp]);
  const signatures = headers[WEBHOOK_HEADERS.Signature];
  if (!id || !signatures || !Number.isInteger(timestamp))
    return { ok: false, reason: 'missing headers' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return { ok: false, reason: 'timestamp out of tolerance' };
  const expected = Buffer.from(signPayload(secret, id, timestamp, body).slice(3), 'base64');
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'no matching signature' };
}
