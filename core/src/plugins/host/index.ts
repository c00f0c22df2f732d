/**
 * The host side of the plugin bridge (DESIGN.md decision 3): sandboxed plugin code reaches
 * tenant data and the network only through `host(capability, args)`, and this decides and
 * performs each call for one installation. One module per capability family, each checking its
 * scope before it acts; arguments are validated as hostile; only plain copies are returned.
 */
import { truncate } from './args.js';
import { invocationAuthority, type InvocationAuthority } from './authority.js';
import { caseCapabilities } from './cases.js';
import { customerCapabilities } from './customers.js';
import { emitCapabilities } from './emit.js';
import { HostError, toHostError } from './errors.js';
import { fetchCapabilities } from './fetch.js';
import { interactionCapabilities } from './interactions.js';
import { logCapabilities } from './log.js';
import { orderCapabilities } from './orders.js';
import { storageCapabilities } from './storage.js';
import type { CapabilityHandlers, HostDeps, HostFunction, SharedReads } from './types.js';

export { HostError, isHostError, type HostErrorCode } from './errors.js';
export { invocationCause, type Caller, type InvocationCause } from './authority.js';
export { sdlCustomers, sdlOrders, toSdlAccount, toSdlCase, toSdlCustomer, toSdlInteraction, toSdlOrder } from './sdl-shapes.js';
export type { SdlCase, SdlCustomer, SdlInteraction, SdlOrder } from './sdl-shapes.js';
export { MAX_EMIT_PAYLOAD_BYTES } from './emit.js';
export { MAX_LOG_DATA_BYTES, MAX_LOG_MESSAGE_CHARS } from './log.js';
export {
  LOG_LEVELS,
  type HostDeps,
  type HostEgressSettings,
  type HostFunction,
  type HostInstallation,
  type HostLimits,
  type HostLogEntry,
  type HostUsage,
  type LogLevel,
  type SharedReads,
} from './types.js';

/**
 * The host function for one invocation of one installation. Create one per invocation: emits
 * are counted in it, fetches and fetch bytes in the `usage` object the caller passes.
 */
export function createHostFunction(deps: HostDeps): HostFunction {
  // Reads go through its read-only context; every write of tenant data through its `write`.
  let authority: InvocationAuthority | undefined;
  const authorityOf = () => (authority ??= invocationAuthority(deps));
  // Each family's handlers are built on its first call: an invocation uses one or two of them, and
  // building all of them for every invocation showed in profiles of plugin-heavy queries.
  // Maps, so a capability named like an Object.prototype member ('constructor') finds nothing.
  const families = new Map<string, () => CapabilityHandlers>([
    ['customers', () => customerCapabilities(deps, authorityOf())],
    ['orders', () => orderCapabilities(deps, authorityOf())],
    ['cases', () => caseCapabilities(deps, authorityOf())],
    ['interactions', () => interactionCapabilities(deps, authorityOf())],
    ['storage', () => storageCapabilities(deps)],
    ['fetch', () => fetchCapabilities(deps)],
    ['log', () => logCapabilities(deps)],
    ['emit', () => emitCapabilities(deps, authorityOf())],
  ]);
  const built = new Map<string, Map<string, CapabilityHandlers[string]>>();
  const handlerOf = (capability: string) => {
    // A capability is named `<family>.<name>`, or just `<family>` (fetch, log, emit).
    const family = capability.split('.', 1)[0]!;
    let handlers = built.get(family);
    if (!handlers) {
      const make = families.get(family);
      if (!make) return undefined;
      built.set(family, (handlers = new Map(Object.entries(make()))));
    }
    return handlers.get(capability);
  };
  const shared = deps.sharedReads;
  return async (capability, args) => {
    const handler = typeof capability === 'string' ? handlerOf(capability) : undefined;
    if (handler === undefined) {
      throw new HostError('UNKNOWN_CAPABILITY', `there is no host capability named '${truncate(String(capability), 100)}'`);
    }
    try {
      return await (shared && SHARED_READ_CAPABILITIES.has(capability) ? sharedRead(shared, capability, args, handler) : handler(args));
    } catch (e) {
      throw toHostError(e, capability);
    }
  };
}

/**
 * Reads of tenant data, which no invocation sharing them can change: a widget render may not
 * write tenant data (authority.ts). Plugin storage is left out, as a render may write it.
 */
export const SHARED_READ_CAPABILITIES: ReadonlySet<string> = new Set(['customers.get', 'customers.list', 'orders.get', 'orders.listByCustomer', 'cases.get']);

function sharedRead(shared: SharedReads, capability: string, args: unknown, handler: (args: unknown) => Promise<unknown>): Promise<unknown> {
  // The arguments came in as JSON under the sandbox's size limit, so their text is a bounded key.
  const key = `${capability} ${JSON.stringify(args)}`;
  let answer = shared.get(key);
  if (answer === undefined) shared.set(key, (answer = handler(args)));
  return answer;
}
