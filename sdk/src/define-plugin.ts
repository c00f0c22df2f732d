import type { z } from 'zod';
import type { PluginContext } from './context.js';
import type { DeclaredInputs, InputOf } from './declared-input.js';
import type { CoreObjectTypes } from './generated/core-types.js';
import type { JsonObject, JsonValue } from './json.js';
import type { DeclaredManifest, ManifestInput } from './manifest.js';
import type { WidgetDeclaration } from './widgets.js';

/** The API contract between a bundle and the sandbox; bump it when the calls below change shape. */
export const SDK_API_VERSION = 1;

export type ConfigSchema = z.ZodObject;
type NoConfig = z.ZodObject<{}>;
type ConfigOf<S extends ConfigSchema> = z.output<S>;

/**
 * One call per field per request level with every parent at that level (decision 4); the answer
 * holds one entry per parent, in order: a value, null, or an Error for that parent alone.
 * Declared as a method so a resolver may annotate `args` (and its own types' parents) narrower.
 */
export type BatchResolver<TParent, TConfig> = {
  resolve(parents: TParent[], args: Record<string, unknown>, ctx: PluginContext<TConfig>): Promise<ReadonlyArray<unknown>>;
}['resolve'];

type FieldResolvers<TParent, TConfig> = Record<string, BatchResolver<TParent, TConfig>>;

/** Root fields get a single empty parent. */
export type RootParent = Record<string, never>;

/**
 * A core type's fields: once a type declares inputs, each of its fields has one and its parents
 * are typed from it; a type without declared inputs gives its fields whole parents.
 */
type CoreFieldResolvers<T extends keyof CoreObjectTypes, TConfig, I> = [keyof InputsOn<I, T>] extends [never]
  ? FieldResolvers<CoreObjectTypes[T], TConfig>
  : { [F in keyof InputsOn<I, T>]?: BatchResolver<InputOf<InputsOn<I, T>[F]>, TConfig> };
// Without `inputs` I is its constraint, whose open record would swallow every field.
type InputsOn<I, T extends PropertyKey> = I extends { [K in T]?: infer On }
  ? string extends keyof NonNullable<On> ? {} : NonNullable<On>
  : {};

/**
 * Resolvers by type then field: on core types a field with a declared input (`inputs`) gets
 * parents typed from its selection, any other field the whole parent; the plugin's own types give unknown.
 */
export type PluginResolvers<TConfig, I extends DeclaredInputs = {}> =
  & { [T in keyof CoreObjectTypes]?: CoreFieldResolvers<T, TConfig, I> }
  & { Query?: FieldResolvers<RootParent, TConfig>; Mutation?: FieldResolvers<RootParent, TConfig> }
  // The plugin's own types (Publisher_Name_Type): no core type name holds an underscore.
  & { [type: `${string}_${string}`]: FieldResolvers<unknown, TConfig> | undefined };

/** Storage key templates by type then field, for fields that declare an input. */
export type StorageInputs<I> = { [T in keyof I]?: { [F in keyof I[T]]?: readonly string[] } };

/** How long a field's result may be answered again, by type then field, for fields that declare an input. */
export type ResultCache<I> = { [T in keyof I]?: { [F in keyof I[T]]?: { maxAgeSeconds: number } } };

/** A domain event delivered from the outbox (decision 7); `id` doubles as the idempotency key. */
export interface PluginEvent<TPayload extends JsonObject = JsonObject> {
  id: string;
  type: string;
  subjectId: string;
  occurredAt: string;
  payload: TPayload;
}
export type EventHandler<TConfig> = (event: PluginEvent, ctx: PluginContext<TConfig>) => Promise<void>;

/** What a widget's button sends; `message` is shown to the person who pressed it. */
export type ActionHandler<TConfig> = (input: JsonValue, ctx: PluginContext<TConfig>) => Promise<{ message?: string } | void>;

/**
 * An inbound call whose signature the host has already verified with the webhook's secret.
 * It arrives at `POST /t/<tenant>/webhooks/<installation id>/<webhook name>`, and the sender signs it so:
 * - header `x-mosaic-timestamp`: the time of sending, in Unix seconds;
 * - header `x-mosaic-signature`: `sha256=` and the hex HMAC-SHA256, keyed with the secret the
 *   tenant set for the webhook, of the timestamp, a `.`, and the raw body bytes;
 * - a timestamp more than 300 s from the host's clock is refused (401 `UNAUTHENTICATED`);
 * - each signed request is accepted once: the same one again within those 300 s answers
 *   409 `WEBHOOK_REPLAYED` and the handler does not run, so a retry is signed anew with a fresh
 *   timestamp. Bodies are limited to 256 KiB (413 `PAYLOAD_TOO_LARGE`).
 *
 * @example
 * // the sender, in Node
 * import { createHmac } from 'node:crypto';
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * const body = JSON.stringify({ tracking: '1Z999', status: 'delivered' });
 * const signature = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
 * await fetch(webhookUrl, { method: 'POST', body, headers: { 'x-mosaic-timestamp': timestamp, 'x-mosaic-signature': signature } });
 */
