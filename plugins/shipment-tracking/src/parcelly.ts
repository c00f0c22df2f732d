import * as z from 'zod';
import { exceptionFromDescription, MAX_EVENTS, type Place, type ShipmentStatus, type TrackedParcel } from './shipment.js';

/**
 * Parcelly's API as this plugin reads it: `GET /v1/shipments/:number` with a bearer token, ISO
 * instants, five statuses (EXCEPTION qualified by `exceptionReason`), events oldest first.
 */

const instant = z.iso.datetime({ offset: true });
const location = z.object({ city: z.string().max(200), country: z.string().max(100), lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
const answer = z.object({
  trackingNumber: z.string(),
  status: z.string(),
  exceptionReason: z.string().nullable().optional(),
  estimatedDelivery: instant.nullable(),
  deliveredAt: instant.nullable(),
  lastLocation: location.nullable(),
  events: z.array(z.object({ at: instant, status: z.string(), description: z.string().max(1000), location: location.nullable() })),
});

export const PARCELLY_AUTH = { authorization: 'Bearer {{secret:PARCELLY_TOKEN}}', accept: 'application/json' };

export const parcellyUrl = (baseUrl: string, trackingNumber: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/v1/shipments/${encodeURIComponent(trackingNumber)}`;

const REASONS: Record<string, ShipmentStatus> = { DELAYED: 'DELAYED', DELIVERY_FAILED: 'DELIVERY_FAILED', LOST: 'LOST' };

/** A Parcelly status word in our terms; EXCEPTION needs its reason or, failing that, its description. */
export function parcellyStatus(status: string, reason: string | null | undefined, description = ''): ShipmentStatus {
  switch (status) {
    case 'LABEL_CREATED': case 'IN_TRANSIT': case 'OUT_FOR_DELIVERY': case 'DELIVERED': return status;
    case 'EXCEPTION': return (reason && REASONS[reason]) || exceptionFromDescription(description);
    default: return 'UNKNOWN';
  }
}

const place = (l: z.output<typeof location> | null): Place | null => (l ? { name: l.city, country: l.country, lat: l.lat, lon: l.lng } : null);

/** Parcelly's JSON in our model, or null when it is not the shape Parcelly documents. */
export function parseParcelly(json: unknown): TrackedParcel | null {
  const parsed = answer.safeParse(json);
  if (!parsed.success) return null;
  const a = parsed.data;
  const events = a.events.slice(-MAX_EVENTS).map((e) => ({ at: e.at, status: parcellyStatus(e.status, null, e.description), description: e.description, location: place(e.location) }));
  return {
    carrier: 'PARCELLY',
    trackingNumber: a.trackingNumber.toUpperCase(),
    status: parcellyStatus(a.status, a.exceptionReason, events.at(-1)?.description),
    eta: a.estimatedDelivery,
    deliveredAt: a.deliveredAt,
    lastLocation: place(a.lastLocation),
    events,
  };
}
