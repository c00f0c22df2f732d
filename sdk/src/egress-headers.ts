/**
 * Request headers a plugin may not set on `ctx.fetch`, shared by core's egress guard and the
 * test harness so both refuse the same names with the same words.
 */

// Routing and framing belong to the host's connection, and the host uses no proxy.
const ROUTING = new Set(['host', 'content-length', 'transfer-encoding', 'proxy']);
/**
 * Claims about where a request comes from or how it arrived. Services behind a proxy trust them
 * for the client's address, scheme and host (allowlists, rate limits, audit logs, generated
 * links), so a plugin setting them could pose as another client or as the proxy itself.
 */
const ORIGIN_CLAIMS = new Set([
  'forwarded', 'via', 'x-forwarded', 'x-real-ip', 'x-client-ip', 'client-ip', 'true-client-ip',
  'cf-connecting-ip', 'fastly-client-ip', 'x-cluster-client-ip', 'x-originating-ip', 'x-remote-ip',
  'x-remote-addr', 'x-host', 'x-original-host', 'x-original-url', 'x-rewrite-url',
]);
const ORIGIN_CLAIM_PREFIXES = ['x-forwarded-'];

/**
 * Why a plugin may not send the header `name` (any case), or undefined when it may. Refused:
 * `host`, `content-length`, `transfer-encoding`, `proxy` and `proxy-*` (routing and framing),
 * and `forwarded`, `via`, `x-forwarded-*`, `x-real-ip` and similar (origin claims).
 *
 * @example
 * refusedHeaderReason('X-Forwarded-For') // "header 'X-Forwarded-For' claims ... may not set it"
 * refusedHeaderReason('authorization')   // undefined
 */
export function refusedHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (ROUTING.has(lower) || lower.startsWith('proxy-')) {
    return `header '${name}' is controlled by the host and may not be set by a plugin`;
  }
  if (ORIGIN_CLAIMS.has(lower) || ORIGIN_CLAIM_PREFIXES.some((p) => lower.startsWith(p))) {
    return `header '${name}' claims a client address, host or protocol to the remote service; a plugin may not set it (the host speaks for itself)`;
  }
  return undefined;
}
