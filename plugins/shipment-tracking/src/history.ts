import type { PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { CARRIERS, parcelKey, type Carrier, type ParcelRef, type TrackingEvent } from './shipment.js';
import { readParcels } from './store.js';

/**
 * The `events` and `path` of Mosaic_ShipmentTracking_Shipment. The list fields send shipments
 * without their histories (most queries read a status and an ETA); a query that selects the
 * history reads it here, for every shipment of the level with one storage read per 100 parcels.
 * A shipment that already carries its events (a single tracked parcel) is answered from them.
 */

type Ctx = PluginContext<Config>;

/** The host's `getMany` limit. */
const KEYS_PER_READ = 100;

/** A parent of the shipment type's fields, as this plugin's own resolvers returned it. */
interface ShipmentParent {
  carrier?: unknown;
  trackingNumber?: unknown;
  events?: unknown;
}

const refOf = (parent: ShipmentParent): ParcelRef | null =>
  CARRIERS.includes(parent.carrier as Carrier) && typeof parent.trackingNumber === 'string'
    ? { carrier: parent.carrier as Carrier, trackingNumber: parent.trackingNumber }
    : null;

/** Each shipment's events, oldest first; none for a parcel nothing is stored of. */
export async function historiesOf(parents: readonly ShipmentParent[], ctx: Ctx): Promise<TrackingEvent[][]> {
  const toRead = new Map<string, ParcelRef>();
  for (const parent of parents) {
    const ref = Array.isArray(parent.events) ? null : refOf(parent);
    if (ref) toRead.set(parcelKey(ref), ref);
  }
  const refs = [...toRead.values()];
  const stored = new Map<string, TrackingEvent[]>();
  const chunks = Array.from({ length: Math.ceil(refs.length / KEYS_PER_READ) }, (_, i) => refs.slice(i * KEYS_PER_READ, (i + 1) * KEYS_PER_READ));
  await Promise.all(chunks.map(async (chunk) => {
    const records = await readParcels(ctx, chunk);
    chunk.forEach((ref, j) => stored.set(parcelKey(ref), records[j]?.parcel?.events ?? []));
  }));
  return parents.map((parent) => {
    if (Array.isArray(parent.events)) return parent.events as TrackingEvent[];
    const ref = refOf(parent);
    return ref ? stored.get(parcelKey(ref)) ?? [] : [];
  });
}
