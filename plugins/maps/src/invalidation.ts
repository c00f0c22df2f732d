import type { PluginContext, PluginEvent } from '@mosaic/sdk';
import { geocodeKey, normaliseAddress, type PostalAddress } from './address.js';
import type { Config } from './config.js';
import { geocodeAll, type Geocode, type GeocodeEntry } from './geocoder.js';

/**
 * Each customer's and account's own copy of its geocode, made for the address it had then:
 * `subject:<type>:<id>`. A field reads it with its declared input (a storage input), so a known
 * location costs no host call; an entry made for another address is ignored (the address
 * changed) and replaced. The update event that announces a new address drops both it and the
 * address's entry, so storage does not fill with addresses nobody has any more.
 */

export type Subject = 'Customer' | 'Account';

const subjectKey = (type: Subject, id: string) => `subject:${type}:${id}`;

/** The subject entry as a storage input template, for fields whose input selects `id`. */
export const subjectStorageInput = (type: Subject): string[] => [`subject:${type}:{id}`];

type Parent = { id?: unknown; address?: PostalAddress | null };

/**
 * Geocodes the parents' addresses (by normalised address): from each parent's own copy where it
 * is current, else as geocodeAll does, then writes the copies that were missing or outdated.
 */
export async function geocodeSubjects(type: Subject, parents: readonly Parent[], ctx: PluginContext<Config>): Promise<Map<string, Geocode>> {
  const known = await readSubjects(type, parents, ctx);
  const geocodes = await geocodeAll(parents.map((p) => p.address), ctx, known.byAddress);
  await rememberSubjects(type, parents, geocodes, known, ctx);
  return geocodes;
}

/** What the parents' subject entries already answer: geocodes by normalised address, and the ids whose entry is current. */
interface KnownSubjects {
  byAddress: Map<string, GeocodeEntry>;
  current: Set<string>;
}

/** Reads the parents' subject entries (one `getMany`, answered from the storage inputs when declared); at most `max`. */
async function readSubjects(type: Subject, parents: readonly Parent[], ctx: PluginContext<Config>, max = 100): Promise<KnownSubjects> {
  const withAddress = parents.filter((p): p is { id: string; address: PostalAddress } => typeof p.id === 'string' && !!p.address).slice(0, max);
  const known: KnownSubjects = { byAddress: new Map(), current: new Set() };
  if (withAddress.length === 0) return known;
  const entries = await ctx.storage.getMany(withAddress.map((p) => subjectKey(type, p.id)));
  withAddress.forEach((parent, i) => {
    const entry = entries[i] as Partial<GeocodeEntry> | string | null;
    const normalised = normaliseAddress(parent.address);
    // An entry of the older shape held only the address: it answers nothing and is rewritten.
    if (entry === null || typeof entry !== 'object' || entry.address !== normalised || entry.location === undefined) return;
    known.byAddress.set(normalised, { address: normalised, location: entry.location, geocodedAt: String(entry.geocodedAt ?? '') });
    known.current.add(parent.id);
  });
  return known;
}

/** Writes the subject entry of parents whose geocode is known but whose entry is not current (one write each, at most `max`). */
async function rememberSubjects(
  type: Subject,
  parents: readonly Parent[],
  geocodes: ReadonlyMap<string, Geocode>,
  known: KnownSubjects,
  ctx: PluginContext<Config>,
  max = 20,
): Promise<void> {
  const writes = parents
    .flatMap((p) => {
      if (typeof p.id !== 'string' || !p.address || known.current.has(p.id)) return [];
      const normalised = normaliseAddress(p.address);
      const geocode = geocodes.get(normalised);
      // Only what the address's own entry holds: an address the geocoder could not be asked about has none.
      if (!geocode || geocode.state === 'unavailable') return [];
      const location = geocode.state === 'found' ? geocode.location : null;
      const entry: GeocodeEntry = { address: normalised, location, geocodedAt: geocode.geocodedAt ?? new Date().toISOString() };
      return [[p.id, entry] as const];
    })
    .slice(0, max);
  await Promise.all(writes.map(([id, entry]) => ctx.storage.set(subjectKey(type, id), entry as unknown as Parameters<typeof ctx.storage.set>[1])));
}

/** `customer.updated` / `account.updated`: when `fields` names the address, forget what was geocoded for the old one. */
export function dropOnAddressChange(type: Subject) {
  return async (event: PluginEvent, ctx: PluginContext<Config>): Promise<void> => {
    const fields = event.payload.fields;
    if (!Array.isArray(fields) || !fields.includes('address')) return;
    const key = subjectKey(type, event.subjectId);
    const previous = (await ctx.storage.get(key)) as Partial<GeocodeEntry> | string | null;
    const address = typeof previous === 'string' ? previous : typeof previous?.address === 'string' ? previous.address : null;
    if (address === null) return;
    await ctx.storage.delete(geocodeKey(address));
    await ctx.storage.delete(key);
    ctx.log.debug(`dropped the cached location of ${type} ${event.subjectId}: its address changed`, { subjectId: event.subjectId });
  };
}
