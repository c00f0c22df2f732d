/**
 * The plugin against the carrier simulator over real HTTP on loopback: the harness hands each
 * request, exactly as it would leave Mosaic's host (secrets filled in), to the running service,
 * and the service's signed webhooks reach the plugin's handler through a receiver that checks the
 * signature as Mosaic's host does.
 */
import { signWebhook, SIGNATURE_HEADER, startCarrierService, TIMESTAMP_HEADER, type CarrierService } from '@mosaic/example-carrier';
import type { JsonValue } from '@mosaic/sdk';
import { createTestHarness, type OutboundRequest, type RecordedResponses, type TestHarness } from '@mosaic/sdk/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { customer, order, PARCELLY, SECRETS, SHIPFAST, SHIPFAST_TRACK } from './fixtures.js';
import { builtPlugin } from './test-harness.js';

const START = Date.parse('2030-01-07T08:00:00Z');
/** The simulator's clock. */
let t = START;
let carrier: CarrierService | undefined;
let receiver: Server | undefined;
let h: TestHarness | undefined;

/** A push as the host hands it over once its signature checked out. */
const deliverPush = (body: unknown) => h!.deliverWebhook('carrier-status', { body: body as JsonValue });

afterEach(async () => {
  await carrier?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  await h?.close();
  carrier = receiver = h = undefined;
  t = START;
});

async function start(options: Partial<Parameters<typeof startCarrierService>[0]> = {}) {
  carrier = await startCarrierService({
    token: SECRETS.PARCELLY_TOKEN, shipfastKeys: [SECRETS.SHIPFAST_API_KEY], now: () => new Date(t), tickMs: 0, webhookRetryDelayMs: 10, ...options,
  });
  return carrier;
}

/** Answers the carrier hosts' URLs from the running service. */
function viaCarrier(service: CarrierService, parcellyNumbers: string[]): RecordedResponses {
  const forward = async (request: OutboundRequest) => {
    const url = request.url.replace(PARCELLY, service.url).replace(SHIPFAST, service.url);
    const res = await fetch(url, { method: request.method, headers: request.headers, ...(request.body !== undefined && { body: request.body }) });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  };
  return { [SHIPFAST_TRACK]: forward, ...Object.fromEntries(parcellyNumbers.map((n) => [`${PARCELLY}/v1/shipments/${n}`, forward])) };
}

