import type { AddInteractionInput, Case, CreateCaseInput, Customer, Interaction, Order, UpdateCaseInput } from './generated/core-types.js';
import type { JsonObject, JsonValue } from './json.js';

/** Forward paging through ctx lists: at most `first` items after the cursor `after`. */
export interface PageArgs {
  first?: number;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface FetchInit {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Values may hold `{{secret:NAME}}`; the host fills in the tenant's secret after the call leaves the isolate. */
  headers?: Record<string, string>;
  body?: string;
}

/** A copy of the response: the host has read the (size-capped) body before handing it over. */
export interface FetchResponse {
  status: number;
  headers: Record<string, string>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/**
 * A proactive interaction a plugin records on a customer's timeline (`ctx.interactions.create`):
 * the API's AddInteractionInput without an agent (the plugin is the author), plus an optional
 * idempotency key.
 */
export interface CreateInteractionInput extends Omit<AddInteractionInput, 'agentId'> {
  /**
   * Makes the write happen once per key for this installation, even when a handler runs twice:
   * a later call with the same key returns the interaction the first one wrote, unchanged
   * (whatever else it passes). Up to 200 characters without control characters, e.g.
   * `delay:${orderId}`.
   */
  idempotencyKey?: string | null;
}

export interface PluginLogger {
  debug(message: string, data?: JsonObject): void;
  info(message: string, data?: JsonObject): void;
  warn(message: string, data?: JsonObject): void;
  error(message: string, data?: JsonObject): void;
}

/**
 * What a plugin's code is given on every call. The sandbox builds it; this package only types
 * it. Each capability needs the scope named beside it, and fails with FORBIDDEN without it.
 */
export interface PluginContext<TConfig = Record<string, never>> {
  tenant: { id: string; slug: string };
  installation: { id: string; pluginId: string; version: string };
  /** The tenant's configuration, parsed by the plugin's `config` schema. */
  config: TConfig;
  /** `customers:read` */
  customers: {
    get(id: string): Promise<Customer | null>;
    list(page?: PageArgs): Promise<Page<Customer>>;
  };
  /** `orders:read` */
  orders: {
    get(id: string): Promise<Order | null>;
    listByCustomer(customerId: string, page?: PageArgs): Promise<Page<Order>>;
  };
  /**
   * `cases:read` for get; `cases:write` for create and update. Writes are `FORBIDDEN` from Query
   * and object-type field resolvers, and from Mutation fields called with a read-only
   * (integrator) key: a plugin never writes with more rights than its caller. Event and webhook
   * handlers write as the installation.
   * @example
   * // in `resolvers.Mutation`, never in `resolvers.Order`
   * const opened = await ctx.cases.create({ customerId, subject: 'Parcel lost' });
   */
  cases: {
    get(id: string): Promise<Case | null>;
    create(input: CreateCaseInput): Promise<Case>;
    update(id: string, input: Omit<UpdateCaseInput, 'id'>): Promise<Case>;
  };
  /**
   * `interactions:write`: records an interaction on a customer's timeline (e.g. "your parcel is
   * delayed"), written as `plugin:<id>` and announced with an `interaction.added` event. A write,
   * allowed where `cases.create` is: never from Query or object-type field resolvers.
   * @example
   * // in an event handler; the key makes a handler that runs twice write once
   * await ctx.interactions.create({
   *   customerId, channel: 'EMAIL', direction: 'OUTBOUND', subject: 'Your parcel is delayed',
   *   body: 'The carrier reports a delay of two days.', idempotencyKey: `delay:${orderId}`,
   * });
   */
  interactions: {
    create(input: CreateInteractionInput): Promise<Interaction>;
  };
  /**
   * `storage`: the plugin's own key-value store within this tenant, writable from every entry point (a cache).
   * A key (and a `list` prefix) is well-formed Unicode without control characters, at most 500
   * bytes of UTF-8 (`MAX_STORAGE_KEY_BYTES`); anything else is refused with `BAD_USER_INPUT`.
   */
  storage: {
    get(key: string): Promise<JsonValue | null>;
    /**
     * Several keys in one host call (one round trip, one SQL read): the values in the order of
     * `keys`, `null` where a key is not set. At most 100 keys (`MAX_STORAGE_KEYS_PER_READ`); each
     * key follows `get`'s rule, and one bad key refuses the whole call with `BAD_USER_INPUT`.
     *
     * @example
     * const [a, b] = await ctx.storage.getMany(['parcel:1', 'parcel:2']);
     */
    getMany(keys: readonly string[]): Promise<(JsonValue | null)[]>;
    set(key: string, value: JsonValue): Promise<void>;
    delete(key: string): Promise<void>;
    /** Keys starting with `prefix`, compared exactly (no wildcards), in UTF-8 byte order. */
    list(prefix?: string): Promise<string[]>;
  };
  /** Only to hosts the manifest's `egress` lists. */
  fetch(url: string, init?: FetchInit): Promise<FetchResponse>;
  log: PluginLogger;
  /**
   * Publishes an event of the plugin's own; the host files it under the plugin's id. Counts as a
   * write (it runs other plugins' handlers): allowed where `cases.create` is.
   */
  emit(type: string, payload: JsonObject): Promise<void>;
}
