import { storageReadPlan } from '@mosaic/sdk/schema';
import { readStorageInputs, storageRevision } from './host/storage.js';
import { pluginParents } from './parents.js';
import { cacheable, PluginResultCache } from './runtime/result-cache.js';
import { installationKeyOf, type PluginRuntime } from './runtime/runtime.js';
import type { ResolveBatch } from './schema/tenant-schemas.js';

/**
 * How the platform resolves one batch of a plugin field: the parents as the plugin receives them,
 * then a kept result if the field declares `resultCache` and one matches, else one sandbox call
 * with the field's storage inputs read for it (kept afterwards when it may be).
 *
 * A kept result is keyed by the storage revision rather than by the storage inputs' values: the
 * values follow from the revision and the parents (the templates are the version's), so a hit
 * needs neither the keys made nor the values read. The revision is read before any value, so a
 * result is never kept under a revision older than what it read.
 */
export function fieldBatches(runtime: PluginRuntime, results: PluginResultCache | undefined): ResolveBatch {
  return async (tenant, installation, { type, field }, parents, args, _context, call) => {
    const sent = call.declared ? parents : await pluginParents(tenant, type, parents);
    // Without the scope the plugin's own reads are refused as before; nothing is read for it.
    const templates = call.storageInputs && installation.grantedScopes.includes('storage') ? call.storageInputs : undefined;
    const revision = templates ? await storageRevision(tenant.data.db, installation.pluginId) : undefined;
    const maxAgeSeconds = results && call.maxAgeSeconds;
    const resultKey = maxAgeSeconds
      ? PluginResultCache.keyOf({ installationKey: installationKeyOf(tenant, installation), coordinate: `${type}.${field}`, args, parents: sent, storageRevision: revision })
      : undefined;
    const kept = resultKey && results?.get(resultKey);
    if (kept) return kept;
    const plan = templates && storageReadPlan(templates, sent);
    const storageJson = plan && plan.keys.length > 0 && revision !== undefined
      ? await readStorageInputs(tenant.data.db, installation.pluginId, plan, revision)
      : undefined;
    const { value, metrics } = await runtime.invokeMetered(tenant, installation, {
      entry: { kind: 'resolver', type, field },
      parents: sent,
      args,
      ...(storageJson !== undefined && { storageJson }),
    }, { actor: tenant.actor, role: tenant.role });
    const result = value as unknown[];
    if (resultKey && maxAgeSeconds && Array.isArray(result) && cacheable(result, metrics.hostCalls)) results?.set(resultKey, result, maxAgeSeconds);
    return result;
  };
}
