import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-mosaic-timestamp';
export const SIGNATURE_HEADER = 'x-mosaic-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

export type SignatureCheck =
  /** `signature` is the verified MAC as lowercase hex: the key under which replays are refused. */
  | { ok: true; signature: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

function digest(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/**
 * The signature header value a sender puts on a request: HMAC-SHA256 of `${timestamp}.` followed
 * by the body's bytes, keyed with the webhook's secret, as `sha256=<hex>`. `timestamp` is Unix
 * seconds; a string body is signed as its UTF-8 bytes.
 *
 * @example
 * const timestamp = Math.floor(Date.now() / 1000);
 * const body = JSON.stringify({ tracking: '1Z999', status: 'delivered' });
 * await fetch(url, {
 *   method: 'POST', body,
 *   headers: { 'x-mosaic-timestamp': String(timestamp), 'x-mosaic-signature': signWebhook({ secret, timestamp, body }) },
 * });
 */
export function signWebhook({ secret, timestamp, body }: { secret: string; timestamp: string | number; body: string | Uint8Array }): string {
  return `sha256=${digest(secret, String(timestamp), body).toString('hex')}`;
}

/**
 * Checks a signed inbound request over its raw body bytes (never over decoded text: decoding
 * maps different invalid byte sequences to the same characters, so one signature would cover
 * several bodies). The timestamp is inside the signed bytes, so a captured request cannot be
 * given a fresh timestamp, and one older (or further in the future) than the tolerance is
 * refused. The comparison takes the same time wherever the bytes differ. Replays within the
 * tolerance are the caller's to refuse, keyed by the returned `signature`.
 */
export function verifyWebhookSignature({
  secret, timestamp, signature, body, now = Date.now(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
}: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The body exactly as received. */
  body: Uint8Array;
  now?: Date | number;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  const given = SIGNATURE.exec(signature.trim());
  if (!given || !TIMESTAMP.test(timestamp)) return { ok: false, reason: 'malformed' };
  const nowSeconds = Math.floor(Number(now) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = digest(secret, timestamp, body);
  return timingSafeEqual(expected, Buffer.from(given[1]!, 'hex')) ? { ok: true, signature: expected.toString('hex') } : { ok: false, reason: 'mismatch' };
}
