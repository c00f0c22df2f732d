/**
 * The server side of `mashups` (mashups.ts), run as its own process by lib.ts `startFixture`: a
 * real platform and HTTP server over a temp data dir with one tenant that has both first-party
 * plugins (plugins/shipment-tracking, plugins/maps) built, signed, published and installed
 * through the admin GraphQL API, pointed at the carrier and geocoder simulators the parent runs
 * on loopback (their `.test` names mapped with MOSAIC_EGRESS_DEV_HOSTS). One customer with an
 * address and 50 shipped orders, each with the parent's tracking number attached through the
 * plugin's mutation. Prints one JSON line once seeded, then serves until its stdin closes.
 *
 * Argument: JSON `MashupsFixtureArgs`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { domain, toGlobalId } from '@mosaic/core';
// The tests' way of taking a plugin package through the public path (build, sign, publish).
import { graphqlClient } from '../test/src/harness.js';
import { publishBuiltPlugins } from '../test/src/publish-built-plugin.js';
import { adminTenant, emit, serveBenchPlatformInTempDir, serveUntilStopped } from './fixture-process.js';

export interface MashupsFixtureArgs {
  carrierPort: number;
  geocoderPort: number;
  carrierToken: string;
  shipfastKey: string;
  /** One parcel per order, in order; registered in the carrier simulator by the parent. */
  parcels: { carrier: 'PARCELLY' | 'SHIPFAST'; trackingNumber: string }[];
}

export interface MashupsFixture {
  graphqlUrl: string;
  apiKey: string;
  customerId: string;
  orders: number;
}

export const HOSTS = { parcelly: 'parcelly.carrier.test', shipfast: 'shipfast.carrier.test', geocoder: 'geocoder.maps.test' };
// BENCH_MASHUPS_PLUGINS: another folder with both plugins (say, an older version of them) to compare against.
const pluginsDir = process.env.BENCH_MASHUPS_PLUGINS || fileURLToPath(new URL('../plugins/', import.meta.url));
const PLUGINS = ['shipment-tracking', 'maps'].map((name) => join(pluginsDir, name));

const args = JSON.parse(process.argv[2] ?? '{}') as MashupsFixtureArgs;
const outDir = mkdtempSync(join(tmpdir(), 'mosaic-bench-mashups-build-'));
const { platform, server, graphqlUrl, cleanups } = await serveBenchPlatformInTempDir('mosaic-bench-mashups-', {
  MOSAIC_EGRESS_DEV_HOSTS: Object.values(HOSTS).map((h) => `${h}=127.0.0.1`).join(','),
});
cleanups.push(() => rmSync(outDir, { recursive: true, force: true }));

const { tenantId, apiKey, ctx } = await adminTenant(platform, 'bench-mashups');
const admin = graphqlClient(server.url, apiKey);
const gql = async (query: string, variables: Record<string, unknown>): Promise<Record<string, any>> => {
  const res = await admin.gql(query, variables);
  if (res.errors || !res.data) throw new Error(`${query.slice(0, 80)}…: ${res.status} ${JSON.stringify(res.errors ?? res).slice(0, 500)}`);
  return res.data;
};

await publishBuiltPlugins(platform, admin, PLUGINS, outDir, 'mosaic');
const install = 'mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status } } }';
await gql(install, {
  i: {
    pluginId: 'mosaic.shipment-tracking',
    grantScopes: ['orders:read', 'customers:read', 'interactions:write', 'storage'],
    grantEgress: [HOSTS.parcelly, HOSTS.shipfast],
    config: {
      parcellyBaseUrl: `http://${HOSTS.parcelly}:${args.carrierPort}`,
      shipfastBaseUrl: `http://${HOSTS.shipfast}:${args.carrierPort}`,
      // Warm means served from storage for the whole run (the longest window the plugin allows).
      freshnessSeconds: 86_400,
      // Only the attached numbers: no derived Parcelly number tracked alongside.
      deriveTrackingNumbers: false,
    },
    secrets: [
      { name: 'PARCELLY_TOKEN', value: args.carrierToken },
      { name: 'SHIPFAST_API_KEY', value: args.shipfastKey },
      { name: 'CARRIER_WEBHOOK_SECRET', value: 'bench-webhook-secret' },
    ],
  },
});
await gql(install, {
  i: {
    pluginId: 'mosaic.maps',
    grantScopes: ['customers:read', 'accounts:read', 'orders:read', 'storage'],
    grantEgress: [HOSTS.geocoder],
    config: {
      geocoderBaseUrl: `http://${HOSTS.geocoder}:${args.geocoderPort}`,
      serviceLocations: [{ name: 'Paris store', lat: 48.8566, lon: 2.3522 }, { name: 'Berlin store', lat: 52.52, lon: 13.405 }],
    },
  },
});

// The customer and orders straight through the domain (as serve-plugin-fixture does); the
// parcels through the plugin's own mutation, which asks the carrier once and stores the answer.
const customer = await domain.customers.createCustomer(ctx, {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  address: { line1: '12 Rue de Rivoli', city: 'Paris', postalCode: '75004', country: 'FR' },
});
const attach = `mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) {
  mosaic_shipmentTracking_attachTrackingNumber(input: $i) { trackingNumber status }
}`;
for (const [i, parcel] of args.parcels.entries()) {
  const order = await domain.orders.createOrder(ctx, {
    customerId: customer.id,
    number: `ORD-${String(i + 1).padStart(6, '0')}`,
    currency: 'EUR',
    status: 'SHIPPED',
    placedAt: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000),
    lines: [
      { sku: `SKU-${i % 7}`, name: `Widget ${i % 7}`, quantity: 1 + (i % 3), unitPriceCents: 1_999 },
      ...(i % 2 ? [{ sku: 'SKU-GIFT', name: 'Gift wrap', quantity: 1, unitPriceCents: 499 }] : []),
    ],
  });
  await gql(attach, { i: { orderId: toGlobalId('Order', order.id), ...parcel } });
}

// Each order.created went to the plugins through the outbox; a delivery still due would make the
// plugin ask the carrier in the middle of the timing, so wait until every event is delivered.
const { client } = await platform.tenants.get(tenantId);
for (let waited = 0; ; waited += 200) {
  const { rows } = await client.execute(`select (select count(*) from outbox where dispatched_at is null)
    + (select count(*) from event_deliveries where status = 'pending') as due`);
  if (Number(rows[0]!.due) === 0) break;
  if (waited > 120_000) throw new Error(`events still undelivered after 120 s: ${rows[0]!.due}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}

emit<MashupsFixture>({ graphqlUrl, apiKey, customerId: toGlobalId('Customer', customer.id), orders: args.parcels.length });

serveUntilStopped(cleanups);
