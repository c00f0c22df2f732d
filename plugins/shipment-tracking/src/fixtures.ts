/**
 * Test data: carrier answers produced by the carrier simulator's own journey code
 * (@mosaic/example-carrier), so the recorded responses are the shapes the real service sends.
 */
import { parcellyShipment, shipfastResult, startJourney, type Journey, type Milestone, type Scenario } from '@mosaic/example-carrier';
import type { Customer, Order } from '@mosaic/sdk';
import type { OutboundRequest, RecordedResponse } from '@mosaic/sdk/testing';

export const PARCELLY = 'http://parcelly.carrier.test:4100';
export const SHIPFAST = 'http://shipfast.carrier.test:4100';
export const SHIPFAST_TRACK = `POST ${SHIPFAST}/api/track`;
export const parcellyUrl = (n: string) => `${PARCELLY}/v1/shipments/${n}`;
export const SECRETS = { PARCELLY_TOKEN: 'test-parcelly-token', SHIPFAST_API_KEY: 'test-shipfast-key', CARRIER_WEBHOOK_SECRET: 'test-webhook-secret' };

const START = Date.parse('2030-01-07T08:00:00Z');

/** A journey of `scenario`, and the instant just after its first `milestone` (or `hours` in). */
export function journeyAt(trackingNumber: string, scenario: Scenario, at: Milestone | number): { journey: Journey; now: number } {
  const journey = startJourney(trackingNumber, scenario, START);
  if (typeof at === 'number') return { journey, now: START + at * 3_600_000 };
  const event = journey.events.find((e) => e.milestone === at);
  if (!event) throw new Error(`${scenario} journey of ${trackingNumber} has no ${at}`);
  return { journey, now: event.at + 60_000 };
}

export const parcellyAnswer = (trackingNumber: string, scenario: Scenario, at: Milestone | number): RecordedResponse => {
  const { journey, now } = journeyAt(trackingNumber, scenario, at);
  return { json: parcellyShipment(journey, now) };
};

/** ShipFast answers for whatever numbers the request asks about, each with its own scenario. */
export function shipfastAnswers(scenarios: Record<string, [Scenario, Milestone | number]>) {
  return (request: OutboundRequest): RecordedResponse => {
    const { numbers } = JSON.parse(request.body ?? '{}') as { numbers: string[] };
    const results = numbers.map((n) => {
      const entry = scenarios[n];
      if (!entry) return { number: n, found: false, reason: 'unknown_number' };
      const { journey, now } = journeyAt(n, entry[0], entry[1]);
      return shipfastResult(journey, now);
    });
    return { json: { requested: numbers.length, results } };
  };
}

export const customer = (over: Partial<Customer> = {}): Customer => ({
  id: 'customer-1',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: null,
  status: 'ACTIVE',
  account: null,
  address: null,
  mergedInto: null,
  identities: [],
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  ...over,
});

export const order = (n: number, over: Partial<Order> = {}): Order => ({
  id: `order-${n}`,
  orderNumber: `ORD-${1000 + n}`,
  orderStatus: 'SHIPPED',
  currency: 'EUR',
  total: { amount: '10.00', currency: 'EUR' },
  totalCents: 1000,
  lines: [],
  customer: { id: 'customer-1' },
  placedAt: '2030-01-06T10:00:00.000Z',
  ...over,
} as Order);

/** Storage entries attaching `parcels` to an order and linking them to its customer, as the plugin writes them. */
export function attached(o: Order, parcels: Array<{ carrier: 'PARCELLY' | 'SHIPFAST'; trackingNumber: string }>) {
  const link = { orderId: o.id, customerId: o.customer.id, orderNumber: o.orderNumber };
  return {
    ...Object.fromEntries(parcels.map((p) => [`attached:${o.id}:${p.carrier}:${p.trackingNumber}`, true])),
    ...Object.fromEntries(parcels.map((p) => [`link:${p.carrier}:${p.trackingNumber}`, link])),
  };
}
