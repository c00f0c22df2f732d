import { describe, expect, it } from 'vitest';
import { derivedJourney, HOUR, planJourney, SCENARIOS, startJourney, viewAt, type Journey } from './journey.js';

const NUMBERS = Array.from({ length: 40 }, (_, i) => `PY${String(i).padStart(10, '0')}`);
const T0 = Date.parse('2030-01-07T08:00:00Z');

/** Every instant from before the label to a day after the last event, every 30 minutes. */
function* instants(journey: Journey) {
  for (let t = journey.events[0]!.at - HOUR; t <= journey.events.at(-1)!.at + 24 * HOUR; t += HOUR / 2) yield t;
}

describe('planned journeys', () => {
  it('start with the label, keep time order and stop at real hubs', () => {
    for (const scenario of SCENARIOS) {
      for (const n of NUMBERS) {
        const { events } = planJourney(n, scenario, T0);
        expect(events[0]).toMatchObject({ milestone: 'label_created', at: T0 });
        const times = events.map((e) => e.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        for (const { hub } of events) {
          expect(hub.code).toMatch(/^[A-Z]{3}$/);
          expect(Math.abs(hub.lat)).toBeLessThanOrEqual(90);
          expect(Math.abs(hub.lng)).toBeLessThanOrEqual(180);
        }
      }
    }
  });

  it('never shows a live parcel an ETA in the past, in any scenario, at any time', () => {
    for (const scenario of SCENARIOS) {
      for (const n of NUMBERS) {
        const journey = startJourney(n, scenario, T0);
        for (const now of instants(journey)) {
          const view = viewAt(journey, now);
          expect(view.events.every((e, i) => i === 0 || e.at <= now)).toBe(true);
          // Live: an ETA later than now; only a parcel being searched for has none.
          if (view.live && view.current.milestone !== 'delayed') expect(view.eta).toBeGreaterThan(now);
          if (view.live && view.eta !== null) expect(view.eta).toBeGreaterThan(now);
          if (view.current.milestone === 'delivered') expect(view.eta).toBe(view.deliveredAt);
        }
      }
    }
  });

  it('on time: delivered at the ETA announced with the label', () => {
    const journey = planJourney(NUMBERS[0]!, 'on-time', T0);
    const last = journey.events.at(-1)!;
    expect(last.milestone).toBe('delivered');
    expect(journey.events[0]!.eta).toBe(last.at);
    expect(journey.events.map((e) => e.milestone)).toEqual(expect.arrayContaining(['picked_up', 'arrived_at_hub', 'departed_hub', 'out_for_delivery']));
  });

  it('delayed: held at a hub, the ETA moves a day or two later, and the parcel arrives then', () => {
    const onTime = planJourney(NUMBERS[1]!, 'on-time', T0);
    const journey = planJourney(NUMBERS[1]!, 'delayed', T0);
    const delay = journey.events.find((e) => e.milestone === 'delayed')!;
    expect(delay.description).toMatch(/^Delayed at the .+ hub/);
    const before = viewAt(journey, delay.at - 1);
    const after = viewAt(journey, delay.at);
    expect(before.eta).toBe(onTime.events.at(-1)!.at);
    expect([24 * HOUR, 48 * HOUR]).toContain(after.eta! - before.eta!);
    expect(journey.events.at(-1)).toMatchObject({ milestone: 'delivered', at: after.eta });
  });

  it('exception: the first delivery attempt fails and the next day\'s succeeds', () => {
    const journey = planJourney(NUMBERS[2]!, 'exception', T0);
    const failed = journey.events.find((e) => e.milestone === 'delivery_failed')!;
    expect(failed.eta).toBe(failed.at + 24 * HOUR);
    expect(journey.events.slice(-2).map((e) => e.milestone)).toEqual(['out_for_delivery', 'delivered']);
    expect(journey.events.at(-1)!.at).toBe(failed.eta);
  });

  it('lost: scans stop, the search starts before the promised day, then the parcel is declared lost', () => {
    const journey = planJourney(NUMBERS[3]!, 'lost', T0);
    const promised = journey.events[0]!.eta!;
    expect(journey.events.map((e) => e.milestone).slice(-2)).toEqual(['delayed', 'lost']);
    expect(journey.events.at(-2)!.at).toBeLessThan(promised);
    const end = viewAt(journey, journey.events.at(-1)!.at + HOUR);
    expect(end).toMatchObject({ live: false, eta: null, deliveredAt: null });
    expect(journey.events.some((e) => e.milestone === 'delivered')).toBe(false);
  });

  it('delivered: already over, six hours ago', () => {
    const journey = startJourney(NUMBERS[4]!, 'delivered', T0, { ageMs: 2 * HOUR });
    const view = viewAt(journey, T0);
    expect(view).toMatchObject({ live: false, deliveredAt: T0 - 6 * HOUR });
    expect(view.events).toHaveLength(journey.events.length);
  });

  it('starts mid-way when given an age, and runs faster with a speed', () => {
    const aged = startJourney(NUMBERS[5]!, 'on-time', T0, { ageMs: 10 * HOUR });
    expect(aged.events[0]!.at).toBe(T0 - 10 * HOUR);
    const slow = planJourney(NUMBERS[5]!, 'on-time', T0);
    const fast = planJourney(NUMBERS[5]!, 'on-time', T0, 60);
    expect(fast.events.at(-1)!.at - T0).toBe(Math.round((slow.events.at(-1)!.at - T0) / 60));
  });
});

describe('derived journeys', () => {
  const many = Array.from({ length: 400 }, (_, i) => `MCORD${String(i).padStart(8, '0')}`);

  it('are halfway between two events at the epoch, so nearby lookups agree', () => {
    for (const n of many) {
      const journey = derivedJourney(n, T0);
      const next = journey.events.find((e) => e.at > T0);
      const previous = viewAt(journey, T0).current;
      expect(T0 - previous.at).toBeGreaterThanOrEqual(30 * 60_000);
      if (next) expect(next.at - T0).toBeGreaterThanOrEqual(30 * 60_000);
    }
  });

  it('cover every scenario and move on as time passes', () => {
    const journeys = many.map((n) => derivedJourney(n, T0));
    expect(new Set(journeys.map((j) => j.scenario))).toEqual(new Set(['on-time', 'delayed', 'lost', 'exception']));
    const live = journeys.find((j) => viewAt(j, T0).live)!;
    expect(viewAt(live, T0 + 10 * 24 * HOUR).live).toBe(false);
  });
});
