/**
 * The plugin's own model of a parcel, the same whichever carrier moves it: what storage keeps,
 * what the GraphQL types and widgets show. Carrier answers are translated into it at the edge
 * (parcelly.ts, shipfast.ts), so nothing past them knows a carrier's vocabulary.
 */

export const CARRIERS = ['PARCELLY', 'SHIPFAST'] as const;
export type Carrier = (typeof CARRIERS)[number];

export type ShipmentStatus =
  | 'LABEL_CREATED' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED'
  | 'DELAYED' | 'DELIVERY_FAILED' | 'LOST' | 'UNKNOWN';

/** A named place with coordinates (a hub, a depot). */
export interface Place {
  name: string;
  country: string;
  lat: number;
  lon: number;
}

export interface TrackingEvent {
  at: string;
  status: ShipmentStatus;
  description: string;
  location: Place | null;
}

/** What the carrier last told us about one parcel. */
export interface TrackedParcel {
  carrier: Carrier;
  trackingNumber: string;
  status: ShipmentStatus;
  /** When the carrier expects to deliver; the delivery time once delivered; null when lost. */
  eta: string | null;
  deliveredAt: string | null;
  lastLocation: Place | null;
  /** Oldest first. */
  events: TrackingEvent[];
}

/** Identifies a parcel across carriers (each carrier's numbers are its own). */
export interface ParcelRef {
  carrier: Carrier;
  trackingNumber: string;
}

export const parcelKey = (ref: ParcelRef): string => `${ref.carrier}:${ref.trackingNumber}`;

/** The newest events are what people look at; older ones would only grow storage. */
export const MAX_EVENTS = 40;

/** Statuses that need the customer told before they ask. */
export type IncidentKind = 'delay' | 'failed-delivery' | 'loss';

export function incidentOf(status: ShipmentStatus): IncidentKind | null {
  if (status === 'DELAYED') return 'delay';
  if (status === 'DELIVERY_FAILED') return 'failed-delivery';
  if (status === 'LOST') return 'loss';
  return null;
}

/**
 * Parcelly says only EXCEPTION on its events and webhooks; its description tells which kind.
 * The descriptions are the carrier's documented wording ("Delayed at…", "Not scanned as
 * expected…", "Declared lost…", "Delivery attempt failed…").
 */
export function exceptionFromDescription(description: string): ShipmentStatus {
  if (/\blost\b/i.test(description)) return 'LOST';
  if (/delay|not scanned/i.test(description)) return 'DELAYED';
  return 'DELIVERY_FAILED';
}

/** The coordinates the parcel passed, oldest first, one per consecutive place. */
export function pathOf(parcel: Pick<TrackedParcel, 'events'>): Array<{ lat: number; lon: number }> {
  const path: Array<{ lat: number; lon: number }> = [];
  for (const { location } of parcel.events) {
    const last = path.at(-1);
    if (location && !(last && last.lat === location.lat && last.lon === location.lon)) path.push({ lat: location.lat, lon: location.lon });
  }
  return path;
}
