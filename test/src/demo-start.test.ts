import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicBin } from './core-process.js';
import { graphqlClient } from './harness.js';
import { newcomerEnv } from './newcomer-env.js';
import { freePort } from './sqld-server.js';

// What `npm start` runs once the build is done (package.json "start").
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START = join(ROOT, 'scripts', 'demo', 'start.mjs');
const run = promisify(execFile);

/** plugins/* packages whose declared plugin entry exists: each must end up installed on the demo tenant. */
const firstPartyPlugins = () => readdirSync(join(ROOT, 'plugins'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'plugins', d.name, 'package.json')))
  .filter((d) => {
    const entry = JSON.parse(readFileSync(join(ROOT, 'plugins', d.name, 'package.json'), 'utf8')).mosaic?.entry;
    return typeof entry === 'string' && existsSync(join(ROOT, 'plugins', d.name, entry));
  })
  .map((d) => d.name);

interface Start { child: ChildProcess; output: () => string; ready: Promise<void> }

/** `npm start` on a data folder and ports of the test's own; ready once the plugins line (or `readyWhen`) is out. */
function start(env: Record<string, string>, readyWhen = /Plugins on the demo tenant: .*\n/): Start {
  const child = spawn(process.execPath, [START], { cwd: ROOT, env: newcomerEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      if (readyWhen.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${output.slice(-3000)}`)));
  });
  return { child, output: () => output, ready };
}

async function stop(s: Start): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode;
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  return exited;
}

const answers = (url: string) => fetch(url).then((r) => r.status, () => 0);

/** An empty data folder and free ports for one demo. */
async function emptyDemo() {
  const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-demo-start-'));
  const [port, carrierPort, geocoderPort] = [await freePort(), await freePort(), await freePort()];
  return {
    dataDir,
    env: {
      MOSAIC_DATA_DIR: dataDir, MOSAIC_LOG_LEVEL: 'warn', HOST: '127.0.0.1',
      PORT: String(port), CARRIER_PORT: String(carrierPort), GEOCODER_PORT: String(geocoderPort),
    },
    server: `http://127.0.0.1:${port}`,
    carrier: `http://127.0.0.1:${carrierPort}`,
    geocoder: `http://127.0.0.1:${geocoderPort}`,
  };
}

const publishedIn = (output: string) => [...output.matchAll(/demo: published (\S+)@/g)].map((m) => m[1]);

describe('npm start on an empty data folder', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: string;
  let carrier: string;
  let geocoder: string;
  beforeAll(async () => {
    ({ dataDir, env, server, carrier, geocoder } = await emptyDemo());
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts the simulators and the platform, installs every first-party plugin on the demo tenant, and a restart changes nothing but starts the simulators again', async () => {
    const first = start(env);
    try {
      await first.ready;
      expect(await answers(`${carrier}/healthz`)).toBe(200);
      expect(await answers(`${geocoder}/status`)).toBe(200);
      expect(first.output()).toContain('Demo tenant "demo" created with sample data');
      expect(first.output()).toContain(`customer portal  ${server}/t/demo/portal`);
      expect(await answers(`${server}/t/demo/portal`)).toBe(200);
      expect(first.output()).toContain('MOSAIC_EGRESS_DEV_HOSTS is set: plugins reach these hosts on loopback');
      expect(first.output()).not.toMatch(/plugins not installed|mosaic demo: |demo data: /);

      const { keys } = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
      const admin = graphqlClient(server, keys.admin);
      const installations = await admin.gql<{ pluginInstallations: { pluginId: string; status: string }[] }>('{ pluginInstallations { pluginId status } }');
      expect(installations.errors).toBeUndefined();
      const installed = installations.data!.pluginInstallations.filter((i) => i.status === 'ACTIVE').map((i) => i.pluginId).sort();
      expect(installed).toEqual(firstPartyPlugins().map((name) => `mosaic.${name}`).sort());

      // The 360 query shows what the installed plugins add, reached through the mapped .test names.
      if (installed.includes('mosaic.maps')) {
        const res = await admin.gql<{ customers: { edges: { node: { address: unknown; mosaic_maps_location: { lat: number; precision: string } | null } }[] } }>(
          '{ customers(first: 10) { edges { node { address { city } mosaic_maps_location { lat lon precision } } } } }',
        );
        expect(res.errors).toBeUndefined();
        // The plugin geocodes a few new addresses per request (its maxLookupsPerCall); some is enough here.
        const located = res.data!.customers.edges.map((e) => e.node.mosaic_maps_location).filter((l) => l !== null);
        expect(located.length).toBeGreaterThan(0);
        for (const l of located) expect(l).toMatchObject({ precision: 'CITY', lat: expect.any(Number) });
      }
      if (installed.includes('mosaic.shipment-tracking')) {
        // The orders the demo gave a parcel in each state: one 360 query per order shows its
        // shipment as the carrier simulator reports it and, with maps, where its customer is.
        const seeded = JSON.parse(readFileSync(join(dataDir, 'demo-plugins.json'), 'utf8')).seeded['mosaic.shipment-tracking'] as { orderId: string; scenario: string; trackingNumber: string }[];
        expect(seeded.map((o) => o.scenario)).toEqual(['on-time', 'delayed', 'delivered', 'lost', 'exception']);
        const expected: Record<string, string[]> = {
          'on-time': ['IN_TRANSIT', 'OUT_FOR_DELIVERY'], delayed: ['DELAYED'], delivered: ['DELIVERED'], lost: ['LOST'], exception: ['DELIVERY_FAILED'],
        };
        const location = installed.includes('mosaic.maps') ? 'mosaic_maps_location { lat lon }' : 'id';
        for (const { orderId, scenario, trackingNumber } of seeded) {
          const res = await admin.gql<{ order: { customer: { mosaic_maps_location?: { lat: number } | null }; mosaic_shipmentTracking_shipments: { trackingNumber: string; status: string; stale: boolean }[] } }>(
            `query O($id: ID!) { order(id: $id) { customer { ${location} } mosaic_shipmentTracking_shipments { trackingNumber status stale } } }`, { id: orderId },
          );
          expect(res.errors).toBeUndefined();
          const shipment = res.data!.order.mosaic_shipmentTracking_shipments.find((x) => x.trackingNumber === trackingNumber);
          expect(shipment, `${scenario} ${trackingNumber}`).toMatchObject({ stale: false });
          expect(expected[scenario]).toContain(shipment!.status);
          if (installed.includes('mosaic.maps')) expect(res.data!.order.customer.mosaic_maps_location).toMatchObject({ lat: expect.any(Number) });
        }
      }
    } finally {
      expect(await stop(first)).toBe(0);
    }
    // Stopped with the server.
    expect(await answers(`${carrier}/healthz`)).toBe(0);
    expect(await answers(`${geocoder}/status`)).toBe(0);

    const second = start(env);
    try {
      await second.ready;
      expect(await answers(`${carrier}/healthz`)).toBe(200);
      expect(await answers(`${geocoder}/status`)).toBe(200);
      expect(second.output()).toContain('Demo tenant "demo": its API keys and sign-ins are in');
      expect(second.output()).not.toMatch(/demo: (building|published|installed|orders with a parcel)/);
      expect(second.output()).not.toMatch(/plugins not installed|mosaic demo: |demo data: /);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  }, 150_000);

  it('a start stopped right after its first publish is finished by the next, which publishes nothing twice', async () => {
    if (firstPartyPlugins().length === 0) return;
    const demo = await emptyDemo();
    try {
      const first = start(demo.env, /demo: published \S+/);
      await first.ready;
      expect(await stop(first)).toBe(0);
      const publishedFirst = publishedIn(first.output());
      expect(publishedFirst.length).toBeGreaterThan(0);

      const second = start(demo.env);
      try {
        await second.ready;
        expect(publishedIn(second.output()).filter((id) => publishedFirst.includes(id))).toEqual([]);
        const { keys } = JSON.parse(readFileSync(join(demo.dataDir, 'demo-credentials.json'), 'utf8'));
        const admin = graphqlClient(demo.server, keys.admin);
        const res = await admin.gql<{ marketplace: { pluginId: string; versions: string[] }[]; pluginInstallations: { pluginId: string; status: string }[] }>(
          '{ marketplace { pluginId versions } pluginInstallations { pluginId status } }',
        );
        const expected = firstPartyPlugins().map((name) => `mosaic.${name}`).sort();
        expect(res.data!.pluginInstallations.filter((i) => i.status === 'ACTIVE').map((i) => i.pluginId).sort()).toEqual(expected);
        expect(res.data!.marketplace.filter((p) => expected.includes(p.pluginId)).map((p) => p.versions.length)).toEqual(expected.map(() => 1));
      } finally {
        expect(await stop(second)).toBe(0);
      }
    } finally {
      rmSync(demo.dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('MOSAIC_EGRESS_DEV_HOSTS at start-up', () => {
  it.each([
    ['geocoder.maps.test=10.0.0.1', "geocoder.maps.test: '10.0.0.1' is not a loopback address"],
    ['geocoder.maps.test=0x7f000001', "geocoder.maps.test: '0x7f000001' is not a loopback address"],
    ['geocoder%2emaps.test=127.0.0.1', 'geocoder%2emaps.test'],
  ])('%s stops mosaic serve before it creates anything', async (mapping, reason) => {
    const parent = mkdtempSync(join(tmpdir(), 'mosaic-dev-hosts-'));
    const dataDir = join(parent, 'data');
    const env = newcomerEnv({ MOSAIC_DATA_DIR: dataDir, PORT: String(await freePort()), MOSAIC_EGRESS_DEV_HOSTS: mapping });
    try {
      const failure = await run(process.execPath, [mosaicBin(), 'serve'], { env }).then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(`mosaic: bad configuration: MOSAIC_EGRESS_DEV_HOSTS: `);
      expect(failure?.stderr).toContain(reason);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
