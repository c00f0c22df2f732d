import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../db/control.js';
import { SharedCostBuckets } from './shared-cost-buckets.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-shared-costs-'));
let client: Client;
let batches = 0;
beforeAll(async () => {
  ({ client } = await openControlPlane({ kind: 'embedded', dataDir: dir }));
  const batch = client.batch.bind(client);
  client.batch = ((...args: Parameters<Client['batch']>) => { batches++; return batch(...args); }) as Client['batch'];
});
afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Takes `cost` until refused; answers the points accepted. */
async function spend(buckets: SharedCostBuckets, tenant: string, cost: number, times: number): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < times; i++) if ((await buckets.take(tenant, cost)).ok) accepted += cost;
  return accepted;
}

describe('SharedCostBuckets', () => {
  it('two nodes on one database accept one budget between them, within the lease bound', async () => {
    // 6 000 points a minute refill 0.1 a millisecond: a few points over the test, far below a lease.
    const [a, b] = [new SharedCostBuckets(client, 6_000), new SharedCostBuckets(client, 6_000)];
    expect(a.leaseSize).toBe(300);
    batches = 0;
    const both = (await Promise.all([spend(a, 't1', 40, 120), spend(b, 't1', 40, 120), spend(a, 't1', 40, 30)])).reduce((x, y) => x + y);
    const single = await spend(new SharedCostBuckets(client, 6_000), 't1-alone', 40, 300);
    const bound = 2 * a.leaseSize;
    expect(both).toBeLessThanOrEqual(6_000 + 40 + bound);
    expect(both).toBeGreaterThanOrEqual(6_000 - bound);
    expect(Math.abs(both - single)).toBeLessThanOrEqual(bound);
    // A lease serves several requests: far fewer trips than the 270 takes.
    expect(batches).toBeLessThan(270 / 4);
  });

  it('refuses with the wait the refill needs, and answers later refusals without the database', async () => {
    const node = new SharedCostBuckets(client, 600, 600, { leaseSize: 100 }); // 10 points a second
    expect(await node.take('t2', 550)).toEqual({ ok: true });
    expect(node.status('t2').currentlyAvailable).toBeGreaterThanOrEqual(50);
    const before = batches;
    expect(await node.take('t2', 200)).toMatchObject({ ok: false });
    const trips = batches - before;
    const refused = node.take('t2', 200);
    expect(refused).toMatchObject({ ok: false }); // synchronous: decided here
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(14);
    expect(batches - before).toBe(trips);
    // Another node sees the same bucket: what the first one leased is gone for it.
    expect(await new SharedCostBuckets(client, 600).take('t2', 200)).toMatchObject({ ok: false });
  });

  it('drops a lease left unspent past leaseMs, so a quiet node holds nothing stale', async () => {
    let now = Date.now();
    const node = new SharedCostBuckets(client, 60_000, 60_000, { leaseSize: 1_000, leaseMs: 5_000, now: () => now });
    expect(await node.take('t3', 10)).toEqual({ ok: true }); // leases 1 010, spends 10
    const before = batches;
    expect(node.take('t3', 10)).toEqual({ ok: true }); // from the lease
    expect(batches).toBe(before);
    now += 6_000;
    expect(await node.take('t3', 10)).toEqual({ ok: true }); // the stale lease dropped: a new one
    expect(batches).toBe(before + 1);
  });
});
