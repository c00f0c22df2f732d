import type { PluginContext } from './context.js';
import type { DeclaredManifest } from './manifest.js';
import type { PluginScope } from './scopes.js';

export type CtxOverrides<TConfig> = Partial<Omit<PluginContext<TConfig>, 'config'>>;

const refuse = (what: string) => async () => {
  throw new Error(`${what} is not faked: pass it in the ctx option`);
};

/**
 * An in-process ctx with the host's scope and egress checks, an in-memory storage and no-op
 * log and emit; anything reaching core data must be faked by the test through `overrides`.
 */
export function createTestContext<TConfig>(
  manifest: DeclaredManifest,
  config: TConfig,
  overrides: CtxOverrides<TConfig> = {},
): PluginContext<TConfig> {
  const granted = (scope: PluginScope) => {
    if (!manifest.scopes.includes(scope)) {
      throw Object.assign(new Error(`FORBIDDEN: the manifest does not request the "${scope}" scope`), { code: 'FORBIDDEN' });
    }
  };
  const guard = <T extends object>(scope: PluginScope, api: T): T =>
    new Proxy(api, { get: (target, key) => (granted(scope), Reflect.get(target, key)) });

  const store = new Map<string, string>();
  const base: PluginContext<TConfig> = {
    tenant: { id: 'tenant-test', slug: 'test' },
    installation: { id: 'installation-test', pluginId: manifest.id, version: manifest.version },
    config,
    customers: { get: refuse('ctx.customers.get'), list: refuse('ctx.customers.list') },
    orders: { get: refuse('ctx.orders.get'), listByCustomer: refuse('ctx.orders.listByCustomer') },
    cases: { get: refuse('ctx.cases.get'), create: refuse('ctx.cases.create'), update: refuse('ctx.cases.update') },
    storage: {
      get: async (key) => (store.has(key) ? JSON.parse(store.get(key) as string) : null),
      set: async (key, value) => void store.set(key, JSON.stringify(value)),
      delete: async (key) => void store.delete(key),
      list: async (prefix = '') => [...store.keys()].filter((k) => k.startsWith(prefix)).sort(),
    },
    fetch: refuse('ctx.fetch'),
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    emit: async () => {},
  };
  const ctx = { ...base, ...overrides };
  const cases = ctx.cases;
  return {
    ...ctx,
    customers: guard('customers:read', ctx.customers),
    orders: guard('orders:read', ctx.orders),
    cases: {
      get: (id) => (granted('cases:read'), cases.get(id)),
      create: (input) => (granted('cases:write'), cases.create(input)),
      update: (id, input) => (granted('cases:write'), cases.update(id, input)),
    },
    storage: guard('storage', ctx.storage),
    fetch: (url, init) => (allowedHost(manifest.egress, url), ctx.fetch(url, init)),
  };
}

function allowedHost(egress: readonly string[], url: string): void {
  const host = new URL(url).hostname;
  const ok = egress.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));
  if (!ok) throw Object.assign(new Error(`FORBIDDEN: ${host} is not in the manifest's egress`), { code: 'FORBIDDEN' });
}
