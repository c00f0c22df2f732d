import { fetch } from 'undici';
import { afterElapsed } from '@mosaic/sandbox';
import { readCappedBody } from './body.js';
import { EgressError, isEgressError } from './errors.js';
import { createPinnedAgent } from './pinned-agent.js';
import { resolvePolicy, type EgressPolicy } from './policy.js';
import { isRedirect, nextHop } from './redirects.js';
import { prepareRequest, type EgressRequest } from './request.js';
import { redact } from './secrets.js';
import { vetTarget } from './vet.js';

export interface EgressResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The URL that produced this response, after redirects. */
  url: string;
}

/**
 * A plugin's `ctx.fetch`, executed by the host under the installation's policy. Every failure
 * is an EgressError with a stable code and a message with all secret values redacted.
 */
export async function egressFetch(request: EgressRequest, policy: EgressPolicy): Promise<EgressResponse> {
  const secrets = policy?.secrets ?? {};
  try {
    return await run(request, policy, secrets);
  } catch (e) {
    // A fresh error, so neither message nor stack carries anything unredacted.
    throw isEgressError(e)
      ? new EgressError(e.code, redact(e.message, secrets))
      : new EgressError('EGRESS_FAILED', redact(`egress failed: ${describe(e)}`, secrets));
  }
}

async function run(request: EgressRequest, policy: EgressPolicy, secrets: Record<string, string>): Promise<EgressResponse> {
  const rules = resolvePolicy(policy);
  let hop = prepareRequest(request, rules.secrets);
  const controller = new AbortController();
  const timeout = new EgressError(
    'EGRESS_TIMEOUT',
    `request to ${hop.url.origin} did not complete within ${rules.timeoutMs} ms (DNS, connect, redirects and body together)`,
  );
  // Never aborts before the reported timeout has passed (see afterElapsed).
  const cancelTimeout = afterElapsed(rules.timeoutMs, () => controller.abort(timeout));
  const { signal } = controller;
  try {
    for (let redirects = 0, from: URL | undefined; ; redirects++) {
      const target = await vetTarget(hop.url, rules, signal).catch((e: unknown) => {
        // Tell the author the refused URL came from the server, not from their own code.
        throw from && isEgressError(e) ? new EgressError(e.code, `${e.message} (reached by a redirect from ${from.href})`) : e;
      });
      const agent = createPinnedAgent(target);
      try {
        const res = await fetch(hop.url, {
          method: hop.method,
          headers: hop.headers,
          body: hop.body,
          redirect: 'manual',
          dispatcher: agent,
          signal,
        });
        const location = res.headers.get('location');
        if (isRedirect(res.status) && location !== null) {
          await res.body?.cancel().catch(() => {});
          if (redirects >= rules.maxRedirects) {
            throw new EgressError(
              'EGRESS_TOO_MANY_REDIRECTS',
              `stopped after ${rules.maxRedirects} redirect(s) (limit); last one from ${hop.url.href} to '${location}'`,
            );
          }
          from = hop.url;
          hop = nextHop(hop, res.status, location);
          continue;
        }
        const body = await readCappedBody(res, rules.maxResponseBytes);
        // Secrets are the plugin's to use, not to read: a server echoing one in a header or the
        // final URL does not hand it over (the body is the remote's business and left intact).
        const headers = new Map<string, string>();
        res.headers.forEach((value, rawName) => {
          const clean = redact(value, secrets);
          // A secret can be echoed into a header's name as well (it arrives lower-cased).
          const name = redact(rawName, lowerCased(secrets));
          const prev = headers.get(name); // repeated set-cookie
          headers.set(name, prev === undefined ? clean : `${prev}, ${clean}`);
        });
        // fromEntries defines own properties, so a header named __proto__ stays plain data.
        return { status: res.status, headers: Object.fromEntries(headers), body, url: redact(hop.url.href, secrets) };
      } finally {
        // Drops any socket still open (e.g. a body we stopped reading at the cap).
        void agent.destroy().catch(() => {});
      }
    }
  } catch (e) {
    if (signal.aborted && signal.reason === timeout) throw timeout;
    if (isEgressError(e)) throw e;
    throw new EgressError('EGRESS_FAILED', `request to ${hop.url.origin} failed: ${describe(e)}`);
  } finally {
    cancelTimeout();
  }
}

const lowerCased = (secrets: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, value.toLowerCase()]));

/** A one-line reason from a network error, e.g. 'ECONNREFUSED' from undici's 'fetch failed'. */
function describe(e: unknown): string {
  const err = e as { message?: unknown; code?: unknown; cause?: { message?: unknown; code?: unknown } };
  const cause = err?.cause;
  if (cause && typeof cause.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? ` (${cause.message})` : ''}`;
  if (cause && typeof cause.message === 'string') return cause.message;
  if (typeof err?.code === 'string') return err.code;
  return typeof err?.message === 'string' ? err.message : String(e);
}
