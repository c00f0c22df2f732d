/**
 * Outbound HTTP for sandboxed plugins (DESIGN.md decision 3): a plugin's `ctx.fetch` becomes
 * a host call to `egressFetch`, which enforces the installation's EgressPolicy. See README.md
 * in this folder for the rules and the decisions behind them.
 */
export { egressFetch, type EgressResponse } from './egress-fetch.js';
export { EgressError, EGRESS_ERROR_CODES, isEgressError, type EgressErrorCode } from './errors.js';
export {
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  normalizeHostPattern,
  type EgressPolicy,
  type Lookup,
  type ResolvedAddress,
} from './policy.js';
export type { EgressRequest } from './request.js';
export { redact } from './secrets.js';
export { readDevHosts, type DevHosts } from './dev-hosts.js';
export { classifyAddress, type AddressVerdict } from './address-rules.js';
export { egressConnectChannel, type EgressConnectEvent } from './pinned-agent.js';
