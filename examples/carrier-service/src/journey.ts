import { createHash } from 'node:crypto';
import { HUBS, type Hub } from './hubs.js';

/**
 * A parcel's whole journey, planned up front: every event with the instant it happens. What a
 * carrier shows at a given moment is the part of the plan whose time has come (viewAt), so a
 * shipment progresses as the clock moves, and the same plan gives the same answers at the same
 * instant. Carriers translate a view into their own API shapes and vocabularies.
 */

export const SCENARIOS = ['on-time', 'delayed', 'delivered', 'lost', 'exception'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Carrier-neutral event kinds; each carrier maps them onto its own status vocabulary. */
export type Milestone =
  | 'label_created' | 'picked_up' | 'arrived_at_hub' | 'departed_hub' | 'out_for_delivery'
  | 'delivered' | 'delivery_failed' | 'delayed' | 'lost';

export interface JourneyEvent {
  /** Epoch milliseconds. */
  at: number;
  milestone: Milestone;
  hub: Hub;
  description: string;
  /** The expected delivery announced with this event (epoch ms); null once nobody can say. */
  eta: number | null;
}

export interface Journey {
  trackingNumber: string;
  scenario: Scenario;
  service: 'STANDARD' | 'EXPRESS';
  /** Oldest first; the first one (label created) is the creation time. */
  events: JourneyEvent[];
}

export interface JourneyView {
  /** The events whose time has come, oldest first (never empty: the label exists from the start). */
  events: JourneyEvent[];
  current: JourneyEvent;
  /** Always later than `now` while the parcel is live; null when lost. */
  eta: number | null;
  deliveredAt: number | null;
  /** Neither delivered nor lost: more events will come. */
  live: boolean;
}

export const HOUR = 3_600_000;

/** Bytes derived from a text, to pick routes and timings deterministically. */
export function seedBytes(text: string): (i: number) => number {
  const seed = createHash('sha256').update(text).digest();
  return (i) => seed[i % seed.length] ?? 0;
}

interface Step {
  hours: number;
  milestone: Milestone;
  hub: Hub;
  description: string;
}

/**
 * The plan for a tracking number under a scenario, starting at `createdAt`. `speed` compresses
 * time (60: an hour of the journey passes in a real minute), for demos.
 */
export function planJourney(trackingNumber: string, scenario: Scenario, createdAt: number, speed = 1): Journey {
  const byte = seedBytes(trackingNumber);
  const origin = HUBS[byte(0) % HUBS.length]!;
  const destination = HUBS[(byte(0) + 1 + (byte(1) % (HUBS.length - 1))) % HUBS.length]!;
  const others = HUBS.filter((h) => h !== origin && h !== destination);
  const first = others[byte(2) % others.length]!;
  const second = others[(others.indexOf(first) + 1 + (byte(12) % (others.length - 1))) % others.length]!;
  const transit = byte(13) % 2 === 0 ? [first] : [first, second];
  const service = byte(4) % 4 === 0 ? 'EXPRESS' : 'STANDARD';
  const leg = service === 'EXPRESS' ? 4 : 8;

  let t = 0;
  const steps: Step[] = [{ hours: t, milestone: 'label_created', hub: origin, description: 'Shipping label created; the sender is preparing the parcel' }];
  const at = (hours: number, milestone: Milestone, hub: Hub, description: string) => {
    t = hours;
    steps.push({ hours, milestone, hub, description });
  };
  at(t + 3 + (byte(7) % 4), 'picked_up', origin, `Picked up in ${origin.city}`);
  transit.forEach((hub, i) => {
    at(t + leg + (byte(8 + i) % 4), 'arrived_at_hub', hub, `Arrived at the ${hub.city} hub (${hub.code})`);
    at(t + 2, 'departed_hub', hub, `Departed the ${hub.city} hub`);
  });
  at(t + leg + (byte(10) % 4), 'arrived_at_hub', destination, `Arrived at the delivery depot in ${destination.city} (${destination.code})`);
  at(t + 8 + (byte(11) % 3), 'out_for_delivery', destination, 'Out for delivery');
  at(t + 2 + (byte(14) % 3), 'delivered', destination, 'Delivered to the recipient');

  const ms = (hours: number) => createdAt + Math.round((hours * HOUR) / speed);
  const events = shape(steps, scenario, byte(15) % 2 === 0 ? 24 : 48).map(([step, etaHours]) => ({
    at: ms(step.hours),
    milestone: step.milestone,
    hub: step.hub,
    description: step.description,
    eta: etaHours === null ? null : ms(etaHours),
  }));
  return { trackingNumber, scenario, service, events };
}

/**
 * Bends the on-time plan into the scenario and pairs each step with the delivery time it
 * announces. Every announced time is that of a later step (or, before a delay, the original
 * delivery time, which lies after the delay), so a live parcel's ETA is never in the past.
 */
function shape(steps: Step[], scenario: Scenario, delayHours: number): Array<[Step, number | null]> {
  const delivered = steps.at(-1)!;
  const onTime = delivered.hours;
  if (scenario === 'on-time' || scenario === 'delivered') return steps.map((s) => [s, onTime]);

  if (scenario === 'delayed') {
    // Held at the first hub: one more event, everything after it later.
    const hubIndex = steps.findIndex((s) => s.milestone === 'arrived_at_hub');
    const hub = steps[hubIndex]!;
    const delay: Step = { hours: hub.hours + 1, milestone: 'delayed', hub: hub.hub, description: `Delayed at the ${hub.hub.city} hub: missed the line-haul connection` };
    const later = steps.slice(hubIndex + 1).map((s) => ({ ...s, hours: s.hours + delayHours }));
    return [
      ...steps.slice(0, hubIndex + 1).map((s): [Step, number] => [s, onTime]),
      [delay, onTime + delayHours],
      ...later.map((s): [Step, number] => [s, onTime + delayHours]),
    ];
  }

  if (scenario === 'exception') {
    // The first delivery attempt fails; the next day's succeeds.
    const before = steps.slice(0, -1);
    const failed: Step = { ...delivered, milestone: 'delivery_failed', description: 'Delivery attempt failed: recipient not available; we will try again tomorrow' };
    const retry: Step = { ...delivered, hours: onTime + 21, milestone: 'out_for_delivery', description: 'Out for delivery (second attempt)' };
    const done: Step = { ...delivered, hours: onTime + 24 };
    return [...before.map((s): [Step, number] => [s, onTime]), [failed, onTime + 24], [retry, onTime + 24], [done, onTime + 24]];
  }

  // lost: the last scan is leaving the first hub; the search starts before the promised day.
  const lastScan = steps.findIndex((s) => s.milestone === 'departed_hub');
  const scanned = steps.slice(0, lastScan + 1);
  const hub = scanned.at(-1)!.hub;
  const missing: Step = { hours: onTime - 2, milestone: 'delayed', hub, description: 'Not scanned as expected; we are looking for the parcel' };
  const lost: Step = { hours: onTime + 70, milestone: 'lost', hub, description: 'Declared lost; the sender has been notified' };
  return [...scanned.map((s): [Step, number] => [s, onTime]), [missing, null], [lost, null]];
}

/**
 * A journey that starts `ageMs` before `now`. A `delivered` one is placed so that it ended six
 * (journey) hours before `now`, whatever the age.
 */
export function startJourney(trackingNumber: string, scenario: Scenario, now: number, options: { speed?: number; ageMs?: number } = {}): Journey {
  const speed = options.speed ?? 1;
  const planned = planJourney(trackingNumber, scenario, now - (options.ageMs ?? 0), speed);
  if (scenario !== 'delivered') return planned;
  return shiftJourney(planned, now - Math.round((6 * HOUR) / speed) - planned.events.at(-1)!.at);
}

/**
 * The journey of a tracking number nobody registered, derived from the number alone: its
 * scenario and how far it had got at `epoch` (the moment the simulation started). At `epoch`
 * every such parcel is halfway between two events, so an answer does not flip between two
 * lookups a few seconds apart. The status distribution is the one Parcelly always had
 * (10 % label created, 35 % in transit, 15 % out for delivery, 30 % delivered, 10 % exception).
 */
export function derivedJourney(trackingNumber: string, epoch: number, speed = 1): Journey {
  const byte = seedBytes(trackingNumber);
  const roll = byte(3) % 100;
  const pick = <T>(options: readonly T[]) => options[byte(5) % options.length]!;
  let scenario: Scenario;
  let reached: (events: JourneyEvent[]) => number;
  const indexOf = (milestone: Milestone) => (events: JourneyEvent[]) => events.findIndex((e) => e.milestone === milestone);
  if (roll < 10) {
    scenario = pick(['on-time', 'on-time', 'delayed'] as const);
    reached = () => 0;
  } else if (roll < 45) {
    scenario = pick(['on-time', 'on-time', 'delayed', 'lost'] as const);
    reached = (events) => {
      const moving = events.flatMap((e, i) => (['picked_up', 'arrived_at_hub', 'departed_hub'].includes(e.milestone) && i < firstException(events) ? [i] : []));
      return moving[byte(6) % moving.length]!;
    };
  } else if (roll < 60) {
    scenario = pick(['on-time', 'exception'] as const);
    reached = indexOf('out_for_delivery');
  } else if (roll < 90) {
    scenario = pick(['on-time', 'delayed', 'exception'] as const);
    reached = (events) => events.length - 1;
  } else {
    const [s, milestone] = pick([['delayed', 'delayed'], ['exception', 'delivery_failed'], ['lost', 'delayed'], ['lost', 'lost']] as const);
    scenario = s;
    reached = indexOf(milestone);
  }
  const planned = planJourney(trackingNumber, scenario, 0, speed);
  const k = reached(planned.events);
  const here = planned.events[k]!.at;
  const next = planned.events[k + 1]?.at ?? here + Math.round(((6 + (byte(16) % 24)) * 2 * HOUR) / speed);
  return shiftJourney(planned, epoch - Math.round((here + next) / 2));
}

const firstException = (events: JourneyEvent[]) => {
  const i = events.findIndex((e) => e.milestone === 'delayed');
  return i < 0 ? events.length : i;
};

/** The same plan moved in time (e.g. so that it has already happened). */
export function shiftJourney(journey: Journey, ms: number): Journey {
  return { ...journey, events: journey.events.map((e) => ({ ...e, at: e.at + ms, eta: e.eta === null ? null : e.eta + ms })) };
}

export function viewAt(journey: Journey, now: number): JourneyView {
  const [first, ...rest] = journey.events;
  const events = [first!, ...rest.filter((e) => e.at <= now)];
  const current = events.at(-1)!;
  const deliveredAt = current.milestone === 'delivered' ? current.at : null;
  return {
    events,
    current,
    eta: deliveredAt ?? current.eta,
    deliveredAt,
    live: current.milestone !== 'delivered' && current.milestone !== 'lost',
  };
}
