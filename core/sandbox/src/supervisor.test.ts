import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginError } from './errors.js';
import { SandboxSupervisor } from './supervisor.js';
import { pluginBundle, recordingHost, testContext, noHost, quietLogger } from './test-helpers.js';

const resolverPlugin = pluginBundle(`{
  resolvers: {
    Customer: {
      loyalty: async (parents, args, ctx) => parents.map((p) => ({ id: p.id, tier: p.spend > args.threshold ? 'gold' : 'basic', tenant: ctx.tenant.slug })),
      wrongLength: async (parents) => parents.slice(1),
      notArray: async () => ({ nope: true }),
      viaHost: async (parents, args, ctx) => Promise.all(parents.map((p) => ctx.customers.get(p.id))),
      refused: async (parents, args, ctx) => { await ctx.orders.get('o1'); return parents; },
      caught: async (parents, args, ctx) => {
        try { await ctx.orders.get('o1'); return ['unexpected']; }
        catch (error) { return [{ code: error.code, message: error.message, isError: error instanceof Error }]; }
      },
    },
  },
  actions: {
    echo: async (input, ctx) => ({ input, config: ctx.config, installation: ctx.installation }),
    everything: async (input, ctx) => {
      const out = {};
      out.customer = await ctx.customers.get('c1');
      out.customers = await ctx.customers.list({ first: 2, after: 'cursor' });
      out.order = await ctx.orders.get('o1');
      out.orders = await ctx.orders.listByCustomer('c1', { first: 5 });
      out.case = await ctx.cases.get('k1');
      out.created = await ctx.cases.create({ subject: 'Hi' });
      out.updated = await ctx.cases.update('k1', { status: 'closed' });
      await ctx.storage.set('key', { deep: [1] });
      out.stored = await ctx.storage.get('key');
      out.many = await ctx.storage.getMany(['key', 'absent']);
      await ctx.storage.delete('key');
      out.keys = await ctx.storage.list('k');
      const response = await ctx.fetch('https://api.example.com/x', { method: 'POST', headers: { a: 'b' }, body: '{"q":1}' });
      out.fetch = { status: response.status, ok: response.ok, headers: response.headers, text: await response.text(), json: await response.json() };
      ctx.log.info('hello', { n: 1 });
      await ctx.emit('thing.happened', { id: 7 });
      return out;
    },
  },
  events: { 'case.created': async (event, ctx) => { await ctx.emit('seen', { id: event.id }); } },
  webhooks: {
    hook: async (request) => ({ status: 201, body: { method: request.method, got: JSON.parse(request.body) } }),
    bad: async () => ({ body: 'no status' }),
  },
}`);

