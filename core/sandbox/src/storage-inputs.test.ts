import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxSupervisor } from './supervisor.js';
import { pluginBundle, quietLogger, recordingHost, testContext } from './test-helpers.js';

// A field's storage inputs: storage the host read before the call, sent in the context. Each
// key's first read answers inside the isolate; anything else goes to the host as before.
const plugin = pluginBundle(`{
  resolvers: {
    Order: {
      readTwice: async (parents, args, ctx) => {
        const first = await ctx.storage.get('order:o1');
        first.mutated = true;
        const second = await ctx.storage.get('order:o1');
        return [{ first, second, absent: await ctx.storage.get('order:o2') }];
      },
      many: async (parents, args, ctx) => [await ctx.storage.getMany(['order:o1', 'other', 'order:o2', 'order:o1'])],
      afterWrite: async (parents, args, ctx) => {
        await ctx.storage.set('order:o1', { v: 'new' });
        const read = await ctx.storage.get('order:o1');
        await ctx.storage.delete('order:o2');
        return [{ read, deleted: await ctx.storage.get('order:o2') }];
      },
    },
  },
}`);

describe('storage inputs (prefetched storage)', () => {
  let supervisor: SandboxSupervisor;
  beforeAll(async () => {
    supervisor = new SandboxSupervisor({ logger: quietLogger, workers: 1 });
    await supervisor.start();
  });
  afterAll(() => supervisor.close());

  const STORED: Record<string, unknown> = { 'order:o1': { v: 'stored' }, other: 7, 'order:o2': null };
  const invoke = (field: string, storageJson?: string) => {
    const { host, calls } = recordingHost({
      'storage.get': (args) => STORED[(args as { key: string }).key] ?? null,
      'storage.getMany': (args) => (args as { keys: string[] }).keys.map((k) => STORED[k] ?? null),
      'storage.set': () => undefined,
      'storage.delete': () => undefined,
    });
    const invocation = {
      installationKey: 'tenant-a/inst-1', bundle: plugin, context: testContext('a'),
      entry: { kind: 'resolver' as const, type: 'Order', field }, parents: [{ id: 'o1' }], args: {},
      ...(storageJson !== undefined && { storageJson }),
    };
    return supervisor.invoke(invocation, host).then((result) => ({ value: (result.value as unknown[])[0], calls, hostCalls: result.metrics.hostCalls }));
  };
  const prefetched = JSON.stringify({ keys: ['order:o1', 'order:o2'], values: [{ v: 'prefetched' }, null] });

  it('answers each prefetched key\'s first read without a host call, a missing key as null, and a second read from the host', async () => {
    const { value, calls } = await invoke('readTwice', prefetched);
    expect(value).toEqual({ first: { v: 'prefetched', mutated: true }, second: { v: 'stored' }, absent: null });
    expect(calls).toEqual([{ capability: 'storage.get', args: { key: 'order:o1' } }]);
  });

  it('asks the host, in one getMany, only for the keys it was not sent (a repeated key included)', async () => {
    const { value, calls } = await invoke('many', prefetched);
    expect(value).toEqual([{ v: 'prefetched' }, 7, null, { v: 'stored' }]);
    expect(calls).toEqual([{ capability: 'storage.getMany', args: { keys: ['other', 'order:o1'] } }]);
  });

  it('reads from the host after the plugin wrote or deleted the key', async () => {
    const { calls } = await invoke('afterWrite', prefetched);
    expect(calls.map((c) => `${c.capability} ${JSON.stringify(c.args)}`)).toEqual([
      'storage.set {"key":"order:o1","value":{"v":"new"}}',
      'storage.get {"key":"order:o1"}',
      'storage.delete {"key":"order:o2"}',
      'storage.get {"key":"order:o2"}',
    ]);
  });

  it('without storage inputs, every read is a host call', async () => {
    const { value, hostCalls } = await invoke('readTwice');
    expect(value).toEqual({ first: { v: 'stored', mutated: true }, second: { v: 'stored' }, absent: null });
    expect(hostCalls).toBe(3);
  });

  it('ignores storage inputs of the wrong shape', async () => {
    for (const bad of ['{"keys":["order:o1"],"values":[]}', '{"keys":"order:o1","values":[1]}', '[]', 'null']) {
      const { value, hostCalls } = await invoke('readTwice', bad);
      expect(value).toMatchObject({ first: { v: 'stored' } });
      expect(hostCalls).toBe(3);
    }
  });
});
