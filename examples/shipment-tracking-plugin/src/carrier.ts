import type { PluginContext } from '@mosaic/sdk';
import * as z from 'zod';
import type { Config } from './config.js';

/**
 * The carrier's API, as this plugin uses it: one GET per tracking number, answers cached in the
 * plugin's storage. Written for Mosaic's per-call limits (100 host calls, 10 fetches), so a
 * query over many orders stays within them instead of failing as a whole.
 */

const status = z.enum(['LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'UNKNOWN']).catch('UNKNOWN');
const location = z.object({ city: z.string(), country: z.string(), lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });

/** What the carrier answers; fields we do not use are dropped, statuses we do not know become UNKNOWN. */
// Instants are checked here: GraphQL's DateTime and the widget timeline both refuse anything else.
const instant = z.iso.datetime({ offset: true });
const carrierShipment = z.object({
  trackingNumber: z.string(),
  carrier: z.string(),
  status,
  estimatedDelivery: instant.nullable(),
  deliveredAt: instant.nullable(),
  lastLocation: location.nullable(),
  events: z.array(z.object({ at: instant, status, description: z.string(), location: location.nullable() })),
});

export type ShipmentStatus = z.output<typeof status>;
export type Location = z.output<typeof location>;

/** The shape of Example_ShipmentTracking_Shipment. */
export interface Shipment {
  trackingNumber: string;
  carrier: string;
  status: ShipmentStatus;
  eta: string | null;
  deliveredAt: string | null;
  lastLocation: Location | null;
  events: Array<{ at: string; status: ShipmentStatus; description: string; location: Location | null }>;
  checkedAt: string;
}

/** `unknown`: the carrier has no such parcel. `unavailable`: we could not ask (logged). */
export type Lookup = { state: 'found'; shipment: Shipment } | { state: 'unknown' } | { state: 'unavailable' };

interface CacheEntry {
  checkedAt: string;
  shipment: Shipment | null;
}

/** Storage reads per call; with the fetches, writes and logs below this stays under 100 host calls. */
const MAX_LOOKUPS = 60;
/** Carrier requests per call, under the host's 10 (a few left for the author's own use). */
const MAX_FETCHES = 8;
/** The newest events are what people look at; older ones would only grow the cache. */
const MAX_EVENTS = 30;

export const cacheKey = (trackingNumber: string): string => `shipment:${trackingNumber}`;

/** Looks up several tracking numbers at once; numbers past the per-call budget come back unavailable. */
export async function lookupShipments(numbers: readonly string[], ctx: PluginContext<Config>): Promise<Map<string, Lookup>> {
  const unique = [...new Set(numbers)];
  const results = new Map<string, Lookup>(unique.map((n) => [n, { state: 'unavailable' }]));
  const wanted = unique.slice(0, MAX_LOOKUPS);
  const cached = ctx.config.cacheSeconds > 0 ? await Promise.all(wanted.map((n) => readCache(n, ctx))) : wanted.map(() => null);
  const misses: string[] = [];
  wanted.forEach((n, i) => {
    const hit = cached[i];
    if (hit) results.set(n, hit.shipment ? { state: 'found', shipment: hit.shipment } : { state: 'unknown' });
    else misses.push(n);
  });
  const deferred = unique.length - wanted.length + Math.max(0, misses.length - MAX_FETCHES);
  if (deferred > 0) ctx.log.info(`${deferred} tracking lookups deferred to a later call (per-call limits)`, { deferred });
  await Promise.all(misses.slice(0, MAX_FETCHES).map(async (n) => {
    const lookup = await fetchShipment(n, ctx);
    results.set(n, lookup);
    if (lookup.state !== 'unavailable' && ctx.config.cacheSeconds > 0) {
      await writeCache(n, { checkedAt: new Date().toISOString(), shipment: lookup.state === 'found' ? lookup.shipment : null }, ctx);
    }
  }));
  return results;
}

async function readCache(trackingNumber: string, ctx: PluginContext<Config>): Promise<CacheEntry | null> {
  const entry = (await ctx.storage.get(cacheKey(trackingNumber))) as CacheEntry | null;
  if (!entry || typeof entry.checkedAt !== 'string') return null;
  const age = Date.now() - Date.parse(entry.checkedAt);
  return age >= 0 && age < ctx.config.cacheSeconds * 1000 ? entry : null;
}

async function writeCache(trackingNumber: string, entry: CacheEntry, ctx: PluginContext<Config>): Promise<void> {
  try {
    await ctx.storage.set(cacheKey(trackingNumber), entry as never);
  } catch (error) {
    // A full store only costs the cache; the answer itself is still good.
    ctx.log.warn('could not cache a shipment', { trackingNumber, error: describe(error) });
  }
}

async function fetchShipment(trackingNumber: string, ctx: PluginContext<Config>): Promise<Lookup> {
  const base = ctx.config.carrierBaseUrl.replace(/\/+$/, '');
  const url = `${base}/v1/shipments/${encodeURIComponent(trackingNumber)}`;
  try {
    // The host fills in the secret after the request leaves the isolate; the plugin never sees it.
    const res = await ctx.fetch(url, { headers: { authorization: 'Bearer {{secret:CARRIER_TOKEN}}', accept: 'application/json' } });
    if (res.status === 404) return { state: 'unknown' };
    if (res.status === 401 || res.status === 403) {
      ctx.log.error('the carrier refused our credentials; check the CARRIER_TOKEN secret', { status: res.status });
      return { state: 'unavailable' };
    }
    if (res.status !== 200) {
      ctx.log.warn('the carrier answered with an error', { trackingNumber, status: res.status });
      return { state: 'unavailable' };
    }
    const parsed = carrierShipment.safeParse(await res.json());
    if (!parsed.success) {
      ctx.log.warn('the carrier answered in an unexpected shape', { trackingNumber, issue: parsed.error.issues[0]?.message ?? '' });
      return { state: 'unavailable' };
    }
    return { state: 'found', shipment: toShipment(parsed.data) };
  } catch (error) {
    ctx.log.warn('could not reach the carrier', { trackingNumber, error: describe(error) });
    return { state: 'unavailable' };
  }
}

function toShipment(s: z.output<typeof carrierShipment>): Shipment {
  return {
    trackingNumber: s.trackingNumber,
    carrier: s.carrier,
    status: s.status,
    eta: s.estimatedDelivery,
    deliveredAt: s.deliveredAt,
    lastLocation: s.lastLocation,
    events: s.events.slice(-MAX_EVENTS),
    checkedAt: new Date().toISOString(),
  };
}

/** Host refusals carry a code (EGRESS_TIMEOUT, FORBIDDEN, ...); keep it in the log line. */
function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? `${code}: ${String(message)}` : String(message ?? error);
}
