import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginError } from './errors.js';
import { SandboxSupervisor } from './supervisor.js';
import { noHost, pluginBundle, quietLogger, testContext } from './test-helpers.js';
import type { HostFunction } from './types.js';

const plugin = pluginBundle(`{
  resolvers: {
    Query: {
      ownError: async () => {
        class UserInputError extends Error { name = 'UserInputError'; code = 'BAD_USER_INPUT'; }
        throw new UserInputError('"x" is not a tracking number');
      },
      ownObject: async () => { throw { code: 'BAD_USER_INPUT', message: 'first must be positive' }; },
      escapedRefusal: async (parents, args, ctx) => { await ctx.storage.set('k', 'v'); return parents; },
      rethrownRefusal: async (parents, args, ctx) => {
        try { await ctx.storage.set('k', 'v'); } catch (error) { throw error; }
        return parents;
      },
      otherCode: async () => { throw Object.assign(new Error('nope'), { code: 'UNAUTHENTICATED' }); },
      perParent: async (parents, args, ctx) => {
        class UserInputError extends Error { code = 'BAD_USER_INPUT'; }
        let refusal;
        try { await ctx.storage.set('k', 'v'); } catch (error) { refusal = error; }
        return [new UserInputError('bad first'), new Error('broken second'), refusal, Object.assign(new Error('mine'), { code: 'UNAUTHENTICATED' }), 'fine'];
      },
    },
  },
}`);

/** A host refusing every storage write as the plugin's bad argument, as the storage host does for an oversized value. */
const refusingHost: HostFunction = async () => {
  throw Object.assign(new Error('storage value is 70002 bytes of JSON; the limit is 65536'), { code: 'BAD_USER_INPUT' });
};

describe('a plugin\'s own BAD_USER_INPUT', () => {
  let supervisor: SandboxSupervisor;
  beforeAll(async () => {
    supervisor = new SandboxSupervisor({ logger: quietLogger, workers: 1 });
    await supervisor.start();
  });
  afterAll(() => supervisor.close());

  const invoke = (field: string, host: HostFunction = noHost) => supervisor.invoke({
    installationKey: 'tenant-a/inst-1', bundle: plugin, context: testContext('a'),
    entry: { kind: 'resolver', type: 'Query', field }, parents: [{}], args: {},
  }, host).then(() => 'no error', (e: unknown) => e);

  it('reaches the core as BAD_USER_INPUT with the plugin\'s message, from an Error or a plain object', async () => {
    const error = await invoke('ownError');
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', pluginCode: 'BAD_USER_INPUT', message: '"x" is not a tracking number' });
    expect(await invoke('ownObject')).toMatchObject({ code: 'BAD_USER_INPUT', message: 'first must be positive' });
  });

  it('is not what a host refusal becomes, let escape or re-thrown: that stays PLUGIN_FAILED', async () => {
    for (const field of ['escapedRefusal', 'rethrownRefusal']) {
      expect(await invoke(field, refusingHost)).toMatchObject({
        code: 'PLUGIN_FAILED', pluginCode: 'BAD_USER_INPUT', message: 'storage value is 70002 bytes of JSON; the limit is 65536',
      });
    }
  });

  it('marks a batched resolver\'s per-parent user errors, and only those, as BAD_USER_INPUT', async () => {
    const result = await supervisor.invoke({
      installationKey: 'tenant-a/inst-1', bundle: plugin, context: testContext('a'),
      entry: { kind: 'resolver', type: 'Query', field: 'perParent' }, parents: [{}, {}, {}, {}, {}], args: {},
    }, refusingHost);
    expect(result.value).toEqual([
      { __mosaicItemError: 'bad first', __mosaicItemCode: 'BAD_USER_INPUT' },
      { __mosaicItemError: 'broken second' },
      { __mosaicItemError: 'storage value is 70002 bytes of JSON; the limit is 65536' },
      { __mosaicItemError: 'mine' },
      'fine',
    ]);
  });

  it('is the only code a plugin can choose: any other stays PLUGIN_FAILED', async () => {
    expect(await invoke('otherCode')).toMatchObject({ code: 'PLUGIN_FAILED', pluginCode: 'UNAUTHENTICATED', message: 'nope' });
  });
});
