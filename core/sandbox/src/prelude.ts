import type ivm from 'isolated-vm';

/**
 * Runs once in every new context, before the plugin bundle. It receives the host bridge as `$0`
 * (a closure argument, never a global), keeps it and pristine copies of the built-ins it needs
 * in this closure, removes globals a plugin must not have, and returns the runner the worker
 * calls for each invocation.
 *
 * Rules for this source, because plugin code runs in the same context afterwards and may
 * replace any global or prototype method:
 * - strict mode, so V8's stack-trace API cannot hand plugin code our functions or receivers;
 * - built-ins are captured here and methods uncurried, never looked up again at call time;
 * - objects we build for the bridge have a null prototype, so a polluted Object.prototype
 *   (toJSON, setters, ...) cannot change what the host receives;
 * - only strings cross: arguments as JSON, replies and results as envelopes (protocol.ts).
 * It is plain JavaScript in a string: a transpiled function's toString() could carry helper
 * calls (e.g. esbuild's __name) that do not exist inside the isolate.
 */
export const PRELUDE_SOURCE = String.raw`'use strict';
const bridge = $0;
const global = globalThis;
const { stringify, parse } = JSON;
const { freeze, defineProperty, hasOwn } = Object;
const { apply: reflectApply } = Reflect;
const ErrorCtor = Error;
const StringCtor = String;
const uncurryThis = Function.prototype.bind.bind(Function.prototype.call);
const stringSlice = uncurryThis(String.prototype.slice);
const promiseThen = uncurryThis(Promise.prototype.then);
const promiseReject = Promise.reject.bind(Promise);
const promiseResolve = Promise.resolve.bind(Promise);
const isArray = Array.isArray;
const isErrorLike = uncurryThis(Object.prototype.isPrototypeOf).bind(null, Error.prototype);
const bridgeApply = uncurryThis(bridge.apply);
const refusals = new WeakSet();
const addRefusal = uncurryThis(WeakSet.prototype.add);
const isRefusal = uncurryThis(WeakSet.prototype.has);

// Not for plugins: shared memory and wasm sidestep the isolate's limits, and finalizer
// callbacks run outside any invocation (so outside every timer).
delete global.SharedArrayBuffer;
delete global.Atomics;
delete global.WebAssembly;
delete global.FinalizationRegistry;

const BRIDGE_OPTIONS = freeze({
  __proto__: null,
  arguments: freeze({ __proto__: null, copy: true }),
  result: freeze({ __proto__: null, promise: true, copy: true }),
});
const ENTRY_GROUPS = freeze({
  __proto__: null, resolver: 'resolvers', event: 'events', action: 'actions', webhook: 'webhooks', widget: 'widgets',
});
const MAX_MESSAGE = 2000;
const noop = () => {};

function codedError(code, message) {
  const error = new ErrorCtor(StringCtor(message));
  const descriptor = { __proto__: null, value: StringCtor(code), enumerable: true, writable: true, configurable: true };
  defineProperty(error, 'code', descriptor);
  addRefusal(refusals, error);
  return error;
}

function unwrap(reply) {
  if (typeof reply !== 'string' || reply.length === 0) throw codedError('INTERNAL', 'malformed host reply');
  const tag = reply[0];
  if (tag === 'U') return undefined;
  const body = parse(stringSlice(reply, 1));
  if (tag === 'R') return body;
  throw codedError(body.code, body.message);
}

async function callHost(invocationId, capability, args, maxArgBytes) {
  const json = stringify(args);
  // Checked again by the worker; refusing here spares copying a huge string out of the isolate.
  if (json !== undefined && json.length > maxArgBytes) {
    throw codedError('BAD_REQUEST', 'arguments of ' + capability + ' exceed ' + maxArgBytes + ' bytes of JSON');
  }
  const argsJson = json === undefined ? 'null' : json;
  const reply = await bridgeApply(bridge, undefined, [invocationId, capability, argsJson], BRIDGE_OPTIONS);
  return unwrap(reply);
}

function page(options, extra) {
  const source = options === null || options === undefined ? {} : options;
  const args = extra === undefined ? { __proto__: null } : extra;
  args.first = source.first;
  args.after = source.after;
  return args;
}

function makeContext(invocationId, context, maxArgBytes, maxHostCalls) {
  // The bridge counts too and fails the invocation at the first call past the budget; calls
  // after that one get one shared refusal here, so a flood (100 000 log lines) neither crosses
  // the bridge nor piles up errors and promises in the heap.
  let hostCalls = 0;
  let overBudget;
  const prefetched = prefetchedStorage(context.storage);
  const call = (capability, args) => {
    if (++hostCalls > maxHostCalls + 1) {
      if (overBudget === undefined) {
        overBudget = promiseReject(codedError('LIMIT_EXCEEDED', 'the plugin made more than ' + maxHostCalls + ' host calls in one invocation'));
        promiseThen(overBudget, noop, noop);
      }
      return overBudget;
    }
    return callHost(invocationId, capability, args, maxArgBytes);
  };
  const log = (level) => (message, data) => {
    const sent = call('log', { __proto__: null, level, message: StringCtor(message), data });
    if (sent !== overBudget) promiseThen(sent, noop, noop);
  };
  const fetch = async (url, init) => {
    const options = init === null || init === undefined ? {} : init;
    const response = await call('fetch', {
      __proto__: null,
      url: StringCtor(url),
      method: options.method === undefined ? undefined : StringCtor(options.method),
      headers: options.headers,
      body: options.body === undefined || options.body === null ? undefined : StringCtor(options.body),
    });
    const status = response.status;
    const body = typeof response.body === 'string' ? response.body : '';
    return freeze({
      status,
      ok: status >= 200 && status < 300,
      headers: freeze(response.headers ?? {}),
      text: async () => body,
      json: async () => parse(body),
    });
  };
  return freeze({
    tenant: freeze(context.tenant),
    installation: freeze(context.installation),
    config: context.config,
    customers: freeze({
      get: (id) => call('customers.get', { __proto__: null, id }),
      list: (options) => call('customers.list', page(options)),
    }),
    orders: freeze({
      get: (id) => call('orders.get', { __proto__: null, id }),
      listByCustomer: (customerId, options) => call('orders.listByCustomer', page(options, { __proto__: null, customerId })),
    }),
    cases: freeze({
      get: (id) => call('cases.get', { __proto__: null, id }),
      create: (input) => call('cases.create', { __proto__: null, input }),
      update: (id, input) => call('cases.update', { __proto__: null, id, input }),
    }),
    interactions: freeze({
      create: (input) => call('interactions.create', { __proto__: null, input }),
    }),
    storage: freeze({
      get: (key) => {
        const value = takePrefetched(prefetched, key);
        return value === NOT_PREFETCHED ? call('storage.get', { __proto__: null, key }) : promiseResolve(value);
      },
      getMany: (keys) => getManyWith(prefetched, keys, call),
      set: (key, value) => {
        forget(prefetched, key);
        return call('storage.set', { __proto__: null, key, value });
      },
      delete: (key) => {
        forget(prefetched, key);
        return call('storage.delete', { __proto__: null, key });
      },
      list: (prefix) => call('storage.list', { __proto__: null, prefix }),
    }),
    fetch,
    log: freeze({ debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }),
    emit: (type, payload) => call('emit', { __proto__: null, type: StringCtor(type), payload }),
  });
}

// Storage the host read as this call started (its storage inputs), by key. Each value answers
// the key's first read only; later reads, and reads after a write to the key, go to the host, so
// the plugin never gets one object twice or a value it has since replaced.
function prefetchedStorage(storage) {
  const byKey = { __proto__: null };
  const keys = own(storage, 'keys');
  const values = own(storage, 'values');
  if (!isArray(keys) || !isArray(values) || keys.length !== values.length) return byKey;
  for (let i = 0; i < keys.length; i++) if (typeof keys[i] === 'string') byKey[keys[i]] = values[i];
  return byKey;
}

const NOT_PREFETCHED = freeze({ __proto__: null });

function takePrefetched(byKey, key) {
  if (typeof key !== 'string' || !hasOwn(byKey, key)) return NOT_PREFETCHED;
  const value = byKey[key];
  delete byKey[key];
  return value;
}

function forget(byKey, key) {
  if (typeof key === 'string') delete byKey[key];
}

// A getMany answers its prefetched keys here and asks the host for the others in one call.
async function getManyWith(byKey, keys, call) {
  if (!isArray(keys)) return call('storage.getMany', { __proto__: null, keys });
  const values = [];
  const missing = [];
  const missingAt = [];
  for (let i = 0; i < keys.length; i++) {
    const value = takePrefetched(byKey, keys[i]);
    if (value !== NOT_PREFETCHED) {
      values[i] = value;
    } else {
      missing[missing.length] = keys[i];
      missingAt[missingAt.length] = i;
    }
  }
  if (missing.length === 0) return values;
  const fetched = await call('storage.getMany', { __proto__: null, keys: missing });
  for (let j = 0; j < missingAt.length; j++) values[missingAt[j]] = isArray(fetched) ? fetched[j] : null;
  return values;
}

function own(object, key) {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  return hasOwn(object, key) ? object[key] : undefined;
}

function failWith(code, message, userError) {
  return 'E' + stringify({ __proto__: null, code, message, userError: userError === true ? true : undefined });
}

// The plugin's own verdict that the caller's input is wrong (a thrown error with code
// BAD_USER_INPUT, e.g. the SDK's UserInputError); a host refusal it let escape is not one, since
// the plugin, not the caller, sent the host that input.
const USER_ERROR_CODE = 'BAD_USER_INPUT';

function describeError(error) {
  let code = 'PLUGIN_ERROR';
  let message = 'plugin threw a non-error value';
  let userError = false;
  try {
    if (typeof error === 'string') {
      message = error;
    } else if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
      const text = error.message;
      const name = error.name;
      const errorCode = error.code;
      if (typeof errorCode === 'string' && errorCode !== '') code = errorCode;
      userError = code === USER_ERROR_CODE && !isRefusal(refusals, error);
      if (typeof text === 'string') message = text;
      // A user error's message is for the caller; its class name is not.
      if (!userError && typeof name === 'string' && name !== 'Error' && name !== '') message = name + ': ' + message;
    }
  } catch {
    // a throwing getter on the error: keep the generic text
  }
  return failWith(stringSlice(code, 0, 100), stringSlice(message, 0, MAX_MESSAGE), userError);
}

// A batched resolver may fail some parents only: an Error in its result array becomes a marked
// entry that the host turns into an error on that parent's field alone (BAD_USER_INPUT when it
// is the plugin's own user error, as for a thrown one).
function itemErrors(value) {
  if (!isArray(value)) return value;
  const out = [];
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    let failed = false;
    let userError = false;
    try {
      failed = item !== null && typeof item === 'object' && isErrorLike(item);
      userError = failed && item.code === USER_ERROR_CODE && !isRefusal(refusals, item);
    } catch {
      failed = false;
    }
    if (!failed) {
      out[i] = item;
      continue;
    }
    const mark = { __proto__: null, __mosaicItemError: stringSlice(StringCtor(item.message), 0, MAX_MESSAGE) };
    if (userError) mark.__mosaicItemCode = USER_ERROR_CODE;
    out[i] = mark;
  }
  return out;
}

return async function run(invocationId, kind, name, field, payloadJson, contextJson, maxResultBytes, maxArgBytes, maxHostCalls) {
  try {
    const group = own(own(global, 'mosaicPlugin'), ENTRY_GROUPS[kind]);
    // A resolver is group[type][field], a widget group[id].render, any other entry group[name].
    const nested = kind === 'resolver' || kind === 'widget';
    const holder = nested ? own(group, name) : group;
    const fn = own(holder, kind === 'resolver' ? field : kind === 'widget' ? 'render' : name);
    if (typeof fn !== 'function') {
      const what = kind === 'resolver' ? 'resolver ' + name + '.' + field : kind + ' ' + name;
      return failWith('NO_ENTRY', 'the plugin has no ' + what);
    }
    const payload = parse(payloadJson);
    const ctx = makeContext(invocationId, parse(contextJson), maxArgBytes, maxHostCalls);
    // A resolver gets (parents, args, ctx), a widget (target, ctx, its declared input), the rest (payload, ctx).
    const args = kind === 'resolver' ? [payload[0], payload[1], ctx] : kind === 'widget' ? [payload[0], ctx, payload[1]] : [payload[0], ctx];
    const value = await reflectApply(fn, holder, args);
    const json = value === undefined ? undefined : stringify(kind === 'resolver' ? itemErrors(value) : value);
    if (json === undefined) return 'U';
    // A UTF-8 byte is never less than a UTF-16 unit, so this refuses before anything is copied.
    if (json.length > maxResultBytes) {
      const size = 'the result is ' + json.length + ' characters of JSON';
      return failWith('RESULT_TOO_LARGE', size + '; the limit is ' + maxResultBytes + ' bytes');
    }
    return 'R' + json;
  } catch (error) {
    return describeError(error);
  }
};
`;

/** The runner PRELUDE_SOURCE returns: resolves to an envelope string, never rejects by itself. */
export type Runner = (
  invocationId: number,
  kind: string,
  name: string,
  field: string,
  payloadJson: string,
  contextJson: string,
  maxResultBytes: number,
  maxHostArgBytes: number,
  maxHostCalls: number,
) => Promise<string>;

/** The host side of the bridge: (invocationId, capability, argsJson) → envelope. */
export type BridgeFunction = (invocationId: unknown, capability: unknown, argsJson: unknown) => Promise<string>;

/** Installs the prelude in a fresh context; returns a host-side handle on the runner. */
export async function installPrelude(
  context: ivm.Context,
  bridge: ivm.Reference<BridgeFunction>,
  timeoutMs: number,
): Promise<ivm.Reference<Runner>> {
  const runner: unknown = await context.evalClosure(PRELUDE_SOURCE, [bridge], {
    result: { reference: true },
    filename: 'mosaic:prelude',
    timeout: timeoutMs,
  });
  return runner as ivm.Reference<Runner>;
}
