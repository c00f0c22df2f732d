import { createHash } from 'node:crypto';

/**
 * The carrier's data, derived from nothing but the tracking number: the same number always
 * gives the same shipment, on any machine and at any time, so tests can assert exact answers.
 */

export type ShipmentStatus = 'LABEL_CREATED' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION';

export interface Location {
  city: string;
  country: string;
  lat: number;
  lng: number;
}

export interface ShipmentEvent {
  /** ISO 8601, UTC. */
  at: string;
  status: ShipmentStatus;
  description: string;
  location: Location;
}

export interface Shipment {
  trackingNumber: string;
  carrier: 'Parcelly';
  service: 'STANDARD' | 'EXPRESS';
  status: ShipmentStatus;
  /** When the parcel is (or was) expected; equals deliveredAt once delivered. */
  estimatedDelivery: string;
  deliveredAt: string | null;
  lastLocation: Location;
  /** Oldest first; the last one is the current status. */
  events: ShipmentEvent[];
}

/** Upper-case letters and digits; anything else is not a tracking number. */
export const TRACKING_NUMBER = /^[A-Z0-9]{8,40}$/;

/** Numbers ending in 404 are well-formed but unknown, so clients can test their "not found" path. */
export const isUnknown = (trackingNumber: string): boolean => trackingNumber.endsWith('404');

const HUBS: readonly Location[] = [
  { city: 'Rotterdam', country: 'NL', lat: 51.9244, lng: 4.4777 },
  { city: 'Antwerp', country: 'BE', lat: 51.2194, lng: 4.4025 },
  { city: 'Cologne', country: 'DE', lat: 50.9375, lng: 6.9603 },
  { city: 'Leipzig', country: 'DE', lat: 51.3397, lng: 12.3731 },
  { city: 'Lyon', country: 'FR', lat: 45.764, lng: 4.8357 },
  { city: 'Milan', country: 'IT', lat: 45.4642, lng: 9.19 },
  { city: 'Vienna', country: 'AT', lat: 48.2082, lng: 16.3738 },
  { city: 'Madrid', country: 'ES', lat: 40.4168, lng: -3.7038 },
  { city: 'Copenhagen', country: 'DK', lat: 55.6761, lng: 12.5683 },
  { city: 'Warsaw', country: 'PL', lat: 52.2297, lng: 21.0122 },
];

/** Stages in the order a parcel goes through them; a shipment has reached one of them. */
const STAGES = ['LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION'] as const;
/** Cumulative weights: most parcels a client looks up are on their way or delivered. */
const STAGE_WEIGHTS = [10, 45, 60, 90, 100];

// Timestamps start from a fixed instant, never from the clock.
const EPOCH = Date.UTC(2025, 2, 3, 8, 0, 0);
const HOUR = 3_600_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** The shipment for a well-formed, known tracking number. */
export function shipmentFor(trackingNumber: string): Shipment {
  const seed = createHash('sha256').update(trackingNumber).digest();
  const byte = (i: number) => seed[i % seed.length] ?? 0;
  const origin = HUBS[byte(0) % HUBS.length]!;
  const destination = HUBS[(byte(0) + 1 + (byte(1) % (HUBS.length - 1))) % HUBS.length]!;
  const via = HUBS[byte(2) % HUBS.length]!;
  const roll = byte(3) % 100;
  const stage = STAGES[STAGE_WEIGHTS.findIndex((w) => roll < w)] ?? 'IN_TRANSIT';
  const service = byte(4) % 4 === 0 ? 'EXPRESS' : 'STANDARD';
  const start = EPOCH + (byte(5) % 60) * 24 * HOUR + (byte(6) % 10) * HOUR;
  const eta = start + (service === 'EXPRESS' ? 30 : 76) * HOUR;

  const path: Array<[ShipmentStatus, string, Location, number]> = [
    ['LABEL_CREATED', 'Shipping label created; the sender is preparing the parcel', origin, 0],
    ['IN_TRANSIT', `Picked up in ${origin.city}`, origin, 4 + (byte(7) % 4)],
    ['IN_TRANSIT', `Arrived at the sorting hub in ${via.city}`, via, 14 + (byte(8) % 6)],
    ['IN_TRANSIT', `Arrived at the delivery depot in ${destination.city}`, destination, 24 + (byte(9) % 6)],
    ['OUT_FOR_DELIVERY', 'Out for delivery', destination, 32 + (byte(10) % 4)],
  ];
  const reached = { LABEL_CREATED: 1, IN_TRANSIT: 2 + (byte(11) % 2), OUT_FOR_DELIVERY: 5, DELIVERED: 5, EXCEPTION: 5 }[stage];
  const events: ShipmentEvent[] = path.slice(0, reached).map(([status, description, location, hours]) => ({
    at: iso(start + hours * HOUR),
    status,
    description,
    location,
  }));
  const lastAt = start + (path[reached - 1]?.[3] ?? 0) * HOUR;
  if (stage === 'DELIVERED') {
    events.push({ at: iso(lastAt + 3 * HOUR), status: 'DELIVERED', description: 'Delivered to the recipient', location: destination });
  } else if (stage === 'EXCEPTION') {
    events.push({ at: iso(lastAt + 4 * HOUR), status: 'EXCEPTION', description: 'Delivery attempt failed: recipient not available', location: destination });
  }
  const last = events[events.length - 1]!;
  return {
    trackingNumber,
    carrier: 'Parcelly',
    service,
    status: stage,
    estimatedDelivery: stage === 'DELIVERED' ? last.at : iso(stage === 'EXCEPTION' ? eta + 24 * HOUR : eta),
    deliveredAt: stage === 'DELIVERED' ? last.at : null,
    lastLocation: last.location,
    events,
  };
}
