import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('verifyWebhookSignature', () => {
  const secret = 'whsec-abc';
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const timestamp = String(now / 1000);
  const body = '{"tracking":"1Z999","status":"delivered"}';
  const signature = signWebhook({ secret, timestamp, body });
  const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) =>
    verifyWebhookSignature({ secret, timestamp, signature, body, now, ...over });

  it('signs HMAC-SHA256 over "timestamp.body" as sha256=<hex>', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signature).toBe(`sha256=${expected}`);
    expect(verify()).toEqual({ ok: true });
    expect(verify({ signature: signature.toUpperCase().replace('SHA256=', 'sha256=') })).toEqual({ ok: true });
    expect(verify({ body: Buffer.from(body) })).toEqual({ ok: true });
  });

  it('rejects another secret, a changed body and a changed timestamp', () => {
    expect(verify({ secret: 'whsec-abd' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ body: body.replace('delivered', 'returned') })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ timestamp: String(now / 1000 + 1) })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses timestamps outside the tolerance, past or future', () => {
    expect(verify({ now: now + 300_000 })).toEqual({ ok: true });
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
