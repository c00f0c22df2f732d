import { z } from 'zod';
import { DEFAULT_MAX_RESPONSE_BYTES, egressFetch, isEgressError } from '../egress/index.js';
import { jsonObjectArg, parseArgs, utf8Bytes } from './args.js';
import { HostError } from './errors.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

const MAX_HEADERS = 64;

// Header names and values are vetted by egress; here only the shape, sizes and a plain object
// (a `__proto__` key is refused, not silently dropped as z.record would).
const headers = jsonObjectArg
  .pipe(z.record(z.string().max(256), z.string().max(16 * 1024)))
  .refine((h) => Object.keys(h).length <= MAX_HEADERS, `at most ${MAX_HEADERS} headers`);

const fetchArgs = z.strictObject({
  url: z.string().min(1).max(8 * 1024),
  method: z.string().max(16).optional(),
  headers: headers.optional(),
  body: z.string().optional(),
});

/**
 * `ctx.fetch`, only to the hosts this installation was granted, through egressFetch (allowlist
 * before DNS, no private addresses, pinned connections, secrets in headers, redacted errors).
 * Fetches and body bytes are metered in `usage` and capped per call; the byte budget left also
 * caps the response read, so one large answer cannot overrun it.
 */
export function fetchCapabilities({ installation, secrets, egress, limits, usage }: HostDeps): CapabilityHandlers {
  return {
    fetch: async (args) => {
      if (installation.grantedEgress.length === 0) {
        throw new HostError(
          'FORBIDDEN',
          `this installation of ${installation.pluginId} was granted no egress hosts; a plugin may fetch only from hosts its manifest's egress lists and the tenant granted`,
        );
      }
      const request = parseArgs('fetch', fetchArgs, args);
      if (usage.fetches >= limits.maxFetchesPerCall) {
        throw new HostError('LIMIT_EXCEEDED', `a plugin may fetch at most ${limits.maxFetchesPerCall} times per call`);
      }
      const requestBytes = request.body === undefined ? 0 : utf8Bytes(request.body);
      const left = limits.maxFetchBytesPerCall - usage.fetchBytes - requestBytes;
      if (left < 0) throw budgetSpent(limits.maxFetchBytesPerCall);
      usage.fetches += 1;
      usage.fetchBytes += requestBytes;
      const configuredCap = egress.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const cap = Math.min(configuredCap, left);
      try {
        const response = await egressFetch(request, {
          ...egress,
          allowedHosts: [...installation.grantedEgress],
          secrets,
          maxResponseBytes: cap,
        });
        usage.fetchBytes += utf8Bytes(response.body);
        return { status: response.status, headers: response.headers, body: response.body };
      } catch (e) {
        if (isEgressError(e) && e.code === 'EGRESS_TOO_LARGE' && cap < configuredCap) throw budgetSpent(limits.maxFetchBytesPerCall);
        throw e;
      }
    },
  };
}

const budgetSpent = (max: number) =>
  new HostError('LIMIT_EXCEEDED', `the fetches of one call may send and receive at most ${max} body bytes together`);
