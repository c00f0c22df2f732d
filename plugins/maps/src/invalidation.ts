import type { PluginContext, PluginEvent } from '@mosaic/sdk';
import { geocodeKey, normaliseAddress, type PostalAddress } from './address.js';
import type { Config } from './config.js';
import type { Geocode } from './geocoder.js';

/**
 * Which address a customer or account was last geocoded at, so that the update event that
 * announces a new address can drop the old entry. The cache is keyed by address, so a changed
 * address already misses it; this keeps storage from filling with addresses nobody has any more.
 */

export type Subject = 'Customer' | 'Account';

const subjectKey = (type: Subject, id: string) => `subject:${type}:${id}`;

/** Writes the index for parents whose address was geocoded in this call (one write each, at most `max`). */
export async function rememberSubjects(
  type: Subject,
  parents: ReadonlyArray<{ id?: unknown; address?: PostalAddress | null }>,
  geocodes: ReadonlyMap<string, Geocode>,
  ctx: PluginContext<Config>,
  max = 20,
): Promise<void> {
  const writes = parents
    .flatMap((p) => {
      if (typeof p.id !== 'string' || !p.address) return [];
      const normalised = normaliseAddress(p.address);
      const geocode = geocodes.get(normalised);
      // Only what was stored: an address the geocoder could not be asked about has no entry to drop.
      return geocode?.fetched && geocode.state !== 'unavailable' ? [[p.id, normalised] as const] : [];
    })
    .slice(0, max);
  await Promise.all(writes.map(([id, normalised]) => ctx.storage.set(subjectKey(type, id), normalised)));
}

/** `customer.updated` / `account.updated`: when `fields` names the address, forget what was geocoded for the old one. */
export function dropOnAddressChange(type: Subject) {
  return async (event: PluginEvent, ctx: PluginContext<Config>): Promise<void> => {
    const fields = event.payload.fields;
    if (!Array.isArray(fields) || !fields.includes('address')) return;
    const key = subjectKey(type, event.subjectId);
    const previous = await ctx.storage.get(key);
    if (typeof previous !== 'string') return;
    await ctx.storage.delete(geocodeKey(previous));
    await ctx.storage.delete(key);
    ctx.log.debug(`dropped the cached location of ${type} ${event.subjectId}: its address changed`, { subjectId: event.subjectId });
  };
}
