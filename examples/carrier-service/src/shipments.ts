import { HUBS } from './hubs.js';
import { derivedJourney, viewAt, type Journey, type Milestone } from './journey.js';

/**
 * Parcelly, the simpler of the two carriers: one GET per parcel, ISO timestamps, five statuses,
 * events oldest first. Its answers are views of a journey (see journey.ts) at the current time.
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
  /** What went wrong, while the status is EXCEPTION. */
  exceptionReason: 'DELAYED' | 'DELIVERY_FAILED' | 'LOST' | null;
  /** When the parcel is expected: later than now while it is on its way, deliveredAt once delivered, null when lost. */
  estimatedDelivery: string | null;
  deliveredAt: string | null;
  lastLocation: Location;
  /** Oldest first; the last one is the current status. */
  events: ShipmentEvent[];
}

/** Upper-case letters and digits; anything else is not a tracking number. */
export const TRACKING_NUMBER = /^[A-Z0-9]{8,40}$/;

/** Numbers ending in 404 are well-formed but unknown, so clients can test their "not found" path. */
export const isUnknown = (trackingNumber: string): boolean => trackingNumber.endsWith('404');

/**
 * When this module was loaded: the default start of the simulation, so that shipmentFor() and a
 * service started in the same process without an injected clock tell the same story.
 */
export const DEFAULT_EPOCH = Date.now();

const STATUS: Record<Milestone, ShipmentStatus> = {
  label_created: 'LABEL_CREATED',
  picked_up: 'IN_TRANSIT',
  arrived_at_hub: 'IN_TRANSIT',
  departed_hub: 'IN_TRANSIT',
  out_for_delivery: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
  delivery_failed: 'EXCEPTION',
  delayed: 'EXCEPTION',
  lost: 'EXCEPTION',
};

const REASON: Partial<Record<Milestone, Shipment['exceptionReason']>> = { delivery_failed: 'DELIVERY_FAILED', delayed: 'DELAYED', lost: 'LOST' };

export const parcellyStatus = (milestone: Milestone): ShipmentStatus => STATUS[milestone];

const iso = (ms: number) => new Date(ms).toISOString();
const location = ({ city, country, lat, lng }: (typeof HUBS)[number]): Location => ({ city, country, lat, lng });

/** Parcelly's answer for a journey at `now` (epoch ms). */
export function parcellyShipment(journey: Journey, now: number): Shipment {
  const view = viewAt(journey, now);
  const status = STATUS[view.current.milestone];
  return {
    trackingNumber: journey.trackingNumber,
    carrier: 'Parcelly',
    service: journey.service,
    status,
    exceptionReason: status === 'EXCEPTION' ? REASON[view.current.milestone] ?? null : null,
    estimatedDelivery: view.eta === null ? null : iso(view.eta),
    deliveredAt: view.deliveredAt === null ? null : iso(view.deliveredAt),
    lastLocation: location(view.current.hub),
    events: view.events.map((e) => ({ at: iso(e.at), status: STATUS[e.milestone], description: e.description, location: location(e.hub) })),
  };
}

/**
 * Parcelly's answer for a number nobody registered, derived from the number: by default as a
 * service started in this process without an injected clock answers it right now.
 */
export function shipmentFor(trackingNumber: string, at: { epoch?: Date | number; now?: Date | number; speed?: number } = {}): Shipment {
  const journey = derivedJourney(trackingNumber, Number(at.epoch ?? DEFAULT_EPOCH), at.speed ?? 1);
  return parcellyShipment(journey, Number(at.now ?? Date.now()));
}
