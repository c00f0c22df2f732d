/**
 * Two `mosaic serve` nodes on one sqld behind a real HAProxy (round robin, health checks on
 * /readyz), as the deployment guide runs them: a tenant's cost budget holds across both nodes
 * (within the leases they hold), a write on one node reaches a live stream open on the other,
 * events emitted through both are delivered once each, and killing one node under load loses no
 * acknowledged write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@mosaic/core';
import { openSse } from '../../core/src/graphql/subscriptions/sse-test-client.js';
import { startCoreProcess, type CoreProcess } from './core-process.js';
import { PROBE_ID, prepareFaultWorld, waitFor, type FaultWorld } from './faults/fault-world.js';
import { startWriteLoad, type Acknowledged } from './faults/write-load.js';
import { graphqlClient, type Client } from './harness.js';
import { haproxyBinary, startHaproxy, type LoadBalancer } from './haproxy.js';
import { startSqld, type SqldServer } from './sqld-server.js';

/** A budget small enough to spend in a second or two, big enough for the other tests' tenant. */
const PER_MINUTE = 60_000;
/** Each node leases capacity / 20 beyond a request's need (SharedCostBuckets' default). */
const LEASE = PER_MINUTE / 20;
const PAGE = `{ customers(first: 100) { edges { node { id name email } } } }`;

