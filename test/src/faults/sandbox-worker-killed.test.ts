/**
 * The sandbox worker process (a child of `mosaic serve`) killed with SIGKILL while a plugin field
 * and event deliveries run in it: the field fails with its code beside the core fields, the next
 * request gets a fresh worker, and every event still reaches the plugin, which acts on it once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreProcess } from '../core-process.js';
import { localOf } from '../fixtures.js';
import type { Client } from '../harness.js';
import { childPids, PROBE_ID, prepareFaultWorld, waitFor, type FaultWorld } from './fault-world.js';

describe('a sandbox worker killed mid-request', () => {
  let dataDir: string;
  let world: FaultWorld;
  let core: CoreProcess;
  let admin: Client;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mosaic-worker-kill-'));
    ({ world, core } = await prepareFaultWorld({ MOSAIC_DATA_DIR: dataDir }, 'worker-kill'));
    admin = world.client(core);
  });
  afterAll(async () => {
    await core?.stop();
    await world?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the in-flight plugin field fails with PLUGIN_FAILED, the next request succeeds, no event is lost', async () => {
    expect((await admin.gql('{ faults_probe_busy(ms: 1) }')).data).toEqual({ faults_probe_busy: 'done' });
    const [worker, ...others] = childPids(core.pid);
    expect(others, 'one sandbox worker (MOSAIC_SANDBOX_WORKERS=1)').toEqual([]);

    // A field busy for 900 ms, customers created meanwhile (their events go to the same worker),
    // and the worker killed while all of that runs.
    const inFlight = admin.gql('{ customers(first: 1) { totalCount } faults_probe_busy(ms: 900) }');
    await new Promise((r) => setTimeout(r, 100));
    const creating = Promise.all([1, 2, 3].map((i) => admin.gql(
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }', { i: { name: `Worker ${i}`, email: `worker-${i}@faults.example` } },
    )));
    await new Promise((r) => setTimeout(r, 200));
    process.kill(worker!, 'SIGKILL');
    const customerIds = (await creating).map((c) => c.data!.createCustomer.customer.id as string);

    const answer = await inFlight;
    expect(answer.data).toEqual({ customers: { totalCount: expect.any(Number) }, faults_probe_busy: null });
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['faults_probe_busy'], 'PLUGIN_FAILED']]);

    // The next request is served by a fresh worker.
    expect(await admin.gql('{ faults_probe_busy(ms: 1) }')).toMatchObject({ data: { faults_probe_busy: 'done' } });
    const [replacement] = childPids(core.pid);
    expect(replacement).toBeDefined();
    expect(replacement).not.toBe(worker);

    // Every customer.created event is delivered (a delivery the kill broke is retried after its
    // backoff) and greets its customer exactly once.
    await waitFor('every delivery settled', 30_000, async () => {
      const deliveries = await world.tenantRows(
        `select d.status as status from event_deliveries d join outbox o on o.id = d.event_id where o.type = 'customer.created' and d.plugin_id = ?`, [PROBE_ID],
      );
      return deliveries.length === 3 && deliveries.every((d) => d.status === 'delivered') ? true : undefined;
    });
    const greetings = await world.tenantRows(
      'select customer_id as customer, count(*) as n from interactions where source_installation_id = ? group by 1', [world.probeInstallationId],
    );
    expect(new Map(greetings.map((g) => [String(g.customer), Number(g.n)]))).toEqual(new Map(customerIds.map((id) => [localOf(id), 1])));
  });
});
