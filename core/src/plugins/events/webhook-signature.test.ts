import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('verifyWebhookSignature', () => {
  const secret = 'whsec-abc';
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const timestamp = String(now / 1000);
  const text = '{"tracking":"1Z999","status":"delivered"}';
  const body = Buffer.from(text);
  const signature = signWebhook({ secret, timestamp, body: text });
  const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) =>
    verifyWebhookSignature({ secret, timestamp, signature, body, now, ...over });
  const verified = { ok: true, signature: signature.slice('sha256='.length) };

  it('signs HMAC-SHA256 over "timestamp." and the body bytes as sha256=<hex>', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${text}`).digest('hex');
    expect(signature).toBe(`sha256=${expected}`);
    expect(signWebhook({ secret, timestamp, body })).toBe(signature);
    expect(verify()).toEqual(verified);
    // The verified signature comes back in one spelling, so replays can be recognised by it.
    expect(verify({ signature: signature.toUpperCase().replace('SHA256=', 'sha256=') })).toEqual(verified);
  });

  it('tells apart bodies that decode to the same text', () => {
    const sent = Buffer.from([0x7b, 0xff, 0x7d]);
    const forged = Buffer.from([0x7b, 0xfe, 0x7d]);
    expect(sent.toString('utf8')).toBe(forged.toString('utf8'));
    const signed = signWebhook({ secret, timestamp, body: sent });
    expect(verify({ signature: signed, body: sent })).toMatchObject({ ok: true });
    expect(verify({ signature: signed, body: forged })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects another secret, a changed body and a changed timestamp', () => {
    expect(verify({ secret: 'whsec-abd' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ body: Buffer.from(text.replace('delivered', 'returned')) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ timestamp: String(now / 1000 + 1) })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses timestamps outside the tolerance, past or future', () => {
    expect(verify({ now: now + 300_000 })).toEqual(verified);
    expect(verify({ now: now + 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verify({ now: now - 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verify({ now: new Date(now + 30_000), toleranceSeconds: 10 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('rejects missing and malformed headers', () => {
    expect(verify({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ timestamp: '' })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ signature: signature.slice('sha256='.length) })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ signature: `${signature}00` })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ signature: 'sha1=abc' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ timestamp: `${timestamp}.5` })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ timestamp: '-1' })).toEqual({ ok: false, reason: 'malformed' });
  });
});
