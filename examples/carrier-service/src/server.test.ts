import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierService, type CarrierService } from './server.js';
import { shipmentFor } from './shipments.js';

const TOKEN = 'carrier-test-token';

describe('carrier service over HTTP', () => {
  let carrier: CarrierService;
  const get = (path: string, token: string | null = TOKEN, method = 'GET') =>
    fetch(`${carrier.url}${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    carrier = await startCarrierService({ token: TOKEN });
  });
  afterAll(() => carrier.close());

  it('listens on a free loopback port', () => {
    expect(carrier.port).toBeGreaterThan(0);
    expect(carrier.url).toBe(`http://127.0.0.1:${carrier.port}`);
  });

  it('answers a shipment as JSON, the same each time', async () => {
    const res = await get('/v1/shipments/MCORD00000042');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await res.json();
    expect(body).toEqual(JSON.parse(JSON.stringify(shipmentFor('MCORD00000042'))));
    expect(await (await get('/v1/shipments/MCORD00000042')).json()).toEqual(body);
  });

  it('treats tracking numbers case-insensitively', async () => {
    const body = await (await get('/v1/shipments/mcord00000042')).json() as { trackingNumber: string };
    expect(body.trackingNumber).toBe('MCORD00000042');
  });

  it('refuses a missing or wrong bearer token with 401', async () => {
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      const res = await get('/v1/shipments/MCORD00000042', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
    const basic = await fetch(`${carrier.url}/v1/shipments/MCORD00000042`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
  });

  it('checks the token before saying anything about the shipment', async () => {
    expect((await get('/v1/shipments/MCORD00000404', null)).status).toBe(401);
    expect((await get('/v1/shipments/bad-number!', null)).status).toBe(401);
  });

  it('answers 404 for unknown numbers, 400 for malformed ones, 404 and 405 for other routes', async () => {
    expect((await get('/v1/shipments/MCORD00000404')).status).toBe(404);
    expect((await get('/v1/shipments/NOPE')).status).toBe(400);
    expect((await get('/v1/shipments/%E0%A4%A')).status).toBe(400);
    expect((await get('/v1/parcels/MCORD00000042')).status).toBe(404);
    const post = await get('/v1/shipments/MCORD00000042', TOKEN, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await get('/healthz', null)).status).toBe(200);
  });

  it('records each request without the token', async () => {
    const before = carrier.requests.length;
    await get('/v1/shipments/MCORD00000043');
    await get('/v1/shipments/MCORD00000043', 'wrong');
    const [ok, refused] = carrier.requests.slice(before);
    expect(ok).toMatchObject({ method: 'GET', path: '/v1/shipments/MCORD00000043', status: 200, authorized: true });
    expect(refused).toMatchObject({ status: 401, authorized: false });
    expect(JSON.stringify(carrier.requests)).not.toContain(TOKEN);
  });
});

describe('startCarrierService options', () => {
  it('needs a token from the options or CARRIER_TOKEN', async () => {
    const saved = process.env.CARRIER_TOKEN;
    delete process.env.CARRIER_TOKEN;
    try {
      await expect(startCarrierService()).rejects.toThrow('needs a token');
      process.env.CARRIER_TOKEN = 'from-env';
      const carrier = await startCarrierService();
      const res = await fetch(`${carrier.url}/v1/shipments/MCORD00000042`, { headers: { authorization: 'Bearer from-env' } });
      expect(res.status).toBe(200);
      await carrier.close();
    } finally {
      if (saved === undefined) delete process.env.CARRIER_TOKEN;
      else process.env.CARRIER_TOKEN = saved;
    }
  });

  it('delays answers when asked, and frees its port on close', async () => {
    const carrier = await startCarrierService({ token: TOKEN, delayMs: 150 });
    const started = performance.now();
    await fetch(`${carrier.url}/healthz`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await carrier.close();
    await expect(fetch(`${carrier.url}/healthz`)).rejects.toThrow();
  });
});
