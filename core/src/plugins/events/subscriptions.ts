import { LRUCache } from 'lru-cache';
import type { PluginManifest } from '@mosaic/sdk/schema';
import type { ControlDb } from '../../db/control.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { listInstallations, type Installation } from '../installer/index.js';
import { loadVersion } from '../registry/index.js';

/**
 * Verified manifests by plugin@version. Published versions are immutable, so a manifest that
 * verified once stays right; caching spares every drain and every (unauthenticated) webhook
 * request from re-hashing the bundle and re-checking its signature.
 */
export class ManifestCache {
  readonly #cache = new LRUCache<string, Promise<PluginManifest>>({ max: 1_000 });

  constructor(private readonly control: ControlDb) {}

  get(pluginId: string, version: string): Promise<PluginManifest> {
    const key = `${pluginId}@${version}`;
    let pending = this.#cache.get(key);
    if (!pending) {
      pending = loadVersion(this.control, pluginId, version).then((v) => v.manifest);
      // A failure (database down, tampered bundle) is not remembered: the next call tries again.
      pending.catch(() => this.#cache.delete(key));
      this.#cache.set(key, pending);
    }
    return pending;
  }
}

/** A plugin's own events (`plugin.<its id>.…`) are never delivered back to it. */
export const isOwnEvent = (pluginId: string, type: string): boolean => type.startsWith(`plugin.${pluginId}.`);

/** Who in one tenant receives which event types, as of when it was loaded. */
export interface Subscriptions {
  /** Active installations by plugin id. */
  readonly installations: ReadonlyMap<string, Installation>;
  /** Plugin ids whose handlers receive events of `type`. */
  subscribers(type: string): string[];
  subscribes(pluginId: string, type: string): boolean;
}

/**
 * The tenant's active installations and the events their installed versions handle. A version
 * that fails its integrity check is left out (it would not run anyway) rather than stalling the
 * tenant's other plugins; any other failure propagates, so events are never marked dispatched
 * against a partial list.
 */
export async function loadSubscriptions(
  control: ControlDb,
  manifests: ManifestCache,
  logger: Logger,
  tenantId: string,
): Promise<Subscriptions> {
  const active = await listInstallations(control, tenantId, { activeOnly: true });
  const events = new Map<string, ReadonlySet<string>>();
  const installations = new Map<string, Installation>();
  for (const installation of active) {
    installations.set(installation.pluginId, installation);
    try {
      const manifest = await manifests.get(installation.pluginId, installation.version);
      events.set(installation.pluginId, new Set(manifest.events));
    } catch (err) {
      if (!(err instanceof AppError) || !['PLUGIN_TAMPERED', 'NOT_FOUND'].includes(err.code)) throw err;
      logger.error({ tenantId, pluginId: installation.pluginId, version: installation.version, code: err.code }, 'plugin version unusable; it receives no events');
    }
  }
  const subscribes = (pluginId: string, type: string) => !isOwnEvent(pluginId, type) && (events.get(pluginId)?.has(type) ?? false);
  return {
    installations,
    subscribes,
    subscribers: (type) => [...events.keys()].filter((pluginId) => subscribes(pluginId, type)),
  };
}
