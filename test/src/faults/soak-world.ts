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
import { SIGNATURE_HEADER, signWebhook, startCarrierService, TIMESTAMP_HEADER, type CarrierService } from '@mosaic/example-carrier';
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
  /**
   * The carrier push sent right after the shipment plugin was installed, before the rest of the
   * set-up: its replay claim is the oldest, the first a later push can prune (see soak.ts).
   */
  setupPush: { claimExpiresAt: number };
  portal: WebVisitor;
  console: WebVisitor;
  close(): Promise<void>;
}

export interface SoakWorldOptions {
  /** Adds to the core process's environment. */
  coreEnv?: Record<string, string>;
  /** How old the set-up's carrier push is when sent (see SoakLoadOptions.webhookAgeSeconds). Default 0. */
  webhookAgeSeconds?: number;
}

/** Prepares the world. */
export async function prepareSoakWorld(slug: string, options: SoakWorldOptions = {}): Promise<SoakWorld> {
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
      ...options.coreEnv,
    }, slug);
    cleanups.push(() => world.close(), () => core.stop());
    const admin = world.client(core);

    const parcels = Array.from({ length: TRACKED_ORDERS }, () => carrier.register({ carrier: 'shipfast', scenario: 'on-time' }).trackingNumber);
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
    const webhookPath = tracking.installation.webhookPaths[0] as string;
    const pushed = await pushCarrierUpdate(core.url, webhookPath, { eventId: `evt_${slug}_setup`, trackingNumber: parcels[0]!, ageSeconds: options.webhookAgeSeconds ?? 0 });
    if ('error' in pushed) throw new Error(`the set-up's carrier push: ${pushed.error}`);
    const [claim] = await world.tenantRows('select max(expires_at) as expires from inbound_webhook_replays');
    const setupPush = { claimExpiresAt: Number(claim!.expires) };
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
    for (let i = 1; i <= TRACKED_ORDERS; i++) {
      const order = (await create(admin, 'createOrder', {
        customerId: customer360, number: `SOAK-${i}`, currency: 'EUR', status: 'SHIPPED',
        lines: [{ sku: `SKU-${i}`, name: `Widget ${i}`, quantity: 1, unitPriceCents: 1999 }],
      })).order.id as string;
      const attached = await admin.gql(`mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) { mosaic_shipmentTracking_attachTrackingNumber(input: $i) { status } }`,
        { i: { orderId: order, carrier: 'SHIPFAST', trackingNumber: parcels[i - 1] } });
      if (attached.errors) throw new Error(`attaching a parcel: ${JSON.stringify(attached.errors)}`);
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
      webhookPath, setupPush,
      portal, console: consoleVisitor, close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The carrier's signed push of a parcel's news to the shipment plugin's webhook, signed
 * `ageSeconds` ago (a carrier clock running behind). The signing time (ms since epoch) when the
 * server took it, else why not.
 */
export async function pushCarrierUpdate(
  coreUrl: string, webhookPath: string, push: { eventId: string; trackingNumber: string; ageSeconds: number },
): Promise<{ signedAt: number } | { error: string }> {
  const timestamp = Math.floor((Date.now() - push.ageSeconds * 1000) / 1000);
  const body = JSON.stringify({
    eventId: push.eventId, deliveryId: push.eventId.replace(/^evt_/, 'dlv_'), carrier: 'shipfast',
    trackingNumber: push.trackingNumber, status: 'in_transit', description: 'Arrived at the sorting centre',
    occurredAt: new Date().toISOString(), estimatedDelivery: null,
  });
  const res = await fetch(`${coreUrl}${webhookPath}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signWebhook(WEBHOOK_SECRET, timestamp, body) },
  });
  const text = await res.text();
  return res.status === 200 ? { signedAt: timestamp * 1000 } : { error: `HTTP ${res.status} ${text.slice(0, 200)}` };
}
