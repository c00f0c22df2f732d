/**
 * @mosaic/sdk/testing — run a plugin from its own tests exactly as Mosaic runs it: the BUILT
 * bundle, in a real isolated-vm isolate, through the platform's sandbox supervisor (worker process,
 * memory/CPU/time limits, copies only across the bridge, one batched call per field). Only the
 * host is fake: tenant data, storage and outbound HTTP come from the test.
 *
 * The sandbox is `@mosaic/sandbox`, a dependency of this package, loaded when a harness is created.
 *
 * ```ts
 * const harness = await createTestHarness(new URL('..', import.meta.url), {
 *   secrets: { CARRIER_TOKEN: 'test-token' },
 *   fetch: { 'https://carrier.example.test/v1/shipments/X1': { json: { status: 'IN_TRANSIT' } } },
 * });
 * expect(await harness.resolve('Order.acme_tracking_status', [order])).toEqual(['IN_TRANSIT']);
 * expect(harness.fetches[0]?.headers.authorization).toBe('Bearer test-token');
 * await harness.close();
 * ```
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Case, Customer, Interaction, Order } from './generated/core-types.js';
import type { JsonObject, JsonValue } from './json.js';
import type { PluginManifest } from './manifest.js';
import type { PluginScope } from './scopes.js';
import { loadPlugin, type PluginSource } from './test-bundle.js';
import { createFakeHost, DEFAULT_HOST_LIMITS, type EmittedEvent, type FakeData, type HostLimits, type LogEntry, type SimulatedCause } from './test-context.js';
import { HarnessError } from './test-errors.js';
import { projectDeclaredInput } from './test-inputs.js';
import { followableValue, followedKeys, storageReadPlan } from './storage-inputs.js';
import { UserInputError } from './user-input-error.js';
import type { RecordedFetch, RecordedResponses } from './test-fetch.js';
import { leaseSupervisor, type Invocation, type InvocationMetrics, type SandboxLimits, type SandboxModule } from './test-sandbox.js';
import { validateWidgetTree, type WidgetNode } from './widgets.js';
import type { CallerRole } from './write-rules.js';

export { HarnessError } from './test-errors.js';
export { DEFAULT_HOST_LIMITS } from './test-context.js';
export type { EmittedEvent, FakeData, HostLimits, LogEntry } from './test-context.js';
export type { CallerRole } from './write-rules.js';
export type { OutboundRequest, RecordedFetch, RecordedFailure, RecordedResponse, RecordedResponses, RecordedSuccess } from './test-fetch.js';
export type { InvocationMetrics, SandboxLimits, SandboxModule } from './test-sandbox.js';
export type { PluginSource } from './test-bundle.js';

export interface HarnessOptions {
  /** The tenant's settings; checked against the manifest's JSON Schema, defaults filled in, as at install. */
  config?: Record<string, unknown>;
  /** Installation secrets by name; each must be declared in the manifest. */
  secrets?: Record<string, string>;
  /** Default: every scope the manifest requests. Grant fewer to test the plugin's FORBIDDEN path. */
  grantScopes?: PluginScope[];
  /** Default: every host the manifest's egress lists. */
  grantEgress?: string[];
  /** What ctx.customers, ctx.orders and ctx.cases read (cases and interactions the plugin writes are added). */
  data?: FakeData;
  /** The plugin's storage before the test. */
  storage?: Record<string, JsonValue>;
  /** Recorded responses by URL (or `METHOD URL`); an unrecorded URL fails the call. */
  fetch?: RecordedResponses;
  /** Sandbox limits for every call (core's defaults otherwise). */
  limits?: Partial<SandboxLimits>;
  /** Host limits per call (core's defaults otherwise). */
  hostLimits?: Partial<HostLimits>;
  tenant?: { id: string; slug: string };
  /**
   * The role of the API key a `resolve` simulates (default `agent`). As in production, Query and
   * object-type fields never write tenant data (cases, emit) and Mutation fields write with this
   * role's permissions: `integrator` is read-only. Event handlers act as the installation.
   * `runAction` is a staff member of this role pressing a widget's button: it writes as a Mutation
   * field would; `renderWidget` reads only.
   */
  callerRole?: CallerRole;
  /** Another copy of the sandbox module (`@mosaic/sandbox`) to run the plugin in. */
  sandbox?: SandboxModule;
}

