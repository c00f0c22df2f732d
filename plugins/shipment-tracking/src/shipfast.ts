import * as z from 'zod';
import { MAX_EVENTS, type Place, type ShipmentStatus, type TrackedParcel } from './shipment.js';

/**
 * ShipFast's API as this plugin reads it: one `POST /api/track { numbers }` answers up to 25
 * parcels, `X-Api-Key`, Unix seconds, eight snake_case states, checkpoints newest first.
 */

export const SHIPFAST_BATCH = 25;
export const SHIPFAST_AUTH = { 'x-api-key': '{{secret:SHIPFAST_API_KEY}}', 'content-type': 'application/json', accept: 'application/json' };

export const shipfastUrl = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, '')}/api/track`;

const STATES: Record<string, ShipmentStatus> = {
  info_received: 'LABEL_CREATED',
  picked_up: 'IN_TRANSIT',
  in_transit: 'IN_TRANSIT',
  out_for_delivery: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
  failed_attempt: 'DELIVERY_FAILED',
  delayed: 'DELAYED',
  lost: 'LOST',
};

export const shipfastStatus = (state: string): ShipmentStatus => STATES[state] ?? 'UNKNOWN';

const seconds = z.number().int().nonnegative();
const facility = z.object({ name: z.string().max(200), country_code: z.string().max(10), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const found = z.object({
  number: z.string(),
  found: z.literal(true),
  state: z.string(),
  eta_ts: seconds.nullable(),
  delivered_ts: seconds.nullable(),
  checkpoints: z.array(z.object({ ts: seconds, state: z.string(), message: z.string().max(1000), facility: facility.nullable().optional() })),
});
const missing = z.object({ number: z.string(), found: z.literal(false), reason: z.string() });
const answer = z.object({ results: z.array(z.union([found, missing])) });

const iso = (s: number | null): string | null => (s === null ? null : new Date(s * 1000).toISOString());
const place = (f: z.output<typeof facility> | null | undefined): Place | null =>
  (f ? { name: f.name, country: f.country_code, lat: f.latitude, lon: f.longitude } : null);

/** By number: the parcel in our model, or null when ShipFast does not know it. Undefined for a malformed answer. */
export function parseShipFast(json: unknown): Map<string, TrackedParcel | null> | undefined {
  const parsed = answer.safeParse(json);
  if (!parsed.success) return undefined;
  const out = new Map<string, TrackedParcel | null>();
  for (const r of parsed.data.results) {
    const number = r.number.toUpperCase();
    if (!r.found) {
      out.set(number, null);
      continue;
    }
    // Newest first on the wire; oldest first in our model.
    const events = [...r.checkpoints].reverse().slice(-MAX_EVENTS)
      .map((c) => ({ at: iso(c.ts)!, status: shipfastStatus(c.state), description: c.message, location: place(c.facility) }));
    out.set(number, {
      carrier: 'SHIPFAST',
      trackingNumber: number,
      status: shipfastStatus(r.state),
      eta: iso(r.eta_ts),
      deliveredAt: iso(r.delivered_ts),
      lastLocation: [...events].reverse().find((e) => e.location)?.location ?? null,
      events,
    });
  }
  return out;
}
