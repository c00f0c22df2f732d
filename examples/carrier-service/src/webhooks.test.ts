import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// Mosaic's own verifier: the simulator's webhooks must pass exactly what the host checks.
import { verifyWebhookSignature } from '../../../core/src/plugins/events/webhook-signature.js';
import { startCarrierService, type CarrierService, type CarrierServiceOptions } from './server.js';
import { manualClock, postJson, type ManualClock } from './test-support.js';
import type { WebhookBody } from './webhooks.js';

const SECRET = 'whsec-test';

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: WebhookBody;
}

/** A webhook receiver on loopback; answers 200 unless `statuses` says otherwise for the next requests. */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/t/demo/webhooks/inst-1/tracking`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(options: CarrierServiceOptions = {}, statuses: number[] = []) {
  const receiver = await startReceiver(statuses);
  const clock: ManualClock = manualClock();
  const carrier = await startCarrierService({ token: 't', shipfastKeys: ['k'], now: clock.now, tickMs: 0, webhookRetryDelayMs: 10, ...options });
  cleanups.push(() => carrier.close(), receiver.close);
  return { receiver, clock, carrier };
}

const verify = ({ headers, raw }: Received, secret = SECRET) => verifyWebhookSignature({
  secret, body: raw, timestamp: headers['x-mosaic-timestamp'] as string, signature: headers['x-mosaic-signature'] as string,
});

describe('status webhooks', () => {
  it('pushes each new event, signed as Mosaic verifies, once the clock passes it', async () => {
    const { receiver, clock, carrier } = await setup();
    expect(await postJson(`${carrier.url}/admin/subscriptions`, { url: receiver.url, secret: SECRET })).toMatchObject({ status: 201, body: { subscriptions: 1 } });
    const { body: shipment } = await postJson(`${carrier.url}/admin/shipments`, { carrier: 'parcelly', scenario: 'on-time' });

    // The label existed when the shipment was registered: nothing new to say yet. Pick-up is 3 to 6 h
    // in, the first hub at least 7 h.
    expect(await postJson(`${carrier.url}/admin/tick`, {})).toMatchObject({ status: 200, body: { deliveries: [] } });
    clock.advance(6.5);
    const { body: tick } = await postJson(`${carrier.url}/admin/tick`, {});
    expect(tick.deliveries).toEqual([expect.objectContaining({ url: receiver.url, attempt: 1, duplicate: false, status: 200 })]);
    expect(receiver.received).toHaveLength(1);
    const [first] = receiver.received;
    expect(verify(first!)).toMatchObject({ ok: true });
    expect(verify(first!, 'another-secret')).toEqual({ ok: false, reason: 'mismatch' });
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.body).toEqual({
      eventId: expect.stringMatching(/^evt_[0-9a-f]{24}$/), deliveryId: expect.any(String), carrier: 'parcelly',
      trackingNumber: shipment.trackingNumber, status: 'IN_TRANSIT', description: expect.stringMatching(/^Picked up in /),
      occurredAt: expect.any(String), estimatedDelivery: shipment.estimatedDelivery,
    });
    expect(Date.parse(first!.body.occurredAt)).toBeLessThanOrEqual(clock.ms());

    // Nothing happened since: a second check sends nothing; a day later, every event in order.
    expect(await carrier.tick()).toEqual([]);
    clock.advance(96);
    await carrier.tick();
    const statuses = receiver.received.map((r) => r.body.status);
    expect(statuses.at(-1)).toBe('DELIVERED');
    expect(statuses).toContain('OUT_FOR_DELIVERY');
    const times = receiver.received.map((r) => Date.parse(r.body.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(receiver.received.map((r) => r.body.eventId)).size).toBe(receiver.received.length);
    expect(receiver.received.every((r) => verify(r).ok)).toBe(true);
  });

  it('sends a delivery twice when asked: same eventId, each a distinct validly signed request', async () => {
    const { receiver, clock, carrier } = await setup({ webhookDuplicates: 'delivered' });
    carrier.subscribe({ url: receiver.url, secret: SECRET });
    carrier.register({ carrier: 'parcelly', scenario: 'on-time', trackingNumber: 'PYTWICE0001' });
    clock.advance(200);
    const deliveries = await carrier.tick();
    const delivered = receiver.received.filter((r) => r.body.status === 'DELIVERED');
    expect(delivered).toHaveLength(2);
    const [one, two] = delivered;
    expect(two!.body.eventId).toBe(one!.body.eventId);
    expect(two!.body.deliveryId).not.toBe(one!.body.deliveryId);
    expect(two!.headers['x-mosaic-signature']).not.toBe(one!.headers['x-mosaic-signature']);
    expect([verify(one!).ok, verify(two!).ok]).toEqual([true, true]);
    expect(deliveries.filter((d) => d.duplicate)).toHaveLength(1);
    // Only the delivery is doubled.
    expect(receiver.received.filter((r) => r.body.status !== 'DELIVERED').every((r, i, all) => all.findIndex((x) => x.body.eventId === r.body.eventId) === i)).toBe(true);
  });

  it('sends each carrier\'s events in its own vocabulary to the subscribers of that carrier', async () => {
    const { receiver, clock, carrier } = await setup();
    const other = await startReceiver();
    cleanups.push(other.close);
    carrier.subscribe({ url: receiver.url, secret: SECRET, carrier: 'shipfast' });
    carrier.subscribe({ url: other.url, secret: 'parcelly-only', carrier: 'parcelly' });
    carrier.register({ carrier: 'shipfast', scenario: 'lost', trackingNumber: 'SF0000000777' });
    clock.advance(400);
    await carrier.tick();
    expect(other.received).toEqual([]);
    expect(receiver.received.every((r) => r.body.carrier === 'shipfast' && r.body.trackingNumber === 'SF0000000777')).toBe(true);
    expect(receiver.received.map((r) => r.body.status).slice(-2)).toEqual(['delayed', 'lost']);
    expect(receiver.received.at(-1)!.body.estimatedDelivery).toBeNull();
  });

  it('watches numbers that were looked up, not only registered ones', async () => {
    const { receiver, clock, carrier } = await setup();
    carrier.subscribe({ url: receiver.url, secret: SECRET });
    const res = await fetch(`${carrier.url}/v1/shipments/MCORD1001`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
    clock.advance(400);
    await carrier.tick();
    expect(receiver.received.length).toBeGreaterThan(0);
    expect(receiver.received.every((r) => r.body.trackingNumber === 'MCORD1001')).toBe(true);
  });

  it('retries a failed delivery, signed anew, and gives up on a refusal', async () => {
    const { receiver, clock, carrier } = await setup({}, [500, 200, 400]);
    carrier.subscribe({ url: receiver.url, secret: SECRET });
    carrier.register({ carrier: 'parcelly', scenario: 'on-time', trackingNumber: 'PYRETRY0001' });
    clock.advance(6.5);
    const [failed, retried] = await carrier.tick();
    expect([failed?.status, retried?.status, retried?.attempt]).toEqual([500, 200, 2]);
    expect(retried?.eventId).toBe(failed?.eventId);
    expect(receiver.received.map((r) => verify(r).ok)).toEqual([true, true]);
    clock.advance(12);
    const refused = await carrier.tick();
    expect(refused[0]).toMatchObject({ status: 400, attempt: 1 });
    expect(refused.filter((d) => d.eventId === refused[0]!.eventId)).toHaveLength(1);
    expect(carrier.webhookDeliveries.length).toBeGreaterThanOrEqual(3);
  });

  it('records an unreachable receiver without failing the check', async () => {
    const { clock, carrier } = await setup({ webhookAttempts: 2 });
    carrier.subscribe({ url: 'http://127.0.0.1:9/unreachable', secret: SECRET });
    carrier.register({ carrier: 'parcelly', scenario: 'on-time', trackingNumber: 'PYNOBODY001' });
    clock.advance(6.5);
    const deliveries = await carrier.tick();
    expect(deliveries.map((d) => [d.status, d.attempt])).toEqual([[0, 1], [0, 2]]);
    expect(deliveries[0]?.error).toBeTruthy();
  });

  it('checks the clock on a timer too', async () => {
    const { receiver, clock, carrier } = await setup({ tickMs: 20 });
    carrier.subscribe({ url: receiver.url, secret: SECRET });
    carrier.register({ carrier: 'parcelly', scenario: 'on-time', trackingNumber: 'PYTIMER0001' });
    clock.advance(6.5);
    await expect.poll(() => receiver.received.length, { timeout: 2000 }).toBeGreaterThan(0);
  });
});
