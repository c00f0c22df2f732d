/**
 * The host side of `@mosaic/sdk/testing`: answers a sandboxed plugin's `ctx.*` calls from fake
 * tenant data, an in-memory storage and recorded fetch responses, with the scope checks, codes
 * and per-call limits of core's host capabilities (core/src/plugins/host), so a plugin meets in
 * its tests the same refusals it meets in production.
 */
import type { CreateInteractionInput } from './context.js';
import type { Case, CreateCaseInput, Customer, Interaction, Order, UpdateCaseInput } from './generated/core-types.js';
import { idempotencyKeyProblem } from './interaction-rules.js';
import type { JsonObject, JsonValue } from './json.js';
import type { PluginScope } from './scopes.js';
import { HostError, jsonProblem, utf8Bytes } from './test-errors.js';
import { createFetchCapability, type FetchLimits, type RecordedFetch, type RecordedResponses } from './test-fetch.js';
import { EMIT_TYPE_PATTERN, MAX_EMIT_PAYLOAD_BYTES, MAX_EMIT_TYPE_CHARS } from './emit-rules.js';
import { identifierProblem, MAX_STORAGE_KEY_BYTES, MAX_STORAGE_KEYS_PER_READ, repairText, textIssues, TOO_MANY_STORAGE_KEYS } from './text-rules.js';
import { writeRefusal, writeRefusedMessage, type CallerRole, type EntryKind, type WriteCapability } from './write-rules.js';

/**
 * What the sandbox hands the host for each `ctx.*` call: @mosaic/sandbox's HostFunction, taking
 * any name so the fake host can refuse an unknown capability as the real one does.
 */
export type HostFunction = (capability: string, args: unknown) => Promise<unknown>;

export interface FakeData {
  customers?: Customer[];
  orders?: Order[];
  cases?: Case[];
  /** Interactions the plugin wrote with ctx.interactions.create are added here. */
  interactions?: Interaction[];
}

/** Per-call limits; the defaults are core's (core/src/config.ts). */
export interface HostLimits extends FetchLimits {
  /** Key plus value bytes the plugin may keep. */
  storageQuotaBytes: number;
  /** JSON bytes of one stored value. */
  maxStorageValueBytes: number;
  maxEmitsPerCall: number;
}

export const DEFAULT_HOST_LIMITS: Readonly<HostLimits> = Object.freeze({
  storageQuotaBytes: 1024 * 1024,
  maxStorageValueBytes: 64 * 1024,
  maxFetchesPerCall: 10,
  maxFetchBytesPerCall: 2 * 1024 * 1024,
  maxResponseBytes: 1024 * 1024,
  maxEmitsPerCall: 20,
});

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: unknown;
}

export interface EmittedEvent {
  /** As core files it: `plugin.<pluginId>.<type>`. */
  type: string;
  payload: JsonObject;
}

export interface FakeHostOptions {
  pluginId: string;
  grantedScopes: readonly PluginScope[];
  grantedEgress: readonly string[];
  secrets: Record<string, string>;
  data: FakeData;
  storage: Map<string, JsonValue>;
  responses: RecordedResponses;
  limits: HostLimits;
}

