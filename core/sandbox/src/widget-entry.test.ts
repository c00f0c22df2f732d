import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxSupervisor } from './supervisor.js';
import { noHost, pluginBundle, quietLogger, recordingHost, testContext } from './test-helpers.js';
import type { HostFunction } from './types.js';

// The shape definePlugin gives a bundle: widgets by id, each with its own `render`.
const plugin = pluginBundle(`{
  widgets: {
    'order-status': {
      id: 'order-status',
      extensionPoint: 'portal.order.detail',
      title: 'Status',
      render: async (target, ctx) => {
        const seen = await ctx.storage.get('seen');
        return { type: 'text', text: target.order.orderNumber + ' ' + ctx.installation.pluginId + ' ' + seen };
      },
    },
    blank: { id: 'blank', render: async () => null },
    'no-render': { id: 'no-render' },
  },
  actions: { refresh: async (input) => ({ message: 'refreshed ' + input.n }) },
}`);

describe('the widget entry', () => {
  let supervisor: SandboxSupervisor;
  beforeAll(async () => {
    supervisor = new SandboxSupervisor({ logger: quietLogger, workers: 1 });
    await supervisor.start();
  });
  afterAll(() => supervisor.close());

  const render = (id: string, host: HostFunction = noHost) => supervisor.invoke({
    installationKey: 'tenant-a/inst-1', bundle: plugin, context: testContext('a'),
    entry: { kind: 'widget', id }, target: { order: { orderNumber: 'A-1' } },
  }, host);

  it('calls widgets[id].render with the target and a ctx that reaches the host', async () => {
    const { host, calls } = recordingHost({ 'storage.get': () => 'yes' });
    const { value } = await render('order-status', host);
    expect(value).toEqual({ type: 'text', text: 'A-1 acme.test yes' });
    expect(calls).toEqual([{ capability: 'storage.get', args: { key: 'seen' } }]);
  });

  it('passes a null tree through, and refuses a widget that is missing or has no render', async () => {
    expect((await render('blank')).value).toBeNull();
    await expect(render('nope')).rejects.toMatchObject({ pluginCode: 'NO_ENTRY', message: expect.stringContaining('widget nope') });
    await expect(render('no-render')).rejects.toMatchObject({ pluginCode: 'NO_ENTRY' });
    // An Object.prototype member is not a widget.
    await expect(render('constructor')).rejects.toMatchObject({ pluginCode: 'NO_ENTRY' });
  });

  it('leaves the action entry as it was', async () => {
    const { value } = await supervisor.invoke({
      installationKey: 'tenant-a/inst-1', bundle: plugin, context: testContext('a'),
      entry: { kind: 'action', name: 'refresh' }, input: { n: 2 },
    }, noHost);
    expect(value).toEqual({ message: 'refreshed 2' });
  });
});
