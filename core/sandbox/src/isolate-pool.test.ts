import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostBridge } from './bridge.js';
import type { CachedBundle } from './installation-sandbox.js';
import { IsolatePool } from './isolate-pool.js';
import { DEFAULT_LIMITS } from './limits.js';
import { envelope, type Failure, type HostCallMessage } from './protocol.js';
import { pluginBundle, rawBundle } from './test-helpers.js';

// In-process: these isolates run no hostile code, so the test worker is not at risk.
const limits = { ...DEFAULT_LIMITS, memoryMb: 16 };
const source = pluginBundle(`{ actions: { ping: async () => 'pong' } }`);
const pools: IsolatePool[] = [];

function newPool(maxWarm = 10): IsolatePool {
  const pool = new IsolatePool({
    maxWarm,
    bridge: new HostBridge(() => {}),
    onCatastrophicError: (message) => {
      throw new Error(message);
    },
  });
  pools.push(pool);
  return pool;
}

function addBundle(pool: IsolatePool, bundle = source): CachedBundle {
  const added = pool.addBundle(bundle.sha256, bundle.code);
  if ('ok' in added) throw new Error(added.message);
  return added;
}

async function acquire(pool: IsolatePool, key: string, bundle: CachedBundle, memoryMb = limits.memoryMb) {
  const acquired = await pool.acquire(key, bundle, { ...limits, memoryMb });
  if (!acquired.ok) throw new Error(acquired.message);
  return acquired;
}

afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