/** Mosaic's inbound webhook as far as the plugin can tell: signature checked, then the handler. */
async function startReceiver(deliver: (body: string) => Promise<{ status: number }>): Promise<string> {
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const timestamp = Number(req.headers[TIMESTAMP_HEADER]);
    if (req.headers[SIGNATURE_HEADER] !== signWebhook(SECRETS.CARRIER_WEBHOOK_SECRET, timestamp, body)) {
      res.writeHead(401).end();
      return;
    }
    const answer = await deliver(body);
    res.writeHead(answer.status).end();
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/carrier-status`;
}

async function harness(fetch: RecordedResponses) {
  const { code, manifest } = await builtPlugin();
  h = await createTestHarness({ code, manifest }, { secrets: SECRETS, fetch, data: { customers: [customer()], orders: [order(1), order(2)] } });
  return h;
}

describe('against the carrier simulator', () => {
  it('attaches both carriers\' parcels, reads them normalised, and ShipFast\'s numbers go out in one batch', async () => {
    const service = await start();
    const py = service.register({ carrier: 'parcelly', scenario: 'on-time', ageHours: 20 }).trackingNumber;
    const sf = [0, 1, 2].map(() => service.register({ carrier: 'shipfast', scenario: 'delayed', ageHours: 30 }).trackingNumber);
    await harness(viaCarrier(service, [py]));
    const attach = (orderId: string, c: string, trackingNumber: string) =>
      h!.resolve('Mutation.mosaic_shipmentTracking_attachTrackingNumber', [{}], { input: { orderId, carrier: c, trackingNumber } });
    await attach('order-1', 'PARCELLY', py);
    for (const n of sf) await attach('order-2', 'SHIPFAST', n);

    const before = service.requests.length;
    const shipments = (await h!.resolve('Order.mosaic_shipmentTracking_shipments', [order(1), order(2)], {})) as Array<Array<Record<string, unknown>>>;
    // Attaching asked the carriers already: within the freshness window nothing new goes out.
    expect(service.requests.length).toBe(before);
    expect(shipments[0]).toEqual([expect.objectContaining({ carrier: 'PARCELLY', trackingNumber: py, status: 'IN_TRANSIT', stale: false })]);
    expect(shipments[1]!.map((s) => s.status)).toEqual(['DELAYED', 'DELAYED', 'DELAYED']);
    for (const s of shipments.flat()) expect(Date.parse(s.eta as string)).toBeGreaterThan(t);
    // The list sends no histories; the shipment type's own resolver reads the paths from storage.
    expect(shipments.flat().every((s) => !('events' in s) && !('path' in s))).toBe(true);
    const paths = (await h!.resolve('Mosaic_ShipmentTracking_Shipment.path', shipments.flat(), {})) as unknown[][];
    expect(paths).toHaveLength(4);
    for (const path of paths) expect(path.length).toBeGreaterThanOrEqual(1);
    expect(service.requests.length).toBe(before);

    h!.storage.forEach((value, key) => {
      if (key.startsWith('parcel:') || key.startsWith('summary:')) h!.storage.set(key, { ...(value as object), checkedAt: '2000-01-01T00:00:00.000Z' } as never);
    });
    await h!.resolve('Order.mosaic_shipmentTracking_shipments', [order(1), order(2)], {});
    const asked = service.requests.slice(before);
    expect(asked.map((r) => [r.method, r.path, r.status, r.authorized])).toEqual(expect.arrayContaining([
      ['POST', '/api/track', 200, true],
      ['GET', `/v1/shipments/${py}`, 200, true],
    ]));
    expect(asked).toHaveLength(2);
  });

  it('a delay pushed by the carrier, delivered twice, puts exactly one note on the customer\'s timeline', async () => {
    const service = await start({ webhookDuplicates: 'always' });
    const journey = service.register({ carrier: 'shipfast', scenario: 'delayed' });
    await harness(viaCarrier(service, []));
    await h!.resolve('Mutation.mosaic_shipmentTracking_attachTrackingNumber', [{}], { input: { orderId: 'order-1', carrier: 'SHIPFAST', trackingNumber: journey.trackingNumber } });
    const url = await startReceiver((body) => deliverPush(body));
    service.subscribe({ url, secret: SECRETS.CARRIER_WEBHOOK_SECRET });

    const delayedAt = journey.events.find((e) => e.milestone === 'delayed')!.at;
    t = delayedAt + 60_000;
    const deliveries = await service.tick();
    expect(deliveries.filter((d) => d.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(deliveries.some((d) => d.duplicate)).toBe(true);

    expect(h!.data.interactions).toHaveLength(1);
    expect(h!.data.interactions[0]).toMatchObject({ subject: 'Your parcel is delayed (order ORD-1001)', customer: { id: 'customer-1' } });
    expect(h!.storage.get(`parcel:SHIPFAST:${journey.trackingNumber}`)).toMatchObject({ parcel: { status: 'DELAYED' } });
  });

  it('a carrier 503 and then a 429 give last-known data with a coded error, and Retry-After is honoured', async () => {
    const service = await start({ rateLimit: { limit: 2, windowSeconds: 600 } });
    const py = service.register({ carrier: 'parcelly', scenario: 'on-time', ageHours: 10 }).trackingNumber;
    await harness(viaCarrier(service, [py]));
    const track = async () => (await h!.resolve('Query.mosaic_shipmentTracking_track', [{}], { carrier: 'PARCELLY', trackingNumber: py }))[0] as Record<string, unknown>;
    const expire = () => h!.storage.set(`parcel:PARCELLY:${py}`, { ...(h!.storage.get(`parcel:PARCELLY:${py}`) as object), checkedAt: '2000-01-01T00:00:00.000Z' } as never);

    expect(await track()).toMatchObject({ status: 'IN_TRANSIT', stale: false });
    expire();
    service.failNext(1, 503);
    expect(await track()).toMatchObject({ status: 'IN_TRANSIT', stale: true, syncError: { code: 'CARRIER_UNAVAILABLE' } });
    // Two requests used the window (the carrier meters before it fails): the next is refused with 429 and Retry-After.
    const limited = await track();
    expect(limited).toMatchObject({ status: 'IN_TRANSIT', stale: true, syncError: { code: 'CARRIER_RATE_LIMITED' } });
    expect((limited.syncError as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    const count = service.requests.length;
    expect(await track()).toMatchObject({ stale: true, syncError: { code: 'CARRIER_RATE_LIMITED' } });
    expect(service.requests.length).toBe(count);
  });
});
