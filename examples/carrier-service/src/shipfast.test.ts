import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierService, type CarrierService } from './server.js';
import type { ShipFastResult } from './shipfast.js';
import { manualClock, postJson } from './test-support.js';

// ShipFast over real HTTP: a batch POST with X-Api-Key, snake_case, Unix seconds, newest first.

const KEYS = ['sf-key-one', 'sf-key-two'];
const clock = manualClock();

describe('ShipFast API', () => {
  let carrier: CarrierService;
  const track = (numbers: unknown, key: string | null = KEYS[0]!) =>
    postJson(`${carrier.url}/api/track`, { numbers }, key === null ? {} : { 'x-api-key': key });

  beforeAll(async () => {
    carrier = await startCarrierService({ token: 'parcelly-token', shipfastKeys: KEYS, now: clock.now, tickMs: 0, rateLimit: { limit: 5, windowSeconds: 60 } });
  });
  afterAll(() => carrier.close());

  it('answers a batch in its own shape: found and unknown numbers, per item', async () => {
    const registered = await postJson(`${carrier.url}/admin/shipments`, { carrier: 'shipfast', scenario: 'on-time', ageHours: 30 });
    const number = registered.body.trackingNumber as string;
    expect(number).toMatch(/^SF\d{10}$/);
    const { status, body } = await track([number, 'sf0000012345', 'SF0000000404', 'not-a-number']);
    expect(status).toBe(200);
    expect(body.requested).toBe(4);
    const [mine, derived, unknown, invalid] = body.results as ShipFastResult[];
    expect(unknown).toEqual({ number: 'SF0000000404', found: false, reason: 'unknown_number' });
    expect(invalid).toEqual({ number: 'not-a-number', found: false, reason: 'invalid_number' });
    expect(derived).toMatchObject({ number: 'SF0000012345', found: true });
    if (!mine?.found) throw new Error('registered shipment not found');
    expect(mine).toMatchObject({ number, service_level: expect.stringMatching(/^(express|economy)$/), delivered_ts: null });
    const nowSeconds = clock.ms() / 1000;
    expect(mine.eta_ts).toBeGreaterThan(nowSeconds);
    expect(Number.isInteger(mine.eta_ts)).toBe(true);
    // Newest first, Unix seconds, the first checkpoint is the current state.
    const times = mine.checkpoints.map((c) => c.ts);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times.every((t) => t <= nowSeconds)).toBe(true);
    expect(mine.checkpoints[0]?.state).toBe(mine.state);
    expect(mine.checkpoints.at(-1)).toMatchObject({ state: 'info_received' });
    expect(mine.checkpoints[0]?.facility).toEqual({
      code: expect.stringMatching(/^[A-Z]{3}$/), name: expect.any(String), country_code: expect.stringMatching(/^[A-Z]{2}$/),
      latitude: expect.any(Number), longitude: expect.any(Number),
    });
  });

  it('speaks its own states as the parcel moves, through to delivered', async () => {
    const { body } = await postJson(`${carrier.url}/admin/shipments`, { carrier: 'shipfast', scenario: 'exception' });
    const states = new Set<string>();
    for (let hour = 0; hour < 120; hour += 3) {
      clock.advance(3);
      const result = (await track([body.trackingNumber], KEYS[1]!)).body.results[0] as ShipFastResult;
      if (result.found) states.add(result.state);
    }
    expect([...states]).toEqual(expect.arrayContaining(['picked_up', 'in_transit', 'out_for_delivery', 'failed_attempt', 'delivered']));
    const done = (await track([body.trackingNumber])).body.results[0];
    expect(done.delivered_ts).toBe(done.checkpoints[0].ts);
    expect(done.eta_ts).toBe(done.delivered_ts);
  });

  it('refuses a missing or wrong key with 401, in its nested error shape', async () => {
    for (const key of [null, 'wrong', `${KEYS[0]}x`]) {
      expect(await track(['SF0000012345'], key)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    }
    expect(carrier.requests.at(-1)).toMatchObject({ path: '/api/track', status: 401, authorized: false });
    expect(JSON.stringify(carrier.requests)).not.toContain(KEYS[0]);
  });

  it('checks the body before anything else: batch size, item type and length, known fields', async () => {
    const tooMany = Array.from({ length: 26 }, (_, i) => `SF${String(i).padStart(10, '0')}`);
    for (const numbers of [[], tooMany, [42], ['SF'.padEnd(65, '1')], 'SF0000012345']) {
      expect(await track(numbers, null)).toMatchObject({ status: 400, body: { error: { code: 'invalid_field', field: 'numbers' } } });
    }
    expect(await postJson(`${carrier.url}/api/track`, { numbers: ['SF0000012345'], since: 1 }, { 'x-api-key': KEYS[0]! }))
      .toMatchObject({ status: 400, body: { error: { code: 'unknown_field' } } });
    expect(await postJson(`${carrier.url}/api/track`, '{', { 'x-api-key': KEYS[0]! })).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    const get = await fetch(`${carrier.url}/api/track`, { headers: { 'x-api-key': KEYS[0]! } });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('meters each key on its own: 429 with Retry-After for one, the other still answers', async () => {
    clock.advance(1);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await track(['SF0000012345'], KEYS[0]!)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await track(['SF0000012345'], KEYS[0]!);
    expect(limited).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await track(['SF0000012345'], KEYS[1]!)).status).toBe(200);
  });
});

describe('ShipFast without keys', () => {
  it('refuses every request and says how to configure a key', async () => {
    const saved = process.env.CARRIER_SHIPFAST_KEYS;
    delete process.env.CARRIER_SHIPFAST_KEYS;
    const carrier = await startCarrierService({ token: 't', tickMs: 0 });
    try {
      const res = await postJson(`${carrier.url}/api/track`, { numbers: ['SF0000012345'] }, { 'x-api-key': '' });
      expect(res).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: expect.stringContaining('CARRIER_SHIPFAST_KEYS') } } });
    } finally {
      await carrier.close();
      if (saved !== undefined) process.env.CARRIER_SHIPFAST_KEYS = saved;
    }
  });
});