export interface HarnessWebhookRequest {
  /** Text as sent, or JSON to serialise. */
  body: string | JsonValue;
  /** Header names are lower-cased, as the host hands them over. */
  headers?: Record<string, string>;
  query?: Record<string, string>;
  method?: string;
}

export interface HarnessEvent {
  type: string;
  subjectId?: string;
  payload?: JsonObject;
  /** Doubles as the idempotency key; generated when missing. */
  id?: string;
  occurredAt?: string;
}

/** One crossing into the sandbox. */
export interface InvocationRecord {
  entry: string;
  ok: boolean;
  metrics: InvocationMetrics;
  /** For a field resolver: the parents exactly as sent (just the declared input's fields, if it has one). */
  parents?: unknown[];
  /** For a field with storage inputs: the storage keys read and sent with the call. */
  storageKeys?: string[];
  /** For a widget with a declared input: the input as sent (the fields it selects of the target). */
  input?: unknown;
}

export interface TestHarness {
  readonly manifest: PluginManifest;
  /** The config the plugin sees, after defaults. */
  readonly config: Record<string, unknown>;
  /**
   * Calls `Type.field` once with all parents, as a query does; one result per parent. A field with
   * a declared input receives only the fields its selection names, taken from these parents.
   */
  resolve(field: `${string}.${string}`, parents: readonly unknown[], args?: Record<string, unknown>, call?: { callerRole?: CallerRole }): Promise<unknown[]>;
  /** Delivers an event; false when the plugin does not subscribe to its type (nothing runs). */
  deliverEvent(event: HarnessEvent): Promise<boolean>;
  runAction(name: string, input?: JsonValue): Promise<{ message?: string } | undefined>;
  /**
   * Delivers an inbound webhook to its handler as the host does once the signature has checked
   * out (so the test sends it unsigned): acting as the installation, like an event handler.
   * A JSON body is serialised; the answer is the handler's `{ status, body }` (200 by default).
   */
  deliverWebhook(name: string, request: HarnessWebhookRequest): Promise<{ status: number; body?: JsonValue }>;
  /** Renders a widget for a target (e.g. `{ order }`); the tree is validated as the host would. */
  renderWidget(id: string, target: Record<string, unknown>): Promise<WidgetNode | null>;
  /** Outbound requests as they would leave the host: secrets filled in. */
  readonly fetches: RecordedFetch[];
  readonly logs: LogEntry[];
  readonly emitted: EmittedEvent[];
  /** The plugin's storage, live: read it, or seed it between calls. */
  readonly storage: Map<string, JsonValue>;
  readonly data: { customers: Customer[]; orders: Order[]; cases: Case[]; interactions: Interaction[] };
  readonly invocations: InvocationRecord[];
  close(): Promise<void>;
}

/**
 * Loads a plugin (a project directory is built first; a built directory or a `buildPlugin`
 * result is used as is) and prepares its installation in a fake tenant.
 */