describe('IsolatePool', () => {
  it('compiles a bundle once and cold-starts other installations from its code cache', async () => {
    const pool = newPool();
    const bundle = addBundle(pool);
    const first = await acquire(pool, 'a', bundle);
    expect(first.coldStart).toBe(true);
    expect(first.sandbox.cachedDataUsed).toBe(false);
    expect(bundle.cachedData).toBeDefined();
    const second = await acquire(pool, 'b', bundle);
    expect(second.coldStart).toBe(true);
    expect(second.sandbox.cachedDataUsed).toBe(true);
    const again = await acquire(pool, 'a', bundle);
    expect(again).toMatchObject({ coldStart: false });
    expect(again.sandbox).toBe(first.sandbox);
  });

  it('runs an entry in a warm sandbox', async () => {
    const pool = newPool();
    const { sandbox } = await acquire(pool, 'a', addBundle(pool));
    const outcome = await sandbox.run({
      invocationId: 1,
      entry: { kind: 'action', name: 'ping' },
      payloadJson: '[null]',
      contextJson: JSON.stringify({ tenant: {}, installation: {}, config: {} }),
      limits,
    });
    expect(outcome).toEqual({ ok: true, json: '"pong"' });
  });

  it('shares one cold start between concurrent calls of the same installation', async () => {
    const pool = newPool();
    const bundle = addBundle(pool);
    const [one, two] = await Promise.all([acquire(pool, 'a', bundle), acquire(pool, 'a', bundle)]);
    expect(one.sandbox).toBe(two.sandbox);
    expect(one.sandbox.busy).toBe(2);
  });

  it('disposes the least recently used installation beyond maxWarm, once it is idle', async () => {
    const pool = newPool(2);
    const bundle = addBundle(pool);
    const a = await acquire(pool, 'a', bundle);
    const b = await acquire(pool, 'b', bundle);
    pool.release(b.sandbox);
    await acquire(pool, 'c', bundle);
    // 'a' is least recently used but busy: retired, not yet disposed
    expect(a.sandbox.retired).toBe(true);
    expect(a.sandbox.isDisposed).toBe(false);
    pool.release(a.sandbox);
    expect(a.sandbox.isDisposed).toBe(true);
    expect(b.sandbox.isDisposed).toBe(false);
    expect((await acquire(pool, 'a', bundle)).coldStart).toBe(true);
  });

  it('recreates a sandbox whose isolate is gone, and replaces one on another bundle or memory cap', async () => {
    const pool = newPool();
    const bundle = addBundle(pool);
    const first = await acquire(pool, 'a', bundle);
    pool.release(first.sandbox);
    first.sandbox.dispose();
    const second = await acquire(pool, 'a', bundle);
    expect(second.coldStart).toBe(true);
    pool.release(second.sandbox);

    const upgraded = addBundle(pool, pluginBundle(`{ actions: { ping: async () => 'pong v2' } }`));
    const third = await acquire(pool, 'a', upgraded);
    expect(third.coldStart).toBe(true);
    expect(second.sandbox.isDisposed).toBe(true);
    pool.release(third.sandbox);

    const bigger = await acquire(pool, 'a', upgraded, 32);
    expect(bigger.coldStart).toBe(true);
    expect(bigger.sandbox.memoryMb).toBe(32);
  });

  it('cold-starts from the blank sandbox it keeps ready, its bridge bound to the installation that took it', async () => {
    const calls: HostCallMessage[] = [];
    const bridge = new HostBridge((message) => {
      calls.push(message);
      bridge.settle({ type: 'host-result', id: message.id, callId: message.callId, envelope: envelope.value(`stored for ${message.id}`) });
    });
    const pool = new IsolatePool({ maxWarm: 10, bridge, onCatastrophicError: (message) => { throw new Error(message); } });
    pools.push(pool);
    const bundle = addBundle(pool, pluginBundle(`{ actions: { read: async (_input, ctx) => ctx.storage.get('k') } }`));
    const defaults = { ...DEFAULT_LIMITS };
    const run = async (key: string, invocationId: number) => {
      const acquired = await pool.acquire(key, bundle, defaults);
      if (!acquired.ok) throw new Error(acquired.message);
      expect(acquired.coldStart).toBe(true);
      const invocation = bridge.open(invocationId, key, defaults);
      const outcome = await acquired.sandbox.run({ invocationId, entry: { kind: 'action', name: 'read' }, payloadJson: '[null]', contextJson: '{}', limits: defaults });
      bridge.close(invocationId, false);
      pool.release(acquired.sandbox);
      return { outcome, hostCalls: invocation.hostCalls };
    };
    expect(await pool.hasSpare()).toBe(true);
    expect(await run('a', 1)).toEqual({ outcome: { ok: true, json: '"stored for 1"' }, hostCalls: 1 });
    // The next spare is made once the worker has been idle a moment.
    await vi.waitFor(async () => expect(await pool.hasSpare()).toBe(true));
    expect(await run('b', 2)).toEqual({ outcome: { ok: true, json: '"stored for 2"' }, hostCalls: 1 });
    expect(pool.spareStarts).toBe(2);
    // Another memory cap than the spare's: made from scratch, as before.
    expect((await acquire(pool, 'c', bundle, 16)).sandbox.memoryMb).toBe(16);
    expect(pool.spareStarts).toBe(2);
  });

  it('a spare\'s warm-up leaves nothing behind: the bundle loads into a context without a plugin', async () => {
    const pool = newPool();
    expect(await pool.hasSpare()).toBe(true);
    const seen = rawBundle(`const before = typeof globalThis.mosaicPlugin; globalThis.mosaicPlugin = { actions: { seen: async () => before } };`);
    const acquired = await acquire(pool, 'a', addBundle(pool, seen), DEFAULT_LIMITS.memoryMb);
    expect(pool.spareStarts).toBe(1);
    const outcome = await acquired.sandbox.run({ invocationId: 1, entry: { kind: 'action', name: 'seen' }, payloadJson: '[null]', contextJson: '{}', limits: DEFAULT_LIMITS });
    expect(outcome).toEqual({ ok: true, json: '"undefined"' });
  });

  it('a spare\'s bridge refuses every call until it is bound, and binds to one installation only', async () => {
    const calls: HostCallMessage[] = [];
    const bridge = new HostBridge((message) => {
      calls.push(message);
      bridge.settle({ type: 'host-result', id: message.id, callId: message.callId, envelope: envelope.value('v') });
    });
    const slot = bridge.unboundReference();
    bridge.open(7, 'a', limits);
    const ask = () => slot.reference.apply(undefined, [7, 'storage.get', '{"key":"k"}'], { result: { promise: true } });
    expect(await ask()).toMatch(/^E\{"code":"INVOCATION_ENDED"/);
    expect(calls).toHaveLength(0);
    slot.bind('a', () => {});
    expect(await ask()).toBe('R"v"');
    expect(calls).toMatchObject([{ type: 'host-call', id: 7, capability: 'storage.get' }]);
    expect(() => slot.bind('b', () => {})).toThrow(/one installation only/);
  });

  it('refuses a bundle whose code does not match its sha256', () => {
    const pool = newPool();
    const result = pool.addBundle(source.sha256, `${source.code} /* tampered */`) as Failure;
    expect(result).toMatchObject({ ok: false, code: 'PLUGIN_FAILED', pluginCode: 'INTEGRITY' });
    expect(pool.bundle(source.sha256)).toBeUndefined();
  });

  it('reports a bundle that throws while loading', async () => {
    const pool = newPool();
    const broken = addBundle(pool, pluginBundle(`(() => { throw new TypeError('boom'); })()`));
    const acquired = await pool.acquire('a', broken, limits);
    expect(acquired).toMatchObject({ ok: false, code: 'PLUGIN_FAILED', message: 'the plugin bundle failed to load: TypeError: boom' });
  });
});