export interface WebhookRequest {
  method: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The body decoded as UTF-8 (the signature was checked over its raw bytes). */
  body: string;
}
export interface WebhookResponse {
  status?: number;
  body?: JsonValue;
}
export type WebhookHandler<TConfig> = (request: WebhookRequest, ctx: PluginContext<TConfig>) => Promise<WebhookResponse | void>;

export interface PluginInput<S extends ConfigSchema, I extends DeclaredInputs = {}> {
  manifest: ManifestInput;
  /** The tenant's settings; the installer's form comes from its JSON Schema. */
  config?: S;
  /** SDL extending core types with namespaced fields and defining namespaced types. */
  schema?: string;
  /**
   * What each field reads of its parent, by core type then field: a `graphql` fragment on that
   * type (the anchor is Shopify Functions' input query). The host resolves it with core's own
   * resolvers, under the caller's rights and the plugin's scopes, batched for every parent of the
   * level, and sends exactly those fields; the resolver's parents are typed from it. A field
   * without one receives the whole parent (and the build warns).
   *
   * ```ts
   * inputs: { Order: { acme_eta_promise: graphql(`fragment EtaInput on Order { orderNumber lines { sku } }`) } },
   * resolvers: { Order: { acme_eta_promise: async (orders) => orders.map((o) => o.lines.length) } },
   * ```
   */
  inputs?: I;
  /**
   * Storage keys each field with a declared input reads for every parent, as templates over the
   * input's top-level fields. The host reads them with the input and sends their values along,
   * so the resolver's first read of each key costs no host call (at most 100 keys a call; the
   * rest are read as usual). Needs the `storage` scope. `summary:{order:{id}[]}` follows an
   * index: it reads `order:{id}`, then `summary:<s>` for each string `s` stored there (a JSON
   * array of strings, or one string; a value over 4 KiB is not followed; at most 100 keys more).
   *
   * ```ts
   * inputs: { Order: { acme_eta_promise: graphql(`fragment EtaInput on Order { id }`) } },
   * storageInputs: { Order: { acme_eta_promise: ['eta:{id}'] } },
   * resolvers: { Order: { acme_eta_promise: async (orders, _args, ctx) => ctx.storage.getMany(orders.map((o) => `eta:${o.id}`)) } },
   * ```
   */
  storageInputs?: StorageInputs<NoInfer<I>>;
  /**
   * Lets the host answer a field with declared inputs from an earlier call's result, for up to
   * `maxAgeSeconds` (1–300), while nothing the call was given has changed: the installation (its
   * version, config and grants), the arguments, every parent's declared input and the plugin's
   * storage (any write to it, by the plugin or anyone else, starts afresh). Only a call that made no host call (no `ctx` read, write, fetch or log
   * line) and failed no parent is kept, so the result is what the resolver made of what it was
   * sent. Declare it for a field whose answer follows from those alone, give or take the age: a
   * parcel's status read from storage, not the time of day.
   *
   * ```ts
   * resultCache: { Order: { acme_eta_promise: { maxAgeSeconds: 30 } } },
   * ```
   */
  resultCache?: ResultCache<NoInfer<I>>;
  resolvers?: PluginResolvers<ConfigOf<S>, NoInfer<I>>;
  /** Handlers by event type, e.g. `order.created`. */
  events?: Record<string, EventHandler<ConfigOf<S>>>;
  actions?: Record<string, ActionHandler<ConfigOf<S>>>;
  /** Handlers by webhook name; each must be declared in `manifest.webhooks`. */
  webhooks?: Record<string, WebhookHandler<ConfigOf<S>>>;
  widgets?: Array<WidgetDeclaration<ConfigOf<S>>>;
}

