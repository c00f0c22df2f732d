/**
 * What the soak runs against: the fault world (a real `mosaic serve` on an embedded data folder,
 * the probe plugin installed) plus the demo's first-party plugins, shipment tracking and maps,
 * built, published and installed over the API against the carrier and geocoder simulators on
 * loopback (as bench/serve-mashups-fixture.ts does), a customer with an address and tracked
 * orders, and a portal customer and a console agent signed in through the real forms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedWebUsers } from '@mosaic/core';
import { startCarrierService, type CarrierService } from '@mosaic/example-carrier';
import { loadGazetteer, startGeocoderService, type GeocoderService } from '@mosaic/example-geocoder';
import { WebVisitor } from '../../../core/src/web/testing/web-visitor.js';
import type { CoreProcess } from '../core-process.js';
import { create, ok, seedWorld, type World } from '../fixtures.js';
import type { Client } from '../harness.js';
import { publishBuiltPlugins } from '../publish-built-plugin.js';
import { prepareFaultWorld, type FaultWorld } from './fault-world.js';

const PLUGINS = ['shipment-tracking', 'maps'].map((name) => fileURLToPath(new URL(`../../../plugins/${name}/`, import.meta.url)));
const HOSTS = { parcelly: 'parcelly.carrier.test', shipfast: 'shipfast.carrier.test', geocoder: 'geocoder.maps.test' };
const CARRIER_TOKEN = 'soak-parcelly-token';
const SHIPFAST_KEY = 'soak-shipfast-key';
export const WEBHOOK_SECRET = 'soak-carrier-webhook-secret';
const PASSWORDS = { customerPassword: 'soak customer password', agentPassword: 'soak agent password', adminPassword: 'soak admin password' };
/** Tracked orders of the portal customer: each 360 read resolves this many parcels and routes. */
const TRACKED_ORDERS = 5;

export interface SoakWorld {
  world: FaultWorld;
  core: CoreProcess;
  slug: string;
  admin: Client;
  /** seedWorld's records (a customer with a case, an agent, an article…), the target of the writes. */
  records: World;
  /** Global id of the customer with an address and tracked orders: the 360 read and the portal user. */
  customer360: string;
  /** Tracking numbers (ShipFast) attached to that customer's orders, which the carrier pushes news of. */
  parcels: string[];
  /** The shipment plugin's inbound webhook path on the core. */
  webhookPath: string;
  portal: WebVisitor;
  console: WebVisitor;
  close(): Promise<void>;
}

/** Prepares the world; `coreEnv` adds to the core process's environment. */
export async function prepareSoakWorld(slug: string, coreEnv: Record<string, string> = {}): Promise<SoakWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-soak-'));
  const out = mkdtempSync(join(tmpdir(), 'mosaic-soak-build-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true }), () => rmSync(out, { recursive: true, force: true })];
  const close = async () => { for (const step of cleanups.reverse()) await step(); };
  try {
    // The soak measures the platform, not the simulators: no rate limits on them.
    const carrier: CarrierService = await startCarrierService({ token: CARRIER_TOKEN, shipfastKeys: [SHIPFAST_KEY], rateLimit: false, tickMs: 0 });
    cleanups.push(() => carrier.close());
    const geocoder: GeocoderService = await startGeocoderService({ gazetteer: loadGazetteer(), rateLimit: false });
    cleanups.push(() => geocoder.close());
    const { world, core } = await prepareFaultWorld({
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_EGRESS_DEV_HOSTS: Object.values(HOSTS).map((h) => `${h}=127.0.0.1`).join(','),
      ...coreEnv,
    }, slug);
    cleanups.push(() => world.close(), () => core.stop());
    const admin = world.client(core);

    await publishBuiltPlugins(world.platform, admin, PLUGINS, out, 'mosaic');
    const tracking = ok(await admin.gql('mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { webhookPaths } } }', { i: {
      pluginId: 'mosaic.shipment-tracking',
      grantScopes: ['orders:read', 'customers:read', 'interactions:write', 'storage'],
      grantEgress: [HOSTS.parcelly, HOSTS.shipfast],
      config: {
        parcellyBaseUrl: `http://${HOSTS.parcelly}:${carrier.port}`,
        shipfastBaseUrl: `http://${HOSTS.shipfast}:${carrier.port}`,
        // Parcels are asked again every 30 s: carrier calls are part of the steady load.
        freshnessSeconds: 30,
        deriveTrackingNumbers: false,
      },
      secrets: [
        { name: 'PARCELLY_TOKEN', value: CARRIER_TOKEN },
        { name: 'SHIPFAST_API_KEY', value: SHIPFAST_KEY },
        { name: 'CARRIER_WEBHOOK_SECRET', value: WEBHOOK_SECRET },
      ],
    } })).installPlugin;
    await create(admin, 'installPlugin', {
      pluginId: 'mosaic.maps',
      grantScopes: ['customers:read', 'accounts:read', 'orders:read', 'storage'],
      grantEgress: [HOSTS.geocoder],
      config: {
        geocoderBaseUrl: `http://${HOSTS.geocoder}:${geocoder.port}`,
        serviceLocations: [{ name: 'Paris store', lat: 48.8566, lon: 2.3522 }, { name: 'Berlin store', lat: 52.52, lon: 13.405 }],
      },
    });

    const records = await seedWorld(admin, slug);
    const customer360 = (await create(admin, 'createCustomer', {
      name: 'Ada Lovelace', email: `ada@${slug}.example`,
      address: { line1: '12 Rue de Rivoli', city: 'Paris', postalCode: '75004', country: 'FR' },
    })).customer.id as string;
    const parcels: string[] = [];
    for (let i = 1; i <= TRACKED_ORDERS; i++) {
      const order = (await create(admin, 'createOrder', {
        customerId: customer360, number: `SOAK-${i}`, currency: 'EUR', status: 'SHIPPED',
        lines: [{ sku: `SKU-${i}`, name: `Widget ${i}`, quantity: 1, unitPriceCents: 1999 }],
      })).order.id as string;
      const parcel = carrier.register({ carrier: 'shipfast', scenario: 'on-time' });
      const attached = await admin.gql(`mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) { mosaic_shipmentTracking_attachTrackingNumber(input: $i) { status } }`,
        { i: { orderId: order, carrier: 'SHIPFAST', trackingNumber: parcel.trackingNumber } });
      if (attached.errors) throw new Error(`attaching a parcel: ${JSON.stringify(attached.errors)}`);
      parcels.push(parcel.trackingNumber);
    }

    // The portal user is the customer with an address and a shipped order (Ada); the agent is seedWorld's.
    const portal = new WebVisitor(core.url);
    const consoleVisitor = new WebVisitor(core.url);
    const users = await seedWebUsers(await world.platform.tenants.get(world.tenantId), PASSWORDS);
    for (const [visitor, area, email, password] of [
      [portal, 'portal', users.customer.email, PASSWORDS.customerPassword],
      [consoleVisitor, 'console', users.agent.email, PASSWORDS.agentPassword],
    ] as const) {
      const signedIn = await visitor.signIn(slug, area, email, password);
      if (signedIn.status !== 303) throw new Error(`${area} sign-in of ${email}: ${signedIn.status}`);
    }
    return {
      world, core, slug, admin, records, customer360, parcels,
      webhookPath: tracking.installation.webhookPaths[0] as string,
      portal, console: consoleVisitor, close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
