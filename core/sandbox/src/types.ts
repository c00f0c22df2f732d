import type { SandboxLimits } from './limits.js';

/** Which function of the plugin bundle an invocation runs. */
export type InvocationEntry =
  | { kind: 'resolver'; type: string; field: string }
  | { kind: 'event'; type: string }
  | { kind: 'action'; name: string }
  | { kind: 'webhook'; name: string }
  /** `widgets[id].render(target, ctx)`: the tree a widget draws for one target. */
  | { kind: 'widget'; id: string };

/** Who the plugin runs for; copied into the isolate as `ctx.tenant`, `ctx.installation`, `ctx.config`. */
export interface InvocationContext {
  tenant: { id: string; slug: string };
  installation: { id: string; pluginId: string; version: string };
  config: Record<string, unknown>;
}

/** A bundle as published: one classic script that assigns `globalThis.mosaicPlugin`. */
export interface PluginBundle {
  /** Hex sha256 of `code`; verified once per worker, then used as the compile-cache key. */
  sha256: string;
  code: string;
}

export interface WebhookRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookResponse {
  status: number;
  body?: unknown;
}

interface InvocationBase {
  /**
   * Identifies one installation of one plugin in one tenant. Invocations with the same key share
   * a warm isolate, so the key must never be shared across tenants.
   */
  installationKey: string;
  bundle: PluginBundle;
  context: InvocationContext;
  /**
   * Storage the host read for this call (a field's storage inputs): JSON of
   * `{ "keys": [...], "values": [...] }`, a value per key, null where a key has none. Each key's
   * first `ctx.storage` read answers from it inside the isolate; a write to the key drops it.
   */
  storageJson?: string;
  /** Overrides of the supervisor's default limits for this invocation. */
  limits?: Partial<SandboxLimits>;
}

/** A resolver gets every parent of one field at one level (DESIGN.md decision 4). */
export interface ResolverInvocation extends InvocationBase {
  entry: Extract<InvocationEntry, { kind: 'resolver' }>;
  parents: readonly unknown[];
  args?: Record<string, unknown>;
}

export interface EventInvocation extends InvocationBase {
  entry: Extract<InvocationEntry, { kind: 'event' }>;
  event: unknown;
}

export interface ActionInvocation extends InvocationBase {
  entry: Extract<InvocationEntry, { kind: 'action' }>;
  input: unknown;
}

export interface WebhookInvocation extends InvocationBase {
  entry: Extract<InvocationEntry, { kind: 'webhook' }>;
  request: WebhookRequest;
}

/** A widget renders one target (`{ customer }`, `{ order }` or `{ case }`, SDL-shaped). */
export interface WidgetInvocation extends InvocationBase {
  entry: Extract<InvocationEntry, { kind: 'widget' }>;
  target: unknown;
  /** The widget's declared input, resolved for the target: `render`'s third argument. */
  declaredInput?: unknown;
}

export type Invocation = ResolverInvocation | EventInvocation | ActionInvocation | WebhookInvocation | WidgetInvocation;

/** Host capabilities a plugin can ask for through `ctx`; the host decides whether it may. */
export const CAPABILITIES = [
  'customers.get',
  'customers.list',
  'orders.get',
  'orders.listByCustomer',
  'cases.get',
  'cases.create',
  'cases.update',
  'interactions.create',
  'storage.get',
  'storage.getMany',
  'storage.set',
  'storage.delete',
  'storage.list',
  'fetch',
  'log',
  'emit',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const capabilitySet: ReadonlySet<string> = new Set(CAPABILITIES);
export const isCapability = (name: string): name is Capability => capabilitySet.has(name);

interface Page {
  first?: number;
  after?: string;
}

/** The JSON arguments the host receives for each capability (as built by the prelude). */
export interface CapabilityArgs {
  'customers.get': { id: string };
  'customers.list': Page;
  'orders.get': { id: string };
  'orders.listByCustomer': Page & { customerId: string };
  'cases.get': { id: string };
  'cases.create': { input: unknown };
  'cases.update': { id: string; input: unknown };
  'interactions.create': { input: unknown };
  'storage.get': { key: string };
  'storage.getMany': { keys: string[] };
  'storage.set': { key: string; value: unknown };
  'storage.delete': { key: string };
  'storage.list': { prefix?: string };
  fetch: { url: string; method?: string; headers?: Record<string, string>; body?: string };
  log: { level: 'debug' | 'info' | 'warn' | 'error'; message: string; data?: unknown };
  emit: { type: string; payload?: unknown };
}

/**
 * Answers the plugin's capability calls for one invocation. Resolve with a JSON-serializable
 * value; throw an error with a string `code` (e.g. FORBIDDEN, NOT_FOUND) to refuse — the plugin
 * sees an Error with that code and message. Errors without a code reach the plugin as INTERNAL
 * with a generic message, so host internals never leak into third-party code.
 * `fetch` must resolve to `{ status, headers, body }` with a string body.
 */
export type HostFunction = (capability: Capability, args: unknown) => Promise<unknown>;

export interface InvocationMetrics {
  /** isolate.cpuTime spent during the invocation (includes a cold start when there was one). */
  cpuMs: number;
  /** Wall time seen by the caller, IPC included. */
  wallMs: number;
  hostCalls: number;
  /** Whether the installation's isolate had to be created for this invocation. */
  coldStart: boolean;
}

export interface InvocationResult<T = unknown> {
  value: T;
  metrics: InvocationMetrics;
}