/** What the fake host has seen, for tests to assert on; shared by every invocation. */
export interface HostRecord {
  fetches: RecordedFetch[];
  logs: LogEntry[];
  emitted: EmittedEvent[];
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

type Handler = (args: Record<string, unknown>) => unknown;

/** Which entry point an invocation simulates, and for whom: decides whether it may write, as in core. */
export interface SimulatedCause {
  entry: EntryKind;
  /** The calling key's role; null for events and webhooks. */
  callerRole: CallerRole | null;
}

export interface InvocationHost {
  host: HostFunction;
  /** The fetches of this invocation alone (also in the record). */
  fetches: RecordedFetch[];
}

/**
 * A host for one installation. `forInvocation()` gives the function for one invocation: like
 * core's, it counts fetches and emits per invocation, so call it once per sandbox call.
 */
export function createFakeHost(options: FakeHostOptions): { record: HostRecord; forInvocation(cause: SimulatedCause): InvocationHost } {
  const record: HostRecord = { fetches: [], logs: [], emitted: [] };
  const { data, storage, limits } = options;
  const cases = data.cases ?? (data.cases = []);
  const interactions = data.interactions ?? (data.interactions = []);
  // As core's unique index: one interaction per idempotency key of this installation.
  const byIdempotencyKey = new Map<string, Interaction>();

  const requireScope = (...anyOf: PluginScope[]) => {
    if (anyOf.some((s) => options.grantedScopes.includes(s))) return;
    const names = anyOf.map((s) => `'${s}'`).join(' or ');
    throw new HostError('FORBIDDEN', `this installation of ${options.pluginId} was not granted the ${names} scope`);
  };

  const forInvocation = (cause: SimulatedCause): InvocationHost => {
    let emits = 0;
    // Right after the scope check, as in core's host (core/src/plugins/host/authority.ts).
    const requireWrite = (capability: WriteCapability) => {
      const reason = writeRefusal(cause.entry, cause.callerRole);
      if (reason !== null) throw new HostError('FORBIDDEN', writeRefusedMessage(capability, reason));
    };
    const fetches: RecordedFetch[] = [];
    const fetch = createFetchCapability({
      ...options,
      record: (entry) => {
        fetches.push(entry);
        record.fetches.push(entry);
      },
    });
    const handlers: Record<string, Handler> = {
      'customers.get': ({ id }) => (requireScope('customers:read'), copy(byId(data.customers, id))),
      'customers.list': (args) => (requireScope('customers:read'), page(newest(data.customers, 'createdAt'), args)),
      'orders.get': ({ id }) => (requireScope('orders:read'), copy(byId(data.orders, id))),
      'orders.listByCustomer': ({ customerId, ...args }) => {
        requireScope('orders:read');
        const mine = (data.orders ?? []).filter((o) => o.customer.id === customerId);
        return page(newest(mine, 'placedAt'), args);
      },
      'cases.get': ({ id }) => (requireScope('cases:read', 'cases:write'), copy(byId(cases, id))),
      'cases.create': ({ input }) => (requireScope('cases:write'), requireWrite('cases.create'), copy(createCase(cases, data, input as CreateCaseInput))),
      'cases.update': ({ id, input }) => (requireScope('cases:write'), requireWrite('cases.update'), copy(updateCase(cases, String(id), input as UpdateCaseInput))),
      'interactions.create': ({ input }) => {
        requireScope('interactions:write');
        requireWrite('interactions.create');
        return copy(createInteraction(interactions, data, byIdempotencyKey, input));
      },
      'storage.get': ({ key }) => (requireScope('storage'), copy(storage.get(storageKey('storage.get', key)) ?? null)),
      'storage.getMany': ({ keys }) => (requireScope('storage'), storageKeys(keys).map((k) => copy(storage.get(k) ?? null))),
      'storage.set': ({ key, value }) => {
        requireScope('storage');
        setStored(storage, storageKey('storage.set', key), value, limits);
        return undefined;
      },
      'storage.delete': ({ key }) => (requireScope('storage'), void storage.delete(storageKey('storage.delete', key))),
      'storage.list': ({ prefix }) => {
        requireScope('storage');
        const start = prefix === undefined ? '' : storageKey('storage.list', prefix, 'prefix');
        // In SQLite's order (UTF-8 bytes), which differs from sort()'s UTF-16 order past U+E000.
        return [...storage.keys()].filter((k) => k.startsWith(start)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      },
      fetch: (args) => fetch(args),
      log: ({ level, message, data: extra }) => {
        const known = level === 'debug' || level === 'info' || level === 'warn' || level === 'error';
        record.logs.push({ level: known ? level : 'info', message: repairText(String(message ?? '')), ...(extra !== undefined && { data: extra }) });
        return undefined;
      },
      emit: ({ type, payload = {} }) => {
        requireWrite('emit');
        if (typeof type !== 'string' || type.length > MAX_EMIT_TYPE_CHARS || !EMIT_TYPE_PATTERN.test(type)) {
          throw new HostError('BAD_USER_INPUT', 'invalid arguments for emit: type: letters, digits, _ and - in dot-separated parts, e.g. shipment.delivered');
        }
        const problem = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? jsonProblem(payload) : 'must be a JSON object';
        if (problem) throw new HostError('BAD_USER_INPUT', `invalid arguments for emit: payload: ${problem}`);
        const bytes = utf8Bytes(JSON.stringify(payload));
        if (bytes > MAX_EMIT_PAYLOAD_BYTES) {
          throw new HostError('BAD_USER_INPUT', `event payload is ${bytes} bytes of JSON; the limit is ${MAX_EMIT_PAYLOAD_BYTES}`);
        }
        if (emits >= limits.maxEmitsPerCall) {
          throw new HostError('LIMIT_EXCEEDED', `a plugin may emit at most ${limits.maxEmitsPerCall} events per call`);
        }
        emits += 1;
        record.emitted.push({ type: `plugin.${options.pluginId}.${type}`, payload: copy(payload) as JsonObject });
        return undefined;
      },
    };
    // A Map, as in core, so a capability named like an Object.prototype member finds nothing.
    const table = new Map(Object.entries(handlers));
    const host: HostFunction = async (capability, args) => {
      const handler = table.get(capability);
      if (!handler) throw new HostError('UNKNOWN_CAPABILITY', `there is no host capability named '${capability}'`);
      return handler(typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {});
    };
    return { host, fetches };
  };
  return { record, forInvocation };
}

/** Plain copies out, as across the bridge: the plugin never holds the test's own objects. */
const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

function byId<T extends { id: string }>(rows: T[] | undefined, id: unknown): T | null {
  return rows?.find((row) => row.id === id) ?? null;
}

function newest<T>(rows: T[] | undefined, field: keyof T): T[] {
  return [...(rows ?? [])].sort((a, b) => String(b[field]).localeCompare(String(a[field])));
}

/** Forward pages over the list; the cursor is the offset, which is opaque to the plugin anyway. */
function page<T>(rows: T[], args: Record<string, unknown>) {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new HostError('BAD_USER_INPUT', `invalid arguments: first: must be an integer from 0 to ${MAX_PAGE_SIZE}`);
  }
  const start = typeof args.after === 'string' && /^\d+$/.test(args.after) ? Number(args.after) : 0;
  const nodes = rows.slice(start, start + first);
  const end = start + nodes.length;
  return copy({ nodes, pageInfo: { hasNextPage: end < rows.length, endCursor: nodes.length ? String(end) : null } });
}

/** A storage key (or list prefix) by core's identifier rule, refused with core's message. */
function storageKey(capability: string, key: unknown, field: 'key' | 'prefix' = 'key'): string {
  const problem = typeof key === 'string' ? identifierProblem(key, MAX_STORAGE_KEY_BYTES, { allowEmpty: field === 'prefix' }) : 'must be a string';
  if (problem !== null) throw new HostError('BAD_USER_INPUT', `invalid arguments for ${capability}: ${field}: ${problem}`);
  return key as string;
}

/** `storage.getMany`'s keys: an array of at most MAX_STORAGE_KEYS_PER_READ, each by `storageKey`'s rule, as core checks them. */
function storageKeys(keys: unknown): string[] {
  const refuse = (problem: string) => new HostError('BAD_USER_INPUT', `invalid arguments for storage.getMany: ${problem}`);
  if (!Array.isArray(keys)) throw refuse('keys: must be an array of strings');
  if (keys.length > MAX_STORAGE_KEYS_PER_READ) throw refuse(`keys: ${TOO_MANY_STORAGE_KEYS}`);
  return keys.map((key, i) => {
    const problem = typeof key === 'string' ? identifierProblem(key, MAX_STORAGE_KEY_BYTES) : 'must be a string';
    if (problem !== null) throw refuse(`keys.${i}: ${problem}`);
    return key as string;
  });
}

function setStored(storage: Map<string, JsonValue>, key: string, value: unknown, limits: HostLimits): void {
  const problem = jsonProblem(value);
  if (problem) throw new HostError('BAD_USER_INPUT', `invalid arguments for storage.set: value: ${problem}`);
  const json = JSON.stringify(value);
  const valueBytes = utf8Bytes(json);
  if (valueBytes > limits.maxStorageValueBytes) {
    throw new HostError('BAD_USER_INPUT', `storage value is ${valueBytes} bytes of JSON; the limit is ${limits.maxStorageValueBytes}`);
  }
  const rowBytes = (k: string, v: JsonValue) => utf8Bytes(k) + utf8Bytes(JSON.stringify(v));
  let after = utf8Bytes(key) + valueBytes;
  for (const [k, v] of storage) if (k !== key) after += rowBytes(k, v);
  if (after > limits.storageQuotaBytes) {
    throw new HostError('QUOTA_EXCEEDED', `storage would hold ${after} bytes; this plugin may keep ${limits.storageQuotaBytes} (keys and values) in this tenant`);
  }
  storage.set(key, JSON.parse(json) as JsonValue);
}

/** As core's input validation (parseInput): every string of an input passes the shared text rule. */
function requireWellFormedText(input: unknown): void {
  const issues = textIssues(input);
  if (issues.length > 0) throw new HostError('BAD_USER_INPUT', `invalid input: ${issues.map((i) => `${i.path.join('.')}: ${i.problem}`).join('; ')}`);
}

function createCase(cases: Case[], data: FakeData, input: CreateCaseInput): Case {
  requireWellFormedText(input);
  const customer = byId(data.customers, input?.customerId);
  if (!customer) throw new HostError('NOT_FOUND', 'Customer not found');
  if (typeof input.subject !== 'string' || !input.subject.trim()) throw new HostError('BAD_USER_INPUT', 'subject: must not be empty');
  const now = new Date().toISOString();
  const created: Case = {
    id: `case-${cases.length + 1}`,
    number: Math.max(0, ...cases.map((c) => c.number)) + 1,
    subject: input.subject,
    description: input.description ?? null,
    status: 'NEW',
    priority: input.priority ?? 'NORMAL',
    channel: input.channel ?? null,
    customer: { id: customer.id },
    queue: input.queueId ? { id: input.queueId } : null,
    assignee: input.assigneeId ? { id: input.assigneeId } : null,
    createdAt: now,
    updatedAt: now,
  };
  cases.push(created);
  return created;
}

function updateCase(cases: Case[], id: string, input: Omit<UpdateCaseInput, 'id'>): Case {
  requireWellFormedText(input);
  const index = cases.findIndex((c) => c.id === id);
  const current = cases[index];
  if (!current) throw new HostError('NOT_FOUND', 'Case not found');
  const updated: Case = {
    ...current,
    ...(input.subject != null && { subject: input.subject }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.status != null && { status: input.status }),
    ...(input.priority != null && { priority: input.priority }),
    ...(input.queueId !== undefined && { queue: input.queueId ? { id: input.queueId } : null }),
    ...(input.assigneeId !== undefined && { assignee: input.assigneeId ? { id: input.assigneeId } : null }),
    updatedAt: new Date().toISOString(),
  };
  cases[index] = updated;
  return updated;
}

const CHANNELS = ['EMAIL', 'CHAT', 'PHONE', 'SMS', 'SOCIAL', 'PORTAL', 'VIDEO'];
const DIRECTIONS = ['INBOUND', 'OUTBOUND'];
const INTERACTION_FIELDS = new Set(['customerId', 'caseId', 'channel', 'direction', 'subject', 'body', 'occurredAt', 'idempotencyKey']);

/** Core's rules for `ctx.interactions.create` (domain/interactions.ts and the host's key check). */
function createInteraction(interactions: Interaction[], data: FakeData, byKey: Map<string, Interaction>, raw: unknown): Interaction {
  if (typeof raw !== 'object' || raw === null) throw new HostError('BAD_USER_INPUT', 'invalid arguments for interactions.create: input: must be an object');
  const input = raw as CreateInteractionInput;
  // As core's strict argument schema: no agentId (the plugin is the author), nothing unknown.
  const unknown = Object.keys(input).filter((k) => !INTERACTION_FIELDS.has(k));
  if (unknown.length) throw new HostError('BAD_USER_INPUT', `invalid arguments for interactions.create: input: unrecognized keys ${unknown.join(', ')}`);
  const key = input.idempotencyKey ?? null;
  const keyProblem = key === null ? null : typeof key === 'string' ? idempotencyKeyProblem(key) : 'must be a string';
  if (keyProblem !== null) throw new HostError('BAD_USER_INPUT', `invalid arguments for interactions.create: input.idempotencyKey: ${keyProblem}`);
  requireWellFormedText(input);
  const problems: string[] = [];
  if (!CHANNELS.includes(input.channel)) problems.push(`channel: one of ${CHANNELS.join(', ')}`);
  if (!DIRECTIONS.includes(input.direction)) problems.push(`direction: one of ${DIRECTIONS.join(', ')}`);
  if (typeof input.body !== 'string' || input.body.length < 1 || input.body.length > 100_000) problems.push('body: 1 to 100000 characters');
  if (input.subject != null && (typeof input.subject !== 'string' || input.subject.trim().length > 300)) problems.push('subject: up to 300 characters');
  const occurredAt = input.occurredAt == null ? new Date() : new Date(input.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) problems.push('occurredAt: not a date');
  if (problems.length) throw new HostError('BAD_USER_INPUT', `invalid input: ${problems.join('; ')}`);
  const earlier = key === null ? undefined : byKey.get(key);
  if (earlier) return earlier;
  const customer = byId(data.customers, input.customerId);
  if (!customer) throw new HostError('NOT_FOUND', 'Customer not found');
  if (customer.status === 'MERGED') throw new HostError('CONFLICT', 'this customer was merged; record the interaction on the customer it was merged into');
  if (input.caseId != null) {
    const kase = byId(data.cases, input.caseId);
    if (!kase) throw new HostError('NOT_FOUND', 'Case not found');
    if (kase.customer.id !== customer.id) throw new HostError('BAD_USER_INPUT', 'the case belongs to another customer');
  }
  const created: Interaction = {
    id: `interaction-${interactions.length + 1}`,
    channel: input.channel,
    direction: input.direction,
    subject: input.subject == null ? null : input.subject.trim(),
    body: input.body,
    customer: { id: customer.id },
    case: input.caseId != null ? { id: input.caseId } : null,
    agent: null,
    occurredAt: occurredAt.toISOString(),
  };
  interactions.push(created);
  if (key !== null) byKey.set(key, created);
  return created;
}
