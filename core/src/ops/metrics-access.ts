import { createHash, timingSafeEqual } from 'node:crypto';
import type { OpsSettings } from '../config.js';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (how a dual-stack socket reports IPv4 peers). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may read /metrics (it names tenants): a loopback peer (unless turned off), or anyone
 * sending `Authorization: Bearer <MOSAIC_METRICS_TOKEN>`. The token is compared as SHA-256
 * digests in constant time, so neither its content nor its length leaks through timing.
 * The peer is the socket's address, never a forwarded-for header anyone can write.
 */
export function metricsAccess(settings: Pick<OpsSettings, 'metricsToken' | 'metricsFromLoopback'>): (peer: string | undefined, authorization: string | undefined) => boolean {
  const expected = settings.metricsToken === null ? null : digest(settings.metricsToken);
  return (peer, authorization) => {
    if (settings.metricsFromLoopback && isLoopbackAddress(peer)) return true;
    if (!expected || !authorization) return false;
    const match = /^Bearer\s+(\S{1,256})$/i.exec(authorization);
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}
