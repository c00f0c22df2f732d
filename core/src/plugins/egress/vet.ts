import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress, isIpLiteralHostname, unbracket } from './address-rules.js';
import { EgressError } from './errors.js';
import type { ResolvedAddress, ResolvedPolicy } from './policy.js';

/** A destination that passed every rule: the host is allowed and these addresses are safe. */
export interface VettedTarget {
  hostname: string;
  addresses: ResolvedAddress[];
}

const defaultLookup = (hostname: string): Promise<ResolvedAddress[]> =>
  dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Checks the allowlist first (so a refused host costs no DNS query and no connection), then
 * resolves and requires EVERY address to be acceptable: a name that resolves to one public and
 * one private address is refused, because which one a client uses is not ours to predict.
 */
export async function vetTarget(url: URL, policy: ResolvedPolicy, signal: AbortSignal): Promise<VettedTarget> {
  // Canonical already: parseTargetUrl read it with the SDK's urlHost.
  const hostname = url.hostname;
  if (!policy.isAllowed(hostname)) {
    throw new EgressError(
      'EGRESS_HOST_NOT_ALLOWED',
      `host '${hostname}' is not in this plugin's allowed hosts; declare it in the manifest's egress hosts and have the installation grant it`,
    );
  }
  const privateOk = policy.mayBePrivate(hostname);
  if (isIpLiteralHostname(hostname)) {
    const address = unbracket(hostname);
    check(hostname, address, privateOk, true);
    return { hostname, addresses: [{ address, family: isIP(address) === 6 ? 6 : 4 }] };
  }
  const mapped = policy.devAddress(hostname);
  if (mapped !== undefined) {
    // The operator's development mapping replaces DNS for this name; it only ever names loopback.
    check(hostname, mapped, true, false);
    return { hostname, addresses: [{ address: mapped, family: isIP(mapped) === 6 ? 6 : 4 }] };
  }
  const addresses = await resolve(hostname, policy, signal);
  for (const { address } of addresses) check(hostname, address, privateOk, false);
  return { hostname, addresses };
}

function check(hostname: string, address: string, privateOk: boolean, literal: boolean): void {
  const verdict = classifyAddress(address);
  if (verdict.kind === 'public' || (verdict.kind === 'private' && privateOk)) return;
  // Resolved addresses are not quoted: the plugin learns the category, not the internal layout.
  const subject = literal ? `address ${address}` : `host '${hostname}' resolves to an address that`;
  throw new EgressError(
    'EGRESS_ADDRESS_BLOCKED',
    `${subject} is not public (${verdict.range}); plugins may only reach public internet addresses`,
  );
}

async function resolve(hostname: string, policy: ResolvedPolicy, signal: AbortSignal): Promise<ResolvedAddress[]> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await abortable((policy.lookup ?? defaultLookup)(hostname), signal);
  } catch (e) {
    if (signal.aborted) throw e;
    const code = (e as { code?: unknown }).code;
    throw new EgressError('EGRESS_FAILED', `could not resolve host '${hostname}'${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  if (!Array.isArray(addresses) || addresses.length === 0) {
    throw new EgressError('EGRESS_FAILED', `could not resolve host '${hostname}' (no addresses)`);
  }
  // Family comes from the address itself, not from what the resolver claims.
  return addresses.map(({ address }) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
}

/** DNS lookups cannot be cancelled; stop waiting for one when the request's deadline passes. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
