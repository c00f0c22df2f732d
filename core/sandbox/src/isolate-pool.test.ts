import { afterEach, describe, expect, it } from 'vitest';
import { HostBridge } from './bridge.js';
import type { CachedBundle } from './installation-sandbox.js';
import { IsolatePool } from './isolate-pool.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { Failure } from './protocol.js';
import { pluginBundle } from './test-helpers.js';

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
