/**
 * The host side of the plugin bridge (DESIGN.md decision 3): sandboxed plugin code reaches
 * tenant data and the network only through `host(capability, args)`, and this decides and
 * performs each call for one installation. One module per capability family, each checking its
 * scope before it acts; arguments are validated as hostile; only plain copies are returned.
 */
import { truncate } from './args.js';
import { invocationAuthority } from './authority.js';
import { caseCapabilities } from './cases.js';
import { customerCapabilities } from './customers.js';
import { emitCapabilities } from './emit.js';
import { HostError, toHostError } from './errors.js';
import { fetchCapabilities } from './fetch.js';
import { interactionCapabilities } from './interactions.js';
import { logCapabilities } from './log.js';
import { orderCapabilities } from './orders.js';
import { storageCapabilities } from './storage.js';
import type { HostDeps, HostFunction } from './types.js';

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
} from './types.js';

/**
 * The host function for one invocation of one installation. Create one per invocation: emits
 * are counted in it, fetches and fetch bytes in the `usage` object the caller passes.
 */
export function createHostFunction(deps: HostDeps): HostFunction {
  // Reads go through its read-only context; every write of tenant data through its `write`.
  const authority = invocationAuthority(deps);
  // A Map, so a capability named like an Object.prototype member ('constructor') finds nothing.
  const handlers = new Map(
    Object.entries({
      ...customerCapabilities(deps, authority),
      ...orderCapabilities(deps, authority),
      ...caseCapabilities(deps, authority),
      ...interactionCapabilities(deps, authority),
      ...storageCapabilities(deps),
      ...fetchCapabilities(deps),
      ...logCapabilities(deps),
      ...emitCapabilities(deps, authority),
    }),
  );
  return async (capability, args) => {
    const handler = typeof capability === 'string' ? handlers.get(capability) : undefined;
    if (handler === undefined) {
      throw new HostError('UNKNOWN_CAPABILITY', `there is no host capability named '${truncate(String(capability), 100)}'`);
    }
    try {
      return await handler(args);
    } catch (e) {
      throw toHostError(e, capability);
    }
  };
}
