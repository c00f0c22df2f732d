import { derivedJourney, startJourney, type Journey, type Scenario } from './journey.js';
import { isUnknown } from './shipments.js';

/** The two simulated carriers, as named in webhooks and the admin API. */
export const CARRIERS = ['parcelly', 'shipfast'] as const;
export type CarrierName = (typeof CARRIERS)[number];

/** A parcel the service watches for webhooks: every registered one and every number looked up. */
export interface TrackedShipment {
  carrier: CarrierName;
  journey: Journey;
  /** Events up to this instant (epoch ms) have been announced (or predate the watching). */
  announcedThrough: number;
}

/** Bounds memory whatever callers do; past it, lookups still answer but are not watched. */
export const MAX_SHIPMENTS = 10_000;

const PREFIX: Record<CarrierName, string> = { parcelly: 'PY', shipfast: 'SF' };

/**
 * Every shipment the service knows: those registered with a scenario (admin API), and the
 * journeys derived from any other well-formed number when it is first looked up.
 */
export class ShipmentBook {
  private readonly registered = new Map<string, Journey>();
  private readonly watched = new Map<string, TrackedShipment>();
  private sequence = 0;

  constructor(private readonly epoch: number, private readonly speed: number) {}

  /** 'exists': the number is already registered; 'full': MAX_SHIPMENTS reached. */
  register(carrier: CarrierName, scenario: Scenario, now: number, options: { trackingNumber?: string; ageMs?: number }): Journey | 'exists' | 'full' {
    if (this.registered.size >= MAX_SHIPMENTS) return 'full';
    const trackingNumber = options.trackingNumber ?? this.nextNumber(carrier);
    const key = `${carrier}:${trackingNumber}`;
    if (this.registered.has(key)) return 'exists';
    const journey = startJourney(trackingNumber, scenario, now, { speed: this.speed, ageMs: options.ageMs });
    this.registered.set(key, journey);
    this.watch(carrier, journey, now);
    return journey;
  }

  /** The journey behind a well-formed number; null for the numbers every carrier treats as unknown. */
  lookup(carrier: CarrierName, trackingNumber: string, now: number): Journey | null {
    const key = `${carrier}:${trackingNumber}`;
    const known = this.registered.get(key) ?? this.watched.get(key)?.journey;
    if (known) return known;
    if (isUnknown(trackingNumber)) return null;
    const journey = derivedJourney(trackingNumber, this.epoch, this.speed);
    this.watch(carrier, journey, now);
    return journey;
  }

  tracked(): IterableIterator<TrackedShipment> {
    return this.watched.values();
  }

  private watch(carrier: CarrierName, journey: Journey, now: number): void {
    if (this.watched.size >= MAX_SHIPMENTS) return;
    this.watched.set(`${carrier}:${journey.trackingNumber}`, { carrier, journey, announcedThrough: now });
  }

  private nextNumber(carrier: CarrierName): string {
    let number: string;
    do number = `${PREFIX[carrier]}${String(++this.sequence).padStart(10, '0')}`;
    while (isUnknown(number) || this.registered.has(`${carrier}:${number}`));
    return number;
  }
}
