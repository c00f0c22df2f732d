import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, metricsAccess } from './metrics-access.js';

describe('metrics access', () => {
  it('tells loopback peers, also IPv4-mapped, from every other address', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of [undefined, '', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '0.0.0.0', '::', 'fe80::1', '127.0.0.1.evil']) expect(isLoopbackAddress(a), String(a)).toBe(false);
  });

  it('admits loopback peers unless turned off, and anyone with the token', () => {
    const token = 'a-metrics-token-0123456789';
    const open = metricsAccess({ metricsToken: token, metricsFromLoopback: true });
    expect(open('127.0.0.1', undefined)).toBe(true);
    expect(open('10.1.2.3', undefined)).toBe(false);
    expect(open('10.1.2.3', `Bearer ${token}`)).toBe(true);
    expect(open('10.1.2.3', `bearer ${token}`)).toBe(true);
    for (const wrong of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, token, 'Bearer ', `Basic ${token}`]) expect(open('10.1.2.3', wrong), wrong).toBe(false);
    const closed = metricsAccess({ metricsToken: token, metricsFromLoopback: false });
    expect(closed('127.0.0.1', undefined)).toBe(false);
    expect(closed('127.0.0.1', `Bearer ${token}`)).toBe(true);
    const noToken = metricsAccess({ metricsToken: null, metricsFromLoopback: true });
    expect(noToken('10.1.2.3', 'Bearer anything-at-all-here')).toBe(false);
  });
});