describe('SandboxSupervisor', () => {
  let supervisor: SandboxSupervisor;
  beforeAll(async () => {
    supervisor = new SandboxSupervisor({ logger: quietLogger, workers: 1 });
    await supervisor.start();
  });
  afterAll(() => supervisor.close());

  const resolver = (field: string, parents: unknown[], args: Record<string, unknown> = {}) => ({
    installationKey: 'tenant-a/inst-1',
    bundle: resolverPlugin,
    context: testContext('a'),
    entry: { kind: 'resolver' as const, type: 'Customer', field },
    parents,
    args,
  });

  it('runs a batched resolver once for all parents', async () => {
    const parents = [{ id: 'c1', spend: 10 }, { id: 'c2', spend: 500 }, { id: 'c3', spend: 99 }];
    const result = await supervisor.invoke(resolver('loyalty', parents, { threshold: 100 }), noHost);
    expect(result.value).toEqual([
      { id: 'c1', tier: 'basic', tenant: 'a' },
      { id: 'c2', tier: 'gold', tenant: 'a' },
      { id: 'c3', tier: 'basic', tenant: 'a' },
    ]);
    expect(result.metrics.hostCalls).toBe(0);
    expect(result.metrics.wallMs).toBeGreaterThan(0);
    expect(result.metrics.cpuMs).toBeGreaterThan(0);
  });

  it('keeps the isolate warm for the next call', async () => {
    await supervisor.invoke(resolver('loyalty', [{ id: 'x', spend: 1 }], { threshold: 0 }), noHost);
    const again = await supervisor.invoke(resolver('loyalty', [{ id: 'y', spend: 1 }], { threshold: 0 }), noHost);
    expect(again.metrics.coldStart).toBe(false);
  });

  it('fails a resolver that returns the wrong number of values', async () => {
    const call = supervisor.invoke(resolver('wrongLength', [{ id: 1 }, { id: 2 }]), noHost);
    await expect(call).rejects.toMatchObject({ code: 'PLUGIN_FAILED', message: expect.stringMatching(/returned 1 values for 2 parents/) });
    await expect(supervisor.invoke(resolver('notArray', [{ id: 1 }]), noHost)).rejects.toMatchObject({
      code: 'PLUGIN_FAILED',
      message: expect.stringMatching(/must return an array/),
    });
  });

  it('round-trips a host capability call with the right arguments', async () => {
    const { host, calls } = recordingHost({
      'customers.get': (args) => ({ id: (args as { id: string }).id, name: `Customer ${(args as { id: string }).id}` }),
    });
    const result = await supervisor.invoke(resolver('viaHost', [{ id: 'c1' }, { id: 'c2' }]), host);
    expect(result.value).toEqual([{ id: 'c1', name: 'Customer c1' }, { id: 'c2', name: 'Customer c2' }]);
    expect(calls).toEqual([
      { capability: 'customers.get', args: { id: 'c1' } },
      { capability: 'customers.get', args: { id: 'c2' } },
    ]);
    expect(result.metrics.hostCalls).toBe(2);
  });

  it('reaches every capability through one host function, with copied arguments and results', async () => {
    const { host, calls } = recordingHost({
      'customers.get': () => ({ id: 'c1' }),
      'customers.list': () => ({ edges: [] }),
      'orders.get': () => ({ id: 'o1' }),
      'orders.listByCustomer': () => ({ edges: [{ node: { id: 'o1' } }] }),
      'cases.get': () => ({ id: 'k1' }),
      'cases.create': () => ({ id: 'k2' }),
      'cases.update': () => ({ id: 'k1', status: 'closed' }),
      'storage.set': () => undefined,
      'storage.get': () => ({ deep: [1] }),
      'storage.getMany': () => [{ deep: [1] }, null],
      'storage.delete': () => undefined,
      'storage.list': () => ['key'],
      fetch: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"answer":42}' }),
      log: () => undefined,
      emit: () => undefined,
    });
    const result = await supervisor.invoke(
      { installationKey: 'tenant-a/inst-1', bundle: resolverPlugin, context: testContext('a'), entry: { kind: 'action', name: 'everything' }, input: null },
      host,
    );
    expect(result.value).toEqual({
      customer: { id: 'c1' },
      customers: { edges: [] },
      order: { id: 'o1' },
      orders: { edges: [{ node: { id: 'o1' } }] },
      case: { id: 'k1' },
      created: { id: 'k2' },
      updated: { id: 'k1', status: 'closed' },
      stored: { deep: [1] },
      many: [{ deep: [1] }, null],
      keys: ['key'],
      fetch: { status: 200, ok: true, headers: { 'content-type': 'application/json' }, text: '{"answer":42}', json: { answer: 42 } },
    });
    expect(calls).toEqual([
      { capability: 'customers.get', args: { id: 'c1' } },
      { capability: 'customers.list', args: { first: 2, after: 'cursor' } },
      { capability: 'orders.get', args: { id: 'o1' } },
      { capability: 'orders.listByCustomer', args: { customerId: 'c1', first: 5 } },
      { capability: 'cases.get', args: { id: 'k1' } },
      { capability: 'cases.create', args: { input: { subject: 'Hi' } } },
      { capability: 'cases.update', args: { id: 'k1', input: { status: 'closed' } } },
      { capability: 'storage.set', args: { key: 'key', value: { deep: [1] } } },
      { capability: 'storage.get', args: { key: 'key' } },
      { capability: 'storage.getMany', args: { keys: ['key', 'absent'] } },
      { capability: 'storage.delete', args: { key: 'key' } },
      { capability: 'storage.list', args: { prefix: 'k' } },
      { capability: 'fetch', args: { url: 'https://api.example.com/x', method: 'POST', headers: { a: 'b' }, body: '{"q":1}' } },
      { capability: 'log', args: { level: 'info', message: 'hello', data: { n: 1 } } },
      { capability: 'emit', args: { type: 'thing.happened', payload: { id: 7 } } },
    ]);
    expect(result.metrics.hostCalls).toBe(15);
  });

  it('keeps concurrent invocations of one installation apart, host calls included', async () => {
    const host = async (_capability: string, args: unknown) => {
      const { id } = args as { id: string };
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return { id, name: `Customer ${id}` };
    };
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => supervisor.invoke(resolver('viaHost', [{ id: `c${i}` }, { id: `d${i}` }]), host)),
    );
    results.forEach((result, i) => {
      expect(result.value).toEqual([{ id: `c${i}`, name: `Customer c${i}` }, { id: `d${i}`, name: `Customer d${i}` }]);
      expect(result.metrics.hostCalls).toBe(2);
    });
  });

  it('gives the plugin a host refusal as an Error with its code, and surfaces it as PLUGIN_FAILED', async () => {
    const caught = await supervisor.invoke(resolver('caught', [{}]), noHost);
    expect(caught.value).toEqual([{ code: 'FORBIDDEN', message: 'orders.get is not granted', isError: true }]);

    const error = await supervisor.invoke(resolver('refused', [{}]), noHost).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: 'PLUGIN_FAILED', message: 'orders.get is not granted', pluginCode: 'FORBIDDEN' });
  });

  it('runs events, actions and webhooks', async () => {
    const { host, calls } = recordingHost({ emit: () => undefined });
    const base = { installationKey: 'tenant-a/inst-1', bundle: resolverPlugin, context: testContext('a') };
    const event = await supervisor.invoke({ ...base, entry: { kind: 'event', type: 'case.created' }, event: { id: 'case-9' } }, host);
    expect(event.value).toBeUndefined();
    expect(calls).toEqual([{ capability: 'emit', args: { type: 'seen', payload: { id: 'case-9' } } }]);

    const action = await supervisor.invoke({ ...base, entry: { kind: 'action', name: 'echo' }, input: { n: 1 } }, noHost);
    expect(action.value).toEqual({ input: { n: 1 }, config: { greeting: 'hi' }, installation: testContext('a').installation });

    const request = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
    const hook = await supervisor.invoke({ ...base, entry: { kind: 'webhook', name: 'hook' }, request }, noHost);
    expect(hook.value).toEqual({ status: 201, body: { method: 'POST', got: { a: 1 } } });
    await expect(supervisor.invoke({ ...base, entry: { kind: 'webhook', name: 'bad' }, request }, noHost)).rejects.toMatchObject({
      code: 'PLUGIN_FAILED',
      message: expect.stringMatching(/status/),
    });
  });

  it('keeps host internals from the plugin: an error without a code reaches it as INTERNAL', async () => {
    const failing = async () => {
      throw new Error('connection string postgres://secret@db');
    };
    const error = await supervisor.invoke(resolver('refused', [{}]), failing).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PLUGIN_FAILED', pluginCode: 'INTERNAL', message: 'the host could not complete orders.get' });
  });

  it('treats driver and system errors as host faults even though they carry a code', async () => {
    for (const code of ['SQLITE_ERROR', 'ERR_INVALID_ARG_TYPE', 'ENOENT']) {
      const failing = async () => {
        throw Object.assign(new Error('select secret from tenant_keys at /var/lib/mosaic'), { code });
      };
      const error = await supervisor.invoke(resolver('refused', [{}]), failing).catch((e: unknown) => e);
      expect(error).toMatchObject({ pluginCode: 'INTERNAL', message: 'the host could not complete orders.get' });
    }
  });

  it('rejects invalid limits before running anything', async () => {
    await expect(supervisor.invoke({ ...resolver('loyalty', []), limits: { memoryMb: 1 } }, noHost)).rejects.not.toBeInstanceOf(PluginError);
  });

  it('resends a bundle the worker no longer holds', async () => {
    const small = new SandboxSupervisor({ logger: quietLogger, workers: 1, maxWarmInstallations: 1 });
    try {
      const bundles = Array.from({ length: 20 }, (_, i) => pluginBundle(`{ actions: { which: async () => ${i} } }`));
      const run = (i: number) =>
        small.invoke({ installationKey: `k${i}`, bundle: bundles[i]!, context: testContext(), entry: { kind: 'action', name: 'which' }, input: null }, noHost);
      for (let i = 0; i < bundles.length; i++) expect((await run(i)).value).toBe(i);
      // the worker keeps max(2 × maxWarm, 16) bundles: the first one is gone by now
      expect((await run(0)).value).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('lets a process exit once its calls are done, even without close()', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const here = (file: string) => JSON.stringify(new URL(file, import.meta.url).href);
    const script = `
      import { SandboxSupervisor } from ${here('./supervisor.ts')};
      import { pluginBundle, testContext, noHost, quietLogger } from ${here('./test-helpers.ts')};
      const supervisor = new SandboxSupervisor({ logger: quietLogger });
      await supervisor.start();
      const bundle = pluginBundle('{ actions: { a: async () => 42 } }');
      const { value } = await supervisor.invoke({ installationKey: 'k', bundle, context: testContext(), entry: { kind: 'action', name: 'a' }, input: null }, noHost);
      console.log('value', value);
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('value 42');
  });

  it('names a missing entry', async () => {
    await expect(supervisor.invoke(resolver('nope', [{}]), noHost)).rejects.toMatchObject({
      code: 'PLUGIN_FAILED',
      pluginCode: 'NO_ENTRY',
      message: 'the plugin has no resolver Customer.nope',
    });
  });
});