describe.skipIf(!haproxyBinary())('two nodes behind HAProxy on one sqld', () => {
  let sqld: SqldServer;
  let world: FaultWorld;
  let nodes: CoreProcess[] = [];
  let lb: LoadBalancer;
  let viaLb: Client;

  beforeAll(async () => {
    sqld = await startSqld();
    const prepared = await prepareFaultWorld({ ...sqld.env, MOSAIC_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) }, 'two-nodes');
    world = prepared.world;
    nodes = [prepared.core, await startCoreProcess(world.env)];
    lb = await startHaproxy(nodes.map((n) => n.url));
    viaLb = graphqlClient(lb.url, world.adminKey);
  }, 60_000);
  afterAll(async () => {
    await lb?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await world?.close();
    await sqld?.stop();
  });

  /**
   * Spends a new tenant's budget through `baseUrl` with 6 clients at once until twice the budget
   * was asked for; answers the cost accepted, and what one node's budget allowed meanwhile.
   */
  async function spendBudget(baseUrl: string, slug: string) {
    const { tenant, apiKey } = await createTenant(world.platform.control.db, world.platform.tenants, { slug });
    const client = graphqlClient(baseUrl, apiKey);
    let asked = 0;
    let accepted = 0;
    const refused = new Set<unknown>();
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (asked < 2 * PER_MINUTE) {
        const res = await client.gql(PAGE);
        // The harness's response type leaves extensions out; the body has them (extensions.cost).
        const cost = (res as { extensions?: { cost?: { requestedQueryCost: number } } }).extensions?.cost?.requestedQueryCost ?? 0;
        if (res.errors) {
          refused.add(res.errors[0]!.extensions?.code);
          asked += 400; // a refusal is priced 0; count it at about a page's cost
        } else {
          accepted += cost;
          asked += cost;
        }
      }
    }));
    const seconds = (Date.now() - started) / 1000;
    return { tenantId: tenant.id, accepted, allowed: PER_MINUTE + (PER_MINUTE / 60) * seconds, refused };
  }
  const costOn = async (node: CoreProcess, tenantId: string) => {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('mosaic_graphql_cost_points_total{') && l.includes(`"${tenantId}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('a tenant\'s cost budget holds across both nodes, within the leases they hold', async () => {
    const two = await spendBudget(lb.url, 'budget-two-nodes');
    const single = await startCoreProcess({ ...world.env, MOSAIC_NODES: 'one' });
    let one: Awaited<ReturnType<typeof spendBudget>>;
    try {
      one = await spendBudget(single.url, 'budget-one-node');
    } finally {
      await single.stop();
    }
    const share = await Promise.all(nodes.map((n) => costOn(n, two.tenantId)));
    const pct = (r: typeof two) => `${(((r.accepted - r.allowed) / r.allowed) * 100).toFixed(1)} %`;
    console.log([
      `rate limit ${PER_MINUTE}/min, lease ${LEASE} per node:`,
      `  two nodes via HAProxy: accepted ${two.accepted} of ${Math.round(two.allowed)} allowed (${pct(two)}; node shares ${share.join(' + ')})`,
      `  one node:              accepted ${one.accepted} of ${Math.round(one.allowed)} allowed (${pct(one)})`,
    ].join('\n'));
    expect(two.refused).toEqual(new Set(['RATE_LIMITED']));
    expect(one.refused).toEqual(new Set(['RATE_LIMITED']));
    // Both nodes served; without the shared store each would have granted a whole budget.
    for (const part of share) expect(part).toBeGreaterThan(0);
    expect(share[0]! + share[1]!).toBe(two.accepted);
    expect(two.accepted).toBeLessThanOrEqual(two.allowed + 2 * LEASE);
    expect(two.accepted).toBeGreaterThanOrEqual(two.allowed - 2 * LEASE - 400);
    expect(one.accepted).toBeLessThanOrEqual(one.allowed);
  }, 60_000);

  it('a write on one node reaches a live stream open on the other within 2 s', async () => {
    const [a, b] = nodes.map((n) => world.client(n));
    const customer = (await a!.gql(`mutation { createCustomer(input: { name: "Live across" }) { customer { id } } }`)).data!.createCustomer.customer.id;
    const stream = await openSse(nodes[1]!.url, b!.apiKey, `subscription { caseUpdated { id subject } }`);
    try {
      expect(stream.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300)); // the subscription is registered on node B
      const written = Date.now();
      const created = await a!.gql(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "Heard on B", channel: EMAIL }) { case { id } } }`, { c: customer });
      expect(created.errors).toBeUndefined();
      const event = await stream.next(2_000);
      const heardMs = Date.now() - written;
      console.log(`live event from node A heard on node B after ${heardMs} ms`);
      expect(JSON.parse(event.data!).data.caseUpdated).toEqual({ id: created.data!.createCase.case.id, subject: 'Heard on B' });
      expect(await stream.quietFor(600)).toBe(true); // once, not echoed back
    } finally {
      stream.close();
    }
  }, 30_000);

  it('events emitted through both nodes are delivered once each', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `once-${i}@two-nodes.example`);
    const answers = await Promise.all(emails.map((email) =>
      viaLb.gql('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }', { i: { name: email, email } })));
    for (const res of answers) expect(res.errors).toBeUndefined();
    const events = await waitFor('every customer.created delivered', 20_000, async () => {
      const rows = await world.tenantRows(`select o.id as id, d.status as status from outbox o join customers c on c.id = o.subject_id
        left join event_deliveries d on d.event_id = o.id and d.plugin_id = ?
        where o.type = 'customer.created' and c.email like '%@two-nodes.example'`, [PROBE_ID]);
      return rows.length === emails.length && rows.every((r) => r.status === 'delivered') ? rows.map((r) => String(r.id)) : undefined;
    });
    const runs = await world.tenantRows("select substr(key, 6) as id, cast(value as integer) as n from plugin_storage where plugin_id = ? and key like 'runs:%'", [PROBE_ID]);
    const ranOf = new Map(runs.map((r) => [String(r.id), Number(r.n)]));
    const greeted = await world.tenantRows('select idempotency_key as id, count(*) as n from interactions where source_installation_id = ? group by 1', [world.probeInstallationId]);
    const greetedOf = new Map(greeted.map((r) => [String(r.id), Number(r.n)]));
    expect(events.map((id) => ranOf.get(id))).toEqual(events.map(() => 1));
    expect(events.map((id) => greetedOf.get(id))).toEqual(events.map(() => 1));
  }, 40_000);

  it('kill -9 of one node under write load through the balancer loses no acknowledged write', async () => {
    const ledger: Acknowledged = { rows: [], customers: [], storageKeys: [], refused: {} };
    const record = (load: { acknowledged: Acknowledged }) => {
      ledger.rows.push(...load.acknowledged.rows);
      ledger.customers.push(...load.acknowledged.customers);
      ledger.storageKeys.push(...load.acknowledged.storageKeys);
    };
    for (const node of nodes) await world.client(node).gql('{ faults_probe_recall(key: "warm") }');
    const before = startWriteLoad(lb.url, viaLb, world.channelId, `k1-${Date.now().toString(36)}`);
    await new Promise((r) => setTimeout(r, 1_500));
    await nodes[0]!.kill();
    // The loops whose request died with the node stop; the others go on through node B.
    await new Promise((r) => setTimeout(r, 1_000));
    await before.stop();
    record(before);
    const after = startWriteLoad(lb.url, viaLb, world.channelId, `k2-${Date.now().toString(36)}`);
    await new Promise((r) => setTimeout(r, 1_500));
    await after.stop();
    record(after);
    const afterKill = after.acknowledged.rows.length + after.acknowledged.customers.length + after.acknowledged.storageKeys.length;

    const present = async (sql: string, args: (string | number)[] = []) => new Set((await world.tenantRows(sql, args)).map((r) => String(r.k)));
    const rows = await present("select idempotency_key as k from interactions where idempotency_key like 'k%' and source_installation_id <> ?", [world.probeInstallationId]);
    const customers = await present("select email as k from customers where email like 'k%@faults.example'");
    const stored = await present("select key as k from plugin_storage where plugin_id = ? and key like 'ack-k%'", [PROBE_ID]);
    const lost = {
      rows: ledger.rows.filter((k) => !rows.has(k)).length,
      customers: ledger.customers.filter((k) => !customers.has(k)).length,
      storageKeys: ledger.storageKeys.filter((k) => !stored.has(k)).length,
    };
    console.log(`kill -9 of node A: acknowledged ${ledger.rows.length} rows, ${ledger.customers.length} customers, ${ledger.storageKeys.length} storage keys (${afterKill} after the kill, through node B); lost ${JSON.stringify(lost)}`);
    expect(ledger.rows.length * ledger.customers.length * ledger.storageKeys.length).toBeGreaterThan(0);
    expect(afterKill).toBeGreaterThan(0);
    expect(lost).toEqual({ rows: 0, customers: 0, storageKeys: 0 });
    nodes = nodes.slice(1); // the killed node needs no stop
  }, 60_000);
});
