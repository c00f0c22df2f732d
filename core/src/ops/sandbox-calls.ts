import { isPluginError, SandboxSupervisor, type HostFunction, type Invocation, type InvocationResult } from '@mosaic/sandbox';

/** Calls of one plugin entry kind in one tenant that ended one way. */
export interface SandboxCallCount {
  tenantId: string;
  pluginId: string;
  /** resolver, event, webhook, widget, action… */
  kind: string;
  /** `ok`, or the sandbox's code: PLUGIN_FAILED, PLUGIN_TIMEOUT. */
  outcome: string;
  calls: number;
  /** Wall time of those calls added up, in seconds. */
  seconds: number;
}

/**
 * The sandbox supervisor counting what crosses it, per tenant, plugin, entry kind and outcome,
 * for the server's metrics (read at scrape time). The counts are bounded by the installations.
 */
export class CountedSandboxSupervisor extends SandboxSupervisor {
  readonly #counts = new Map<string, SandboxCallCount>();

  override async invoke<T = unknown>(invocation: Invocation, host: HostFunction): Promise<InvocationResult<T>> {
    try {
      const result = await super.invoke<T>(invocation, host);
      this.#count(invocation, 'ok', result.metrics.wallMs);
      return result;
    } catch (err) {
      this.#count(invocation, isPluginError(err) ? err.code : 'PLUGIN_FAILED', isPluginError(err) ? err.metrics.wallMs : 0);
      throw err;
    }
  }

  /** Every count so far. */
  callCounts(): Iterable<SandboxCallCount> {
    return this.#counts.values();
  }

  #count(invocation: Invocation, outcome: string, wallMs: number): void {
    const tenantId = invocation.context.tenant.id;
    const pluginId = invocation.context.installation.pluginId;
    const kind = invocation.entry.kind;
    const key = `${tenantId}\u0000${pluginId}\u0000${kind}\u0000${outcome}`;
    let count = this.#counts.get(key);
    if (!count) this.#counts.set(key, (count = { tenantId, pluginId, kind, outcome, calls: 0, seconds: 0 }));
    count.calls += 1;
    count.seconds += wallMs / 1000;
  }
}