/** What the bundle assigns to `globalThis.mosaicPlugin` and the sandbox calls into. */
export interface PluginDefinition<S extends ConfigSchema = ConfigSchema> {
  readonly manifest: DeclaredManifest;
  readonly config: S | undefined;
  readonly schema: string | undefined;
  readonly resolvers: Readonly<Record<string, Readonly<Record<string, BatchResolver<unknown, ConfigOf<S>>>>>>;
  /** Declared inputs by type then field, as the documents `graphql` parsed; the build prints them into the manifest. */
  readonly inputs: DeclaredInputs;
  readonly events: Readonly<Record<string, EventHandler<ConfigOf<S>>>>;
  readonly actions: Readonly<Record<string, ActionHandler<ConfigOf<S>>>>;
  readonly webhooks: Readonly<Record<string, WebhookHandler<ConfigOf<S>>>>;
  /** By widget id. */
  readonly widgets: Readonly<Record<string, WidgetDeclaration<ConfigOf<S>>>>;
}

/**
 * Declares a plugin. Does no schema validation, so zod's validators and semver stay out of the
 * bundle: `mosaic-plugin build` validates the manifest, SDL and widgets before anything ships.
 * It does check what it can cheaply, so a mismatch fails in the author's own tests too.
 */
export function definePlugin<S extends ConfigSchema = NoConfig, const I extends DeclaredInputs = {}>(input: PluginInput<S, I>): PluginDefinition<S> {
  const resolvers = mapValues(input.resolvers ?? {}, (fields) => Object.freeze({ ...fields })) as PluginDefinition<S>['resolvers'];
  const inputs = mapValues(input.inputs ?? {}, (fields) => Object.freeze({ ...fields }));
  const events = { ...input.events };
  const actions = { ...input.actions };
  const webhooks = { ...input.webhooks };
  const widgets = byId(input.widgets ?? []);
  checkWebhooks(input.manifest, Object.keys(webhooks));
  const m = input.manifest;
  // Spread, not picked: a key the author mistyped must reach the build's validation to be reported.
  const manifest: DeclaredManifest = {
    ...m,
    scopes: [...(m.scopes ?? [])],
    egress: [...(m.egress ?? [])],
    secrets: (m.secrets ?? []).map((s) => ({ ...s })),
    webhooks: (m.webhooks ?? []).map((w) => ({ ...w })),
    sdkApiVersion: SDK_API_VERSION,
    events: Object.keys(events),
    actions: Object.keys(actions),
    resolvers: Object.entries(resolvers).flatMap(([type, fields]) => Object.keys(fields).map((f) => `${type}.${f}`)),
    widgets: Object.values(widgets).map((w) => ({ id: w.id, extensionPoint: w.extensionPoint, title: w.title })),
    extensionPoints: [...new Set(Object.values(widgets).map((w) => w.extensionPoint))],
    storageInputs: Object.fromEntries(Object.entries(input.storageInputs ?? {}).flatMap(([type, fields]) =>
      Object.entries(fields ?? {}).flatMap(([field, keys]) => (keys ? [[`${type}.${field}`, [...(keys as readonly string[])]]] : [])))),
    resultCache: Object.fromEntries(Object.entries(input.resultCache ?? {}).flatMap(([type, fields]) =>
      Object.entries(fields ?? {}).flatMap(([field, rule]) => (rule ? [[`${type}.${field}`, { ...(rule as { maxAgeSeconds: number }) }]] : [])))),
  };
  return Object.freeze({
    manifest: deepFreeze(manifest),
    config: input.config,
    schema: input.schema,
    resolvers: Object.freeze(resolvers),
    inputs: Object.freeze(inputs),
    events: Object.freeze(events),
    actions: Object.freeze(actions),
    webhooks: Object.freeze(webhooks),
    widgets: Object.freeze(widgets),
  });
}

function mapValues<V, R>(record: Record<string, V | undefined>, fn: (v: V) => R): Record<string, R> {
  const out: Record<string, R> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = fn(value);
  return out;
}

function byId<T extends { id: string }>(items: T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) {
    if (out[item.id]) throw new Error(`Two widgets have the id "${item.id}"`);
    out[item.id] = Object.freeze({ ...item });
  }
  return out;
}

function checkWebhooks(manifest: ManifestInput, handlers: string[]): void {
  const declared = (manifest.webhooks ?? []).map((w) => w.name);
  const undeclared = handlers.filter((h) => !declared.includes(h));
  const unhandled = declared.filter((d) => !handlers.includes(d));
  if (undeclared.length) throw new Error(`Webhook handlers not declared in manifest.webhooks: ${undeclared.join(', ')}`);
  if (unhandled.length) throw new Error(`manifest.webhooks without a handler: ${unhandled.join(', ')}`);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
