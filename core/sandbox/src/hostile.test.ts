import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginError } from './errors.js';
import type { SandboxLimits } from './limits.js';
import { SandboxSupervisor } from './supervisor.js';
import { pluginBundle, recordingHost, testContext, quietLogger } from './test-helpers.js';
import type { HostFunction, Invocation, InvocationResult } from './types.js';

/**
 * Hostile plugins, each run while installation B (another plugin, same worker process) keeps
 * being invoked: the attack must end with the right code and B must never notice.
 */

const LIMITS: Partial<SandboxLimits> = { memoryMb: 32, cpuTimeoutMs: 200, wallTimeoutMs: 1_000 };

const attacker = pluginBundle(`{
  resolvers: {
    Attack: {
      ok: async (parents) => parents.map(() => 'fine'),
      spin: async () => { while (true) {} },
      spinAfterHost: async (parents, args, ctx) => { await ctx.storage.get('k'); while (true) {} },
      memory: async () => { const hoard = []; while (true) hoard.push(new Array(1e5).fill(1.5)); },
      memoryAfterHost: async (parents, args, ctx) => {
        await ctx.storage.get('k');
        const hoard = []; while (true) hoard.push(new Array(1e5).fill(2.5));
      },
      recurse: async () => { const down = (n) => down(n + 1) + 1; return [down(0)]; },
      huge: async () => ['x'.repeat(100 * 1024 * 1024)],
      wide: async (parents, args) => ['é'.repeat(args.chars)],
      hang: async (parents, args, ctx) => [await ctx.storage.get('never')],
      chatty: async (parents, args, ctx) => {
        for (let i = 0; i < 5; i++) { try { await ctx.storage.get('k' + i); } catch {} }
        return parents.map(() => 'done');
      },
      logFlood: async (parents, args, ctx) => {
        for (let i = 0; i < 100000; i++) ctx.log.info('flood ' + i);
        let after;
        try { await ctx.storage.get('k'); } catch (error) { after = error.code + ': ' + error.message; }
        throw new Error('after the flood: ' + after);
      },
      tamper: async (parents) => {
        const result = parents.map(() => 'tampered');
        const define = Object.defineProperty;
        JSON.stringify = () => '"garbage"';
        JSON.parse = () => ({ garbage: true });
        Array.prototype.map = function () { return ['garbage']; };
        Array.prototype.push = function () { throw new Error('push trap'); };
        Function.prototype.call = function () { throw new Error('call trap'); };
        Function.prototype.apply = function () { throw new Error('apply trap'); };
        Function.prototype.bind = function () { throw new Error('bind trap'); };
        String.prototype.slice = function () { return 'garbage'; };
        Object.freeze = (o) => o;
        Object.defineProperty = () => { throw new Error('defineProperty trap'); };
        Object.prototype.injected = 'polluted';
        // 'value' last: once inherited, every later descriptor literal would carry it too.
        for (const key of ['id', 'key', 'code', 'message', 'copy', 'promise', 'reference', 'externalCopy', 'then', 'get', 'set', 'value']) {
          define(Object.prototype, key, { configurable: true, get() { return 'trap'; }, set() { throw new Error('setter trap ' + key); } });
        }
        globalThis.Error = function FakeError() { return { fake: true }; };
        return result;
      },
      afterTamper: async (parents, args, ctx) => {
        const customer = await ctx.customers.get('c1');
        await ctx.storage.set('k', { nested: [1, 2], text: 'v' });
        let refusal;
        try { await ctx.orders.get('o1'); } catch (error) { refusal = { code: error.code, message: error.message }; }
        const out = []; out[0] = { name: customer.name, refusal };
        return out;
      },
      toJsonPollution: async (parents, args, ctx) => {
        Object.prototype.toJSON = () => 'pwned';
        await ctx.customers.get('c1');
        return parents.map(() => 'x');
      },
      reach: async (parents, args, ctx) => {
        const report = {
          globals: Object.getOwnPropertyNames(globalThis),
          types: {},
        };
        for (const name of ['process', 'require', 'module', 'exports', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate',
          'queueMicrotask', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'FinalizationRegistry', 'ivm', '$0', '$1',
          'bridge', '_ivm', 'fetch', 'XMLHttpRequest']) {
          report.types[name] = typeof globalThis[name];
        }
        try { await import('node:fs'); report.dynamicImport = 'loaded'; } catch (error) { report.dynamicImport = 'refused: ' + error.message; }
        try { report.newFunction = typeof new Function('return process')(); } catch (error) { report.newFunction = 'refused'; }
        try { report.constructorEscape = ctx.customers.get.constructor('return typeof process')(); } catch { report.constructorEscape = 'refused'; }
        // Walk everything reachable from ctx: no isolated-vm handle may be among it.
        const seen = new Set(); const found = [];
        const walk = (value, path) => {
          if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
          seen.add(value);
          for (const key of Reflect.ownKeys(value)) {
            const descriptor = Object.getOwnPropertyDescriptor(value, key);
            if (descriptor && 'value' in descriptor) walk(descriptor.value, path + '.' + String(key));
          }
          walk(Object.getPrototypeOf(value), path + '.__proto__');
          const name = value.constructor && value.constructor.name;
          if (['Reference', 'ExternalCopy', 'Callback', 'Isolate', 'Context'].includes(name)) found.push(path);
        };
        walk(ctx, 'ctx');
        report.handles = found;
        // V8's stack-trace API hands out functions and receivers of sloppy frames only.
        const preludeMarker = 'bridge' + 'Apply';
        Error.prepareStackTrace = (error, frames) => frames.map((frame) => {
          const fn = frame.getFunction(); const self = frame.getThis();
          return {
            leaksPrelude: typeof fn === 'function' && String(fn).includes(preludeMarker),
            receiver: self && self.constructor ? self.constructor.name : null,
          };
        });
        try { await ctx.orders.get('o1'); } catch (error) { report.frames = error.stack; }
        delete Error.prepareStackTrace;
        return [report];
      },
    },
  },
}`);

