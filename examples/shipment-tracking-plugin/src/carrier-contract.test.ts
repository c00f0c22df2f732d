import { startCarrierService, type CarrierService } from '@mosaic/example-carrier';
import { createTestHarness, type OutboundRequest, type RecordedResponses, type TestHarness } from '@mosaic/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARRIER, FIELD, order, PLUGIN_DIR } from './fixtures.js';

// The plugin against the simulated carrier over real HTTP on loopback: the harness hands each
// request, exactly as it would leave Mosaic's host (secret filled in), to the running service.

const TOKEN = 'contract-token';

/** Answers requests to carrier.example.test from the carrier service at `url`. */
function viaCarrier(carrier: CarrierService, paths: string[]): RecordedResponses {
  const forward = async (request: OutboundRequest) => {
    const res = await fetch(request.url.replace(CARRIER, carrier.url), { method: request.method, headers: request.headers });
    return { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' }, body: await res.text() };
  };
  return Object.fromEntries(paths.map((p) => [`${CARRIER}${p}`, forward]));
}

describe('against the carrier service', () => {
  let carrier: CarrierService;
  const harnesses: TestHarness[] = [];
  beforeAll(async () => {
    carrier = await startCarrierService({ token: TOKEN });
  });
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await carrier?.close();
  });

  const orders = [order('o1', 'ORD-5001'), order('o2', 'ORD-5002', 'DELIVERED'), order('o3', 'ORD-404', 'RETURNED')];
  const paths = ['/v1/shipments/MCORD5001', '/v1/shipments/MCORD5002', '/v1/shipments/MCORD404'];

  it('reads real answers, authenticated with the installation\'s secret', async () => {
    const h = await createTestHarness(PLUGIN_DIR, { secrets: { CARRIER_TOKEN: TOKEN }, fetch: viaCarrier(carrier, paths) });
    harnesses.push(h);
    const before = carrier.requests.length;
    const [first, second, unknown] = await h.resolve(FIELD, orders) as Array<Record<string, unknown> | null>;
    expect(first).toMatchObject({ trackingNumber: 'MCORD5001', carrier: 'Parcelly' });
    expect(second).toMatchObject({ trackingNumber: 'MCORD5002' });
    expect(unknown).toBeNull();
    expect(carrier.requests.slice(before).map((r) => [r.path, r.status, r.authorized, r.userAgent])).toEqual([
      ['/v1/shipments/MCORD5001', 200, true, 'mosaic-plugin-egress/1'],
      ['/v1/shipments/MCORD5002', 200, true, 'mosaic-plugin-egress/1'],
      ['/v1/shipments/MCORD404', 404, true, 'mosaic-plugin-egress/1'],
    ]);
  });

  it('reports a wrong token the way an operator can act on', async () => {
    const h = await createTestHarness(PLUGIN_DIR, { secrets: { CARRIER_TOKEN: 'stale-token' }, fetch: viaCarrier(carrier, paths) });
    harnesses.push(h);
    expect(await h.resolve(FIELD, orders.slice(0, 1))).toEqual([null]);
    expect(carrier.requests.at(-1)).toMatchObject({ status: 401, authorized: false });
    expect(h.logs).toContainEqual({ level: 'error', message: 'the carrier refused our credentials; check the CARRIER_TOKEN secret', data: { status: 401 } });
  });

  it('renders the widget from a live answer into a tree the host accepts', async () => {
    const h = await createTestHarness(PLUGIN_DIR, { secrets: { CARRIER_TOKEN: TOKEN }, fetch: viaCarrier(carrier, paths) });
    harnesses.push(h);
    const card = await h.renderWidget('shipment', { order: orders[1] });
    expect(card).toMatchObject({ type: 'card', title: 'Shipment' });
  });
});
