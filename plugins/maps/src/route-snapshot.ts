import type { JsonValue, PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { readTrack, thin, type ShipmentTrack } from './route.js';

/**
 * The shipment data the route field last received for an order, kept so the order page's map
 * (whose render gets the order alone, not other plugins' fields) can draw the parcel's way too.
 */

/** Points kept per shipment: a drawn line needs no more, and storage stays small. */
export const SNAPSHOT_POINTS = 100;
/** Orders saved per call, so a long page stays within the host's calls per invocation. */
export const MAX_SNAPSHOTS_PER_CALL = 15;

const snapshotKey = (orderId: string) => `route:${orderId}`;

/** A snapshot's shipments, built field by field so that a stored one and a new one compare as JSON. */
const snapshotShipments = (shipments: readonly ShipmentTrack[]) => shipments.slice(-5).map((s) => ({
  label: s.label,
  status: s.status,
  last: s.last ? { lat: s.last.lat, lon: s.last.lon } : null,
  path: thin(s.path, SNAPSHOT_POINTS).map((p) => ({ lat: p.lat, lon: p.lon })),
}));

/**
 * Saves the orders' snapshots that changed: one `getMany` to compare, a write only where the
 * shipments moved on (a read of an unchanged route writes nothing). `savedAt` is when it last changed.
 */
export async function saveRouteSnapshots(routes: ReadonlyArray<{ orderId: string; shipments: ShipmentTrack[] }>, ctx: PluginContext<Config>): Promise<void> {
  const worth = routes.filter((r) => r.shipments.length > 0).slice(0, MAX_SNAPSHOTS_PER_CALL);
  if (worth.length === 0) return;
  const saved = await ctx.storage.getMany(worth.map((r) => snapshotKey(r.orderId)));
  await Promise.all(worth.map(({ orderId, shipments }, i) => {
    const next = snapshotShipments(shipments);
    const before = readSnapshot(saved[i] ?? null);
    if (before && JSON.stringify(snapshotShipments(before)) === JSON.stringify(next)) return undefined;
    return ctx.storage.set(snapshotKey(orderId), { savedAt: new Date().toISOString(), shipments: next } satisfies JsonValue);
  }));
}

export async function readRouteSnapshot(orderId: string, ctx: PluginContext<Config>): Promise<ShipmentTrack[]> {
  return readSnapshot(await ctx.storage.get(snapshotKey(orderId))) ?? [];
}

/** A stored snapshot's shipments, checked like any outside data; null when there is none. */
function readSnapshot(saved: unknown): ShipmentTrack[] | null {
  const shipments = (saved as { shipments?: unknown } | null)?.shipments;
  if (!Array.isArray(shipments)) return null;
  return shipments.flatMap((s: unknown) => {
    const { label, status, last, path } = (s ?? {}) as { label?: unknown; status?: unknown; last?: unknown; path?: unknown };
    return typeof label === 'string' ? readTrack(label, typeof status === 'string' ? status : null, last, path) ?? [] : [];
  });
}
