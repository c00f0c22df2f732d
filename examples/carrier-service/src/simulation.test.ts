import { afterEach, describe, expect, it } from 'vitest';
import { startCarrierService, type CarrierService, type CarrierServiceOptions } from './server.js';
import type { Shipment } from './shipments.js';
import { manualClock, postJson, type ManualClock } from './test-support.js';

// Parcelly over real HTTP with an injected clock: shipments registered with a scenario progress
// as the clock moves; the rate limit, forced failures and input rules answer with stable codes.

const TOKEN = 'simulation-token';
const services: CarrierService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

async function start(options: CarrierServiceOptions = {}): Promise<{ carrier: CarrierService; clock: ManualClock }> {
  const clock = manualClock();
  const carrier = await startCarrierService({ token: TOKEN, now: clock.now, tickMs: 0, ...options });
  services.push(carrier);
  return { carrier, clock };
}

const track = async (carrier: CarrierService, number: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => {
  const res = await fetch(`${carrier.url}/v1/shipments/${number}`, { headers });
  return { status: res.status, headers: res.headers, body: await res.json() as Shipment & { error?: string } };
};

describe('shipments progress on the clock', () => {
  it('shows more of a registered journey as time passes, the ETA always ahead until delivery', async () => {
    const { carrier, clock } = await start();
    const created = await postJson(`${carrier.url}/admin/shipments`, { carrier: 'parcelly', scenario: 'on-time' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ carrier: 'parcelly', trackingNumber: 'PY0000000001', scenario: 'on-time', createdAt: clock.now().toISOString() });

    const seen: Shipment[] = [];
    for (let hour = 0; hour <= 96; hour += 6) {
      const { status, body } = await track(carrier, 'PY0000000001');
      expect(status).toBe(200);
      seen.push(body);
      if (body.status !== 'DELIVERED') expect(Date.parse(body.estimatedDelivery!)).toBeGreaterThan(clock.ms());
      for (const event of body.events) expect(Date.parse(event.at)).toBeLessThanOrEqual(clock.ms());
      clock.advance(6);
    }
    expect(seen[0]).toMatchObject({ status: 'LABEL_CREATED', deliveredAt: null });
    expect(seen[0]!.events).toHaveLength(1);
    expect(seen.map((s) => s.events.length)).toEqual(seen.map((s) => s.events.length).sort((a, b) => a - b));
    expect(new Set(seen.map((s) => s.status))).toEqual(new Set(['LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']));
    const done = seen.at(-1)!;
    expect(done.deliveredAt).toBe(done.events.at(-1)!.at);
    expect(done.estimatedDelivery).toBe(done.deliveredAt);
    expect(done.events.some((e) => /hub \([A-Z]{3}\)$/.test(e.description))).toBe(true);
  });

  it('delays, fails an attempt or loses a parcel, as its scenario says', async () => {
    const { carrier, clock } = await start();
    for (const scenario of ['delayed', 'exception', 'lost', 'delivered']) {
      expect((await postJson(`${carrier.url}/admin/shipments`, { carrier: 'parcelly', scenario, trackingNumber: `PY${scenario.toUpperCase()}0001` })).status).toBe(201);
    }
    expect((await track(carrier, 'PYDELIVERED0001')).body).toMatchObject({ status: 'DELIVERED' });
    const reasons = new Map<string, Set<string | null>>();
    const etas: number[] = [];
    for (let hour = 0; hour <= 240; hour += 2) {
      for (const n of ['PYDELAYED0001', 'PYEXCEPTION0001', 'PYLOST0001']) {
        const { body } = await track(carrier, n);
        reasons.set(n, (reasons.get(n) ?? new Set()).add(body.exceptionReason));
        if (n === 'PYDELAYED0001') etas.push(Date.parse(body.estimatedDelivery!));
        if (body.status !== 'DELIVERED' && body.estimatedDelivery) expect(Date.parse(body.estimatedDelivery)).toBeGreaterThan(clock.ms());
      }
      clock.advance(2);
    }
    expect(reasons.get('PYDELAYED0001')).toContain('DELAYED');
    expect(reasons.get('PYEXCEPTION0001')).toContain('DELIVERY_FAILED');
    expect(reasons.get('PYLOST0001')).toContain('LOST');
    expect(new Set(etas).size).toBe(2); // the ETA moved once, later
    expect(etas.at(-1)).toBeGreaterThan(etas[0]!);
    expect((await track(carrier, 'PYDELAYED0001')).body.status).toBe('DELIVERED');
    expect((await track(carrier, 'PYEXCEPTION0001')).body.status).toBe('DELIVERED');
    expect((await track(carrier, 'PYLOST0001')).body).toMatchObject({ status: 'EXCEPTION', exceptionReason: 'LOST', estimatedDelivery: null, deliveredAt: null });
  });

  it('starts a registered journey mid-way with ageHours, and refuses a number twice', async () => {
    const { carrier } = await start();
    const aged = await postJson(`${carrier.url}/admin/shipments`, { carrier: 'parcelly', scenario: 'on-time', trackingNumber: 'PYAGED0001', ageHours: 20 });
    expect(aged.status).toBe(201);
    expect((await track(carrier, 'PYAGED0001')).body.events.length).toBeGreaterThan(2);
    const again = await postJson(`${carrier.url}/admin/shipments`, { carrier: 'parcelly', scenario: 'lost', trackingNumber: 'PYAGED0001' });
    expect(again).toMatchObject({ status: 409, body: { error: 'already_registered', field: 'trackingNumber' } });
    expect((await track(carrier, 'PYAGED0001')).body.events.at(-1)?.status).not.toBe('EXCEPTION');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the limit, per key, until the window passes', async () => {
    const { carrier, clock } = await start({ rateLimit: { limit: 3, windowSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await track(carrier, 'MCORD1001')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    clock.advance(20 / 3600);
    const limited = await track(carrier, 'MCORD1001');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.body).toMatchObject({ error: 'rate_limited' });
    expect(carrier.requests.at(-1)).toMatchObject({ status: 429, authorized: true });
    // Refused credentials are not metered, and the next window starts afresh.
    expect((await track(carrier, 'MCORD1001', { authorization: 'Bearer wrong' })).status).toBe(401);
    clock.advance(41 / 3600);
    expect((await track(carrier, 'MCORD1001')).status).toBe(200);
  });
});

describe('failures on purpose', () => {
  it('fails exactly the next K requests when told, then answers again', async () => {
    const { carrier } = await start();
    const forced = await postJson(`${carrier.url}/admin/faults`, { count: 2, status: 502 });
    expect(forced).toMatchObject({ status: 200, body: { pending: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await track(carrier, 'MCORD1001')).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(carrier.requests.slice(-3).map((r) => [r.status, r.authorized])).toEqual([[502, true], [502, true], [200, true]]);
    carrier.failNext(1);
    const unavailable = await track(carrier, 'MCORD1001');
    expect(unavailable).toMatchObject({ status: 503, body: { error: 'unavailable' } });
  });

  it('fails a configured share at random (all of them at 1, none by default)', async () => {
    const { carrier } = await start({ failureRate: 1 });
    expect((await track(carrier, 'MCORD1001')).status).toBe(503);
    expect((await fetch(`${carrier.url}/healthz`)).status).toBe(200);
    await expect(startCarrierService({ token: TOKEN, failureRate: 2 })).rejects.toThrow('failureRate');
  });
});

describe('input rules', () => {
  it('refuses oversized paths and credential headers with 400 before anything else', async () => {
    const { carrier } = await start();
    expect((await track(carrier, 'A'.repeat(2100), {})).body).toMatchObject({ error: 'path_too_long' });
    const long = await track(carrier, 'MCORD1001', { authorization: `Bearer ${'x'.repeat(300)}` });
    expect(long).toMatchObject({ status: 400, body: { error: 'invalid_header', field: 'authorization' } });
  });

  it('checks admin bodies: media type, size, JSON, known fields, each field\'s rule', async () => {
    const { carrier } = await start();
    const url = `${carrier.url}/admin/shipments`;
    const text = await fetch(url, { method: 'POST', body: 'carrier=parcelly', headers: { 'content-type': 'text/plain' } });
    expect([text.status, (await text.json()).error]).toEqual([415, 'unsupported_media_type']);
    expect(await postJson(url, { carrier: 'parcelly', scenario: 'on-time', pad: 'x'.repeat(20_000) })).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    expect(await postJson(url, '{"carrier":')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    expect(await postJson(url, [1])).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    expect(await postJson(url, { carrier: 'parcelly', scenario: 'on-time', colour: 'red' })).toMatchObject({ status: 400, body: { error: 'unknown_field', field: 'colour' } });
    expect(await postJson(url, { scenario: 'on-time' })).toMatchObject({ status: 400, body: { error: 'missing_field', field: 'carrier' } });
    expect(await postJson(url, { carrier: 'dhl', scenario: 'on-time' })).toMatchObject({ status: 400, body: { error: 'invalid_field', field: 'carrier' } });
    expect(await postJson(url, { carrier: 'parcelly', scenario: 'stolen' })).toMatchObject({ status: 400, body: { error: 'invalid_field', field: 'scenario' } });
    expect(await postJson(url, { carrier: 'parcelly', scenario: 'on-time', trackingNumber: 'py-1' })).toMatchObject({ status: 400, body: { error: 'invalid_field', field: 'trackingNumber' } });
    expect(await postJson(url, { carrier: 'shipfast', scenario: 'on-time', trackingNumber: 'PY0000000001' })).toMatchObject({ status: 400, body: { field: 'trackingNumber' } });
    expect(await postJson(url, { carrier: 'parcelly', scenario: 'on-time', ageHours: -1 })).toMatchObject({ status: 400, body: { error: 'invalid_field', field: 'ageHours' } });
    expect(await postJson(`${carrier.url}/admin/faults`, { count: 0 })).toMatchObject({ status: 400, body: { field: 'count' } });
    expect(await postJson(`${carrier.url}/admin/faults`, { count: 1, status: 418 })).toMatchObject({ status: 400, body: { field: 'status' } });
    expect(await postJson(`${carrier.url}/admin/subscriptions`, { url: 'ftp://x', secret: 's' })).toMatchObject({ status: 400, body: { field: 'url' } });
    expect(await postJson(`${carrier.url}/admin/subscriptions`, { url: 'http://127.0.0.1:1/h', secret: 's\n' })).toMatchObject({ status: 400, body: { field: 'secret' } });
    // Nothing was registered by any of these.
    expect((await track(carrier, 'PY0000000001')).body.events.length).toBeGreaterThan(0);
    expect((await postJson(url, { carrier: 'parcelly', scenario: 'on-time' })).body.trackingNumber).toBe('PY0000000001');
    expect((await fetch(`${carrier.url}/admin/shipments`)).status).toBe(405);
    expect((await postJson(`${carrier.url}/admin/nothing`, {})).status).toBe(404);
  });

  it('guards the admin API with a token when one is set', async () => {
    const { carrier } = await start({ adminToken: 'admin-secret' });
    const url = `${carrier.url}/admin/shipments`;
    const body = { carrier: 'parcelly', scenario: 'on-time' };
    expect(await postJson(url, body)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await postJson(url, body, { authorization: `Bearer ${TOKEN}` })).toMatchObject({ status: 401 });
    expect(await postJson(url, body, { authorization: 'Bearer admin-secret' })).toMatchObject({ status: 201 });
  });
});
