/**
 * The plugin sandbox (DESIGN.md decisions 3–5): plugin bundles run in isolated-vm isolates inside
 * supervised worker processes, reach the host only through copied JSON over one bridge, and are
 * held to memory, CPU, wall-clock, result-size and host-call limits.
 */
export { SandboxSupervisor, type SandboxSupervisorOptions } from './supervisor.js';
export { PluginError, isPluginError, type PluginErrorCode } from './errors.js';
export { DEFAULT_LIMITS, type SandboxLimits } from './limits.js';
export {
  CAPABILITIES,
  type ActionInvocation,
  type Capability,
  type CapabilityArgs,
  type EventInvocation,
  type HostFunction,
  type Invocation,
  type InvocationContext,
  type InvocationEntry,
  type InvocationMetrics,
  type InvocationResult,
  type PluginBundle,
  type ResolverInvocation,
  type WebhookInvocation,
  type WebhookRequest,
  type WebhookResponse,
  type WidgetInvocation,
} from './types.js';
export type { SandboxLogger } from './logger.js';
export { afterElapsed } from './after-elapsed.js';
export { RawJson } from './protocol.js';
