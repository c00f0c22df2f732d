import { describe, expect, it } from 'vitest';
import { definePlugin, SDK_API_VERSION } from './define-plugin.js';

const manifest = {
  id: 'acme.hooks',
  version: '1.0.0',
  name: 'Hooks',
  publisher: 'acme',
  description: 'Reacts to things.',
  secrets: [{ name: 'SIGNING_SECRET', description: 'Signs carrier callbacks' }],
  webhooks: [{ name: 'carrier-update', secret: 'SIGNING_SECRET' }],
};
const noop = async () => {};

describe('definePlugin', () => {
  it('derives what the code declares into the manifest', () => {
    const plugin = definePlugin({
      manifest,
      resolvers: { Order: { acme_hooks_eta: async (orders) => orders.map(() => null) } },
      events: { 'order.created': noop },
      actions: { refresh: async () => ({ message: 'ok' }) },
      webhooks: { 'carrier-update': async () => ({ status: 202 }) },
      widgets: [{ id: 'eta', extensionPoint: 'portal.order.detail', title: 'ETA', render: async () => null }],
    });
    expect(plugin.manifest).toEqual({
      ...manifest,
      scopes: [],
      egress: [],
      sdkApiVersion: SDK_API_VERSION,
      events: ['order.created'],
      actions: ['refresh'],
      resolvers: ['Order.acme_hooks_eta'],
      widgets: [{ id: 'eta', extensionPoint: 'portal.order.detail', title: 'ETA' }],
      extensionPoints: ['portal.order.detail'],
      storageInputs: {},
      resultCache: {},
    });
    expect(Object.keys(plugin.widgets)).toEqual(['eta']);
  });

  it('returns a frozen definition the sandbox cannot be fooled into changing', () => {
    const plugin = definePlugin({
      manifest,
      resolvers: { Order: { acme_hooks_eta: async (orders) => orders.map(() => null) } },
      webhooks: { 'carrier-update': noop },
    });
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(Object.isFrozen(plugin.resolvers)).toBe(true);
    expect(Object.isFrozen(plugin.resolvers.Order)).toBe(true);
    expect(Object.isFrozen(plugin.manifest.secrets[0])).toBe(true);
    expect(Object.isFrozen(manifest.secrets[0])).toBe(false);
  });

  it('refuses webhook handlers and declarations that do not match', () => {
    expect(() => definePlugin({ manifest, webhooks: {} })).toThrow('manifest.webhooks without a handler: carrier-update');
    expect(() => definePlugin({ manifest, webhooks: { 'carrier-update': noop, other: noop } }))
      .toThrow('Webhook handlers not declared in manifest.webhooks: other');
  });

  it('refuses two widgets with one id', () => {
    const widget = { id: 'eta', extensionPoint: 'portal.home', title: 'ETA', render: async () => null } as const;
    expect(() => definePlugin({ manifest, webhooks: { 'carrier-update': noop }, widgets: [widget, widget] }))
      .toThrow('Two widgets have the id "eta"');
  });
});