export async function createTestHarness(plugin: PluginSource, options: HarnessOptions = {}): Promise<TestHarness> {
  const { manifest, code } = await loadPlugin(plugin);
  const config = parseConfig(manifest, options.config);
  const grantedScopes = granted(manifest, 'scopes', options.grantScopes ?? manifest.scopes);
  const grantedEgress = granted(manifest, 'egress', options.grantEgress ?? manifest.egress);
  const secrets = { ...options.secrets };
  const undeclared = Object.keys(secrets).filter((name) => !manifest.secrets.some((s) => s.name === name));
  if (undeclared.length) throw new HarnessError(`${manifest.id} declares no secret named ${undeclared.join(', ')}`);

  const data = {
    customers: [...(options.data?.customers ?? [])],
    orders: [...(options.data?.orders ?? [])],
    cases: [...(options.data?.cases ?? [])],
    interactions: [...(options.data?.interactions ?? [])],
  };
  const storage = new Map<string, JsonValue>(Object.entries(structuredClone(options.storage ?? {})));
  const fake = createFakeHost({
    pluginId: manifest.id,
    grantedScopes,
    grantedEgress,
    secrets,
    data,
    storage,
    responses: options.fetch ?? {},
    limits: { ...DEFAULT_HOST_LIMITS, ...options.hostLimits },
  });
  const lease = await leaseSupervisor(options.sandbox);
  // loadPlugin checked the code against this hash, as the registry does.
  const bundle = { code, sha256: manifest.bundle.sha256 };
  // Unique per harness, so no two harnesses ever share an isolate.
  const installationKey = `sdk-test/${manifest.id}/${randomUUID()}`;
  const tenant = options.tenant ?? { id: 'tenant-test', slug: 'test' };
  const context = { tenant, installation: { id: 'installation-test', pluginId: manifest.id, version: manifest.version }, config };
  const invocations: InvocationRecord[] = [];
  const callerRole = options.callerRole ?? 'agent';
  // As in core: a widget render reads for the viewer; a pressed button acts with the viewer's rights.
  const readOnly: SimulatedCause = { entry: 'field', callerRole };
  const pressed: SimulatedCause = { entry: 'mutation', callerRole };
  let closed = false;
  let events = 0;

  type Part = Invocation extends infer I ? (I extends Invocation ? Omit<I, 'installationKey' | 'bundle' | 'context' | 'limits'> : never) : never;
  const invoke = async (label: string, part: Part, cause: SimulatedCause, sent: Partial<InvocationRecord> = {}): Promise<unknown> => {
    if (closed) throw new HarnessError('the harness is closed');
    const { host, fetches } = fake.forInvocation(cause);
    const invocation = { ...part, installationKey, bundle, context, ...(options.limits && { limits: options.limits }) } as Invocation;
    let outcome: { value: unknown } | { error: unknown };
    try {
      const result = await lease.supervisor.invoke(invocation, host);
      invocations.push({ entry: label, ok: true, metrics: result.metrics, ...sent });
      outcome = { value: result.value };
    } catch (error) {
      const metrics = (error as { metrics?: InvocationMetrics }).metrics ?? { cpuMs: 0, wallMs: 0, hostCalls: 0, coldStart: false };
      invocations.push({ entry: label, ok: false, metrics, ...sent });
      outcome = { error };
    }
    // A missing recording is the test's mistake, whatever the plugin made of the error it got.
    const unrecorded = fetches.filter((f) => !f.recorded);
    if (unrecorded.length) {
      const list = unrecorded.map((f) => `${f.method} ${f.url}`).join(', ');
      throw new HarnessError(`${label} fetched without a recorded response: ${list}; add them to the harness's fetch option`, {
        cause: 'error' in outcome ? outcome.error : undefined,
      });
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };

  return {
    manifest,
    config,
    fetches: fake.record.fetches,
    logs: fake.record.logs,
    emitted: fake.record.emitted,
    storage,
    data,
    invocations,

    async resolve(field, parents, args = {}, call = {}) {
      if (!manifest.resolvers.includes(field)) {
        throw new HarnessError(`${manifest.id} has no resolver ${field}; it has ${manifest.resolvers.join(', ') || 'none'}`);
      }
      const [type = '', name = ''] = field.split('.');
      const cause: SimulatedCause = { entry: type === 'Mutation' ? 'mutation' : 'field', callerRole: call.callerRole ?? callerRole };
      const input = manifest.inputs[field];
      const sent = input === undefined ? [...parents] : projectDeclaredInput(field, input, parents);
      // As the host does: the field's storage inputs are read before the call and sent with it.
      const templates = input === undefined ? undefined : manifest.storageInputs[field];
      const storageKeys = templates && grantedScopes.includes('storage') ? storageInputKeys(templates, sent, storage) : [];
      const storageJson = storageKeys.length ? JSON.stringify({ keys: storageKeys, values: storageKeys.map((key) => storage.get(key) ?? null) }) : undefined;
      const part = { entry: { kind: 'resolver' as const, type, field: name }, parents: sent, args, ...(storageJson !== undefined && { storageJson }) };
      const results = (await invoke(`resolver ${field}`, part, cause, { parents: sent, ...(storageJson !== undefined && { storageKeys }) })) as unknown[];
      // The sandbox marks a parent the resolver failed (an Error in its array); production turns
      // the mark into an error on that field, the harness into an Error in the same place.
      return results.map((r) => {
        if (r === null || typeof r !== 'object') return r;
        const { __mosaicItemError: failure, __mosaicItemCode: code } = r as { __mosaicItemError?: unknown; __mosaicItemCode?: unknown };
        if (typeof failure !== 'string') return r;
        return code === 'BAD_USER_INPUT' ? new UserInputError(failure) : new Error(failure);
      });
    },

    async deliverEvent(event) {
      // The dispatcher delivers only the types a plugin's manifest subscribes to.
      if (!manifest.events.includes(event.type)) return false;
      events += 1;
      const delivered = {
        id: event.id ?? `event-${events}`,
        type: event.type,
        subjectId: event.subjectId ?? '',
        occurredAt: event.occurredAt ?? new Date().toISOString(),
        payload: event.payload ?? {},
      };
      await invoke(`event ${event.type}`, { entry: { kind: 'event', type: event.type }, event: delivered }, { entry: 'event', callerRole: null });
      return true;
    },

    async runAction(name, input = null) {
      if (!manifest.actions.includes(name)) {
        throw new HarnessError(`${manifest.id} has no action ${name}; it has ${manifest.actions.join(', ') || 'none'}`);
      }
      return (await invoke(`action ${name}`, { entry: { kind: 'action', name }, input }, pressed)) as { message?: string } | undefined;
    },

    async deliverWebhook(name, request) {
      if (!manifest.webhooks.some((w) => w.name === name)) {
        throw new HarnessError(`${manifest.id} declares no webhook ${name}; it has ${manifest.webhooks.map((w) => w.name).join(', ') || 'none'}`);
      }
      const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      const delivered = { method: request.method ?? 'POST', headers, query: request.query ?? {}, body };
      const answer = (await invoke(`webhook ${name}`, { entry: { kind: 'webhook', name }, request: delivered }, { entry: 'webhook', callerRole: null })) as
        { status?: number; body?: JsonValue } | null | undefined;
      return { status: answer?.status ?? 200, ...(answer?.body !== undefined && { body: answer.body }) };
    },

    async renderWidget(id, target) {
      if (!manifest.widgets.some((w) => w.id === id)) {
        throw new HarnessError(`${manifest.id} has no widget ${id}; it has ${manifest.widgets.map((w) => w.id).join(', ') || 'none'}`);
      }
      // As the host does: a declared input is resolved from the target's record (the test's stands in for core's).
      const input = manifest.widgetInputs[id];
      const record = Object.values(target as Record<string, unknown>)[0];
      const declaredInput = input === undefined ? undefined : projectDeclaredInput(`widgets.${id}`, input, [record])[0];
      const part = { entry: { kind: 'widget' as const, id }, target, ...(declaredInput !== undefined && { declaredInput }) };
      const tree = await invoke(`widget ${id}`, part, readOnly, declaredInput === undefined ? {} : { input: declaredInput });
      if (tree === null || tree === undefined) return null;
      const checked = validateWidgetTree(tree, { actions: manifest.actions });
      if (!checked.success) throw new HarnessError(`widget ${id} rendered a tree the host would refuse:\n  ${checked.errors.join('\n  ')}`);
      return checked.data;
    },

    async close() {
      if (closed) return;
      closed = true;
      await lease.release();
    },
  };
}

/** As the installer does: the manifest's JSON Schema checks the config and fills in defaults. */
function parseConfig(manifest: PluginManifest, config: Record<string, unknown> = {}): Record<string, unknown> {
  const schema = z.fromJSONSchema(manifest.configSchema as Parameters<typeof z.fromJSONSchema>[0]);
  const parsed = schema.safeParse(structuredClone(config));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `config${i.path.map((p) => `.${String(p)}`).join('')}: ${i.message}`);
    throw new HarnessError(`invalid config: ${issues.join('; ')}`);
  }
  return parsed.data as Record<string, unknown>;
}

/** Grants are what the manifest asks for, or less; the installer refuses anything more. */
function granted<K extends 'scopes' | 'egress'>(manifest: PluginManifest, kind: K, grant: readonly string[]): PluginManifest[K] {
  const asked: readonly string[] = manifest[kind];
  const extra = grant.filter((g) => !asked.includes(g));
  if (extra.length) throw new HarnessError(`${manifest.id}@${manifest.version} does not ask for ${extra.join(', ')}`);
  return asked.filter((a) => grant.includes(a)) as PluginManifest[K];
}

/** The keys the host would read for a call's storage inputs, from the harness's storage. */
function storageInputKeys(templates: readonly string[], parents: readonly unknown[], storage: ReadonlyMap<string, JsonValue>): string[] {
  const plan = storageReadPlan(templates, parents);
  const followable = (key: string) => {
    const value = storage.get(key);
    return followableValue(value === undefined ? undefined : JSON.stringify(value));
  };
  return [...plan.keys, ...followedKeys(plan, followable)];
}