const victim = pluginBundle(`{
  resolvers: {
    Victim: {
      name: async (parents, args, ctx) => {
        const customer = await ctx.customers.get(parents[0].id);
        return [JSON.stringify({ name: customer.name, mapped: [1, 2].map((n) => n * 2) })];
      },
    },
  },
}`);

const STANDARD_GLOBALS = new Set([
  'Object', 'Function', 'Array', 'Number', 'parseFloat', 'parseInt', 'Infinity', 'NaN', 'undefined', 'Boolean',
  'String', 'Symbol', 'Date', 'Promise', 'RegExp', 'Error', 'AggregateError', 'EvalError', 'RangeError',
  'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'globalThis', 'JSON', 'Math', 'Intl', 'ArrayBuffer',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array',
  'Float64Array', 'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array', 'DataView', 'Map', 'BigInt', 'Set',
  'WeakMap', 'WeakSet', 'Proxy', 'Reflect', 'WeakRef', 'decodeURI', 'decodeURIComponent', 'encodeURI',
  'encodeURIComponent', 'escape', 'unescape', 'eval', 'isFinite', 'isNaN', 'console',
]);

const customers: HostFunction = async (capability, args) => {
  if (capability !== 'customers.get') throw Object.assign(new Error(`${capability} is not granted`), { code: 'FORBIDDEN' });
  return { id: (args as { id: string }).id, name: `Customer ${(args as { id: string }).id}` };
};

