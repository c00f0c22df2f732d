import diagnostics from 'node:diagnostics_channel';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent } from 'undici';
import type { VettedTarget } from './vet.js';

/**
 * Published each time a socket is about to connect: `{ hostname, addresses }`. Lets the audit
 * log (and tests) see exactly where a plugin's request went.
 */
export const egressConnectChannel = diagnostics.channel('mosaic:egress:connect');

export interface EgressConnectEvent {
  hostname: string;
  addresses: LookupAddress[];
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent whose DNS answer is the already-vetted address list. The URL keeps its
 * hostname, so the Host header, TLS SNI and certificate check are for the real name, while the
 * socket can only go where the rules approved: a second, rebound DNS answer is never asked for.
 * One Agent per hop and destroyed after it, so a pooled socket never outlives its vetting.
 */
export function createPinnedAgent(target: VettedTarget): Agent {
  const addresses: LookupAddress[] = target.addresses.map(({ address, family }) => ({ address, family }));
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    if (hostname.toLowerCase().replace(/\.$/, '') !== target.hostname) {
      // Only reachable if undici asked for a different name than the one vetted; refuse.
      const err: NodeJS.ErrnoException = new Error(`egress: unexpected lookup for '${hostname}'`);
      err.code = 'EGRESS_UNVETTED_HOST';
      process.nextTick(callback, err, '', 0);
      return;
    }
    if (egressConnectChannel.hasSubscribers) {
      egressConnectChannel.publish({ hostname: target.hostname, addresses } satisfies EgressConnectEvent);
    }
    // net asks for all addresses when happy-eyeballs (autoSelectFamily) is on, one otherwise.
    if (options.all) process.nextTick(callback, null, addresses);
    else process.nextTick(callback, null, addresses[0]!.address, addresses[0]!.family);
  };
  return new Agent({
    connect: { lookup },
    connections: 1,
    pipelining: 1,
  });
}
