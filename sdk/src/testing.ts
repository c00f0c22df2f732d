/**
 * @mosaic/sdk/testing — run a plugin's code from its own tests.
 *
 * STOPGAP: runResolver calls the resolver in this process, with a fake ctx: no isolate, no
 * memory, CPU or time limits, and capabilities that must be faked by the test. It keeps the
 * contract the sandbox enforces (copied arguments, scope and egress checks, one result per
 * parent) so a passing test means something, and will be replaced by a harness that loads the
 * built bundle in the real isolate; tests written against runResolver should carry over.
 */
import type { z } from 'zod';
import type { ConfigSchema, PluginDefinition } from './define-plugin.js';
import { createTestContext, type CtxOverrides } from './test-context.js';

export type { CtxOverrides } from './test-context.js';

export interface RunResolverOptions<S extends ConfigSchema> {
  args?: Record<string, unknown>;
  /** The tenant's settings before parsing; the plugin's config schema fills in defaults. */
  config?: z.input<S>;
  /** Fakes for the capabilities the resolver uses, e.g. `{ orders: { get: async (id) => ... } }`. */
  ctx?: CtxOverrides<z.output<S>>;
}

/** Calls `Type.field` once with all `parents`, as the sandbox would, and returns its results. */
export async function runResolver<S extends ConfigSchema>(
  plugin: PluginDefinition<S>,
  field: `${string}.${string}`,
  parents: readonly unknown[],
  options: RunResolverOptions<S> = {},
): Promise<unknown[]> {
  const [type = '', name = ''] = field.split('.');
  const resolve = plugin.resolvers[type]?.[name];
  if (!resolve) throw new Error(`The plugin has no resolver ${field}; it has ${plugin.manifest.resolvers.join(', ') || 'none'}`);
  const config = (plugin.config ? plugin.config.parse(options.config ?? {}) : {}) as z.output<S>;
  const ctx = createTestContext(plugin.manifest, config, options.ctx);
  // Only copies cross the bridge, so mutations inside the resolver never reach the caller's objects.
  const results = await resolve(structuredClone([...parents]), structuredClone(options.args ?? {}), ctx);
  if (!Array.isArray(results) || results.length !== parents.length) {
    throw new Error(`${field} must return one result per parent: got ${Array.isArray(results) ? results.length : typeof results} for ${parents.length}`);
  }
  return results;
}