describe('hostile plugins', () => {
  let supervisor: SandboxSupervisor;
  let victimCalls = 0;

  beforeAll(async () => {
    // One worker: attacker and victim share the process, the hardest case for isolation.
    supervisor = new SandboxSupervisor({ logger: quietLogger, workers: 1, defaultLimits: LIMITS });
    await supervisor.start();
  });
  afterAll(() => supervisor.close());

  const attack = (field: string, host: HostFunction = customers, extra: Partial<Invocation> = {}) =>
    supervisor.invoke({
      installationKey: 'tenant-x/attacker',
      bundle: attacker,
      context: testContext('x'),
      entry: { kind: 'resolver', type: 'Attack', field },
      parents: [{ id: 'p1' }],
      args: {},
      ...extra,
    } as Invocation, host);

  const victimOnce = async () => {
    const id = `v${victimCalls++}`;
    const result = await supervisor.invoke({
      installationKey: 'tenant-y/victim',
      bundle: victim,
      context: testContext('y'),
      entry: { kind: 'resolver', type: 'Victim', field: 'name' },
      parents: [{ id }],
    }, customers);
    expect(result.value).toEqual([JSON.stringify({ name: `Customer ${id}`, mapped: [2, 4] })]);
  };

  /** Runs the attack while the victim is invoked back to back; returns how the attack ended. */
  async function underAttack<T>(attackCall: Promise<InvocationResult<T>>): Promise<PluginError | InvocationResult<T>> {
    let over = false;
    const outcome = attackCall.then(
      (value) => value,
      (error: unknown) => {
        if (!(error instanceof PluginError)) throw error;
        return error;
      },
    ).finally(() => {
      over = true;
    });
    let served = 0;
    do {
      await victimOnce();
      served++;
    } while (!over);
    expect(served).toBeGreaterThan(0);
    return outcome;
  }

  const expectPluginError = (value: unknown, code: string, message: RegExp): PluginError => {
    expect(value).toBeInstanceOf(PluginError);
    const error = value as PluginError;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    return error;
  };

  it('stops an infinite loop with PLUGIN_TIMEOUT and keeps the isolate', async () => {
    await attack('ok');
    const error = expectPluginError(await underAttack(attack('spin')), 'PLUGIN_TIMEOUT', /CPU time limit of 200 ms/);
    expect(error.metrics.cpuMs).toBeGreaterThanOrEqual(150);
    const next = await attack('ok');
    expect(next.value).toEqual(['fine']);
    expect(next.metrics.coldStart).toBe(false);
  });

  it('stops a loop after an awaited host call at the wall-clock deadline and recreates the isolate', async () => {
    const host: HostFunction = async () => null;
    const error = expectPluginError(await underAttack(attack('spinAfterHost', host)), 'PLUGIN_TIMEOUT', /wall-clock deadline of 1000 ms/);
    expect(error.metrics.wallMs).toBeGreaterThanOrEqual(1_000);
    expect(error.metrics.hostCalls).toBe(1);
    const next = await attack('ok');
    expect(next.value).toEqual(['fine']);
    expect(next.metrics.coldStart).toBe(true);
  });

  it('times out an awaited host call that never resolves, without discarding the idle isolate', async () => {
    await attack('ok');
    const never: HostFunction = () => new Promise(() => {});
    expectPluginError(await underAttack(attack('hang', never)), 'PLUGIN_TIMEOUT', /wall-clock deadline/);
    const next = await attack('ok');
    expect(next.metrics.coldStart).toBe(false);
  });

  it('contains a memory bomb: PLUGIN_FAILED about memory, same worker process, fresh isolate next time', async () => {
    const pid = supervisor.workerPid('tenant-x/attacker');
    const limits = { cpuTimeoutMs: 5_000, wallTimeoutMs: 10_000 };
    expectPluginError(await underAttack(attack('memory', customers, { limits })), 'PLUGIN_FAILED', /memory limit of 32 MB/);
    const afterHost = attack('memoryAfterHost', async () => null, { limits });
    expectPluginError(await underAttack(afterHost), 'PLUGIN_FAILED', /memory limit of 32 MB/);
    expect(supervisor.workerPid('tenant-x/attacker')).toBe(pid);
    const next = await attack('ok');
    expect(next.value).toEqual(['fine']);
    expect(next.metrics.coldStart).toBe(true);
  });

  it('turns unbounded recursion into PLUGIN_FAILED', async () => {
    expectPluginError(await underAttack(attack('recurse')), 'PLUGIN_FAILED', /Maximum call stack size exceeded/);
    expect((await attack('ok')).metrics.coldStart).toBe(false);
  });

  it('refuses a 100 MB result inside the isolate, so the core never holds it', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const limits = { memoryMb: 512, cpuTimeoutMs: 5_000, wallTimeoutMs: 10_000 };
    const result = await underAttack(attack('huge', customers, { limits }));
    const error = expectPluginError(result, 'PLUGIN_FAILED', /the limit is 4194304 bytes/);
    expect(error.pluginCode).toBe('RESULT_TOO_LARGE');
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it('measures the result limit in UTF-8 bytes', async () => {
    const limits = { maxResultBytes: 1_000_000 };
    // 400 000 × 'é' is 400 kchars but 800 kB of UTF-8: within the limit
    await expect(attack('wide', customers, { args: { chars: 400_000 }, limits } as Partial<Invocation>)).resolves.toBeDefined();
    // 600 000 × 'é' passes the in-isolate length bound (600 kchars) but is 1.2 MB of UTF-8
    const error = await attack('wide', customers, { args: { chars: 600_000 }, limits } as Partial<Invocation>).catch((e: unknown) => e);
    expectPluginError(error, 'PLUGIN_FAILED', /exceeds 1000000 bytes/);
  });

  it('fails an invocation that exceeds its host-call budget even if the plugin swallows the refusal', async () => {
    const { host, calls } = recordingHost({ 'storage.get': () => 'v' });
    const error = expectPluginError(
      await underAttack(attack('chatty', host, { limits: { maxHostCalls: 3 } })),
      'PLUGIN_FAILED',
      /more than 3 host calls/,
    );
    expect(error.pluginCode).toBe('LIMIT_EXCEEDED');
    expect(calls).toHaveLength(3);
  });

  it('keeps a flood of 100 000 log lines inside the isolate: one call past the budget crosses the bridge, no more', async () => {
    const { host, calls } = recordingHost({ log: () => undefined, 'storage.get': () => 'v' });
    const error = expectPluginError(
      await underAttack(attack('logFlood', host, { limits: { maxHostCalls: 3 } })),
      'PLUGIN_FAILED',
      /^the plugin made more than 3 host calls in one invocation$/,
    );
    expect(error.pluginCode).toBe('LIMIT_EXCEEDED');
    expect(calls.map((c) => c.capability)).toEqual(['log', 'log', 'log']);
    expect(error.metrics.hostCalls).toBe(4);
  });

  it('keeps the bridge exact after the plugin replaces built-ins and pollutes prototypes', async () => {
    expect(await underAttack(attack('tamper'))).toMatchObject({ value: ['tampered'] });
    const { host, calls } = recordingHost({
      'customers.get': (args) => ({ name: `Customer ${(args as { id: string }).id}` }),
      'storage.set': () => undefined,
    });
    const result = await underAttack(attack('afterTamper', host));
    expect(result).not.toBeInstanceOf(PluginError);
    expect((result as InvocationResult).value).toEqual([
      { name: 'Customer c1', refusal: { code: 'FORBIDDEN', message: 'orders.get is not granted' } },
    ]);
    expect(calls).toEqual([
      { capability: 'customers.get', args: { id: 'c1' } },
      { capability: 'storage.set', args: { key: 'k', value: { nested: [1, 2], text: 'v' } } },
      { capability: 'orders.get', args: { id: 'o1' } },
    ]);
  });

  it('keeps host arguments exact under Object.prototype.toJSON', async () => {
    const { host, calls } = recordingHost({ 'customers.get': () => ({}) });
    const result = await attack('toJsonPollution', host, { installationKey: 'tenant-x/attacker-2' } as Partial<Invocation>).catch((e: unknown) => e);
    expect(calls).toEqual([{ capability: 'customers.get', args: { id: 'c1' } }]);
    // The plugin's own result went through its toJSON: the core rejects the shape, nothing more.
    expectPluginError(result, 'PLUGIN_FAILED', /must return an array/);
  });

  it('gives plugin code nothing but standard globals and copies', async () => {
    const { host } = recordingHost();
    const result = await underAttack(attack('reach', host, { installationKey: 'tenant-x/attacker-3' } as Partial<Invocation>));
    const [report] = (result as InvocationResult<Array<Record<string, unknown>>>).value;
    const globals = report!.globals as string[];
    expect(globals.filter((name) => !STANDARD_GLOBALS.has(name))).toEqual(['mosaicPlugin']);
    expect(Object.values(report!.types as Record<string, string>).every((type) => type === 'undefined')).toBe(true);
    expect(report!.dynamicImport).toMatch(/^refused/);
    expect(report!.constructorEscape).toMatch(/^(undefined|refused)$/);
    expect(report!.handles).toEqual([]);
    const frames = report!.frames as Array<{ leaksPrelude: boolean; receiver: string | null }>;
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      expect(frame.leaksPrelude).toBe(false);
      expect(['Reference', 'ExternalCopy', 'Callback']).not.toContain(frame.receiver);
    }
  });
});
