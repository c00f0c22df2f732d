/**
 * Two `mosaic serve` processes on one sqld route the same tenant's cases at once: no case is
 * assigned or offered twice and no agent ends over capacity. The guard is in the database (a
 * conditional UPDATE inside a write transaction), so it holds across processes, where an
 * in-process lock could not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, openPlatform, serverConfigFromEnv, type Platform } from '@mosaic/core';
import { startCoreProcess, type CoreProcess } from './core-process.js';
import { graphqlClient, type Client } from './harness.js';
import { startSqld, type SqldServer } from './sqld-server.js';

const AGENT = `mutation($i: CreateAgentInput!) { createAgent(input: $i) { agent { id } } }`;
const CASE = `mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`;
const LOADS = `{ agents(first: 50) { edges { node { id capacity loadUnits openCaseCount offers { case { id } } } } } }`;

describe('routing across two core processes on one sqld', () => {
  let sqld: SqldServer;
  let setup: Platform;
  let apiKey: string;
  const cores: CoreProcess[] = [];
  let a: Client;

  beforeAll(async () => {
    sqld = await startSqld();
    setup = await openPlatform(serverConfigFromEnv({ ...process.env, ...sqld.env }));
    ({ apiKey } = await createTenant(setup.control.db, setup.tenants, { slug: 'routing-shared' }));
    cores.push(await startCoreProcess(sqld.env));
    a = graphqlClient(cores[0]!.url, apiKey);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(cores.map((c) => c.stop()));
    await setup?.close();
    await sqld?.stop();
  });

  const ok = (res: { data?: any; errors?: unknown[] }) => {
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  async function world(tag: string, agents: number, capacity: number, cases: number, status: 'ONLINE' | 'OFFLINE', routing?: Record<string, unknown>) {
    const queue = ok(await a.gql(`mutation($n: String!) { createQueue(input: { name: $n }) { queue { id } } }`, { n: `Queue ${tag}` })).createQueue.queue.id;
    if (routing) ok(await a.gql(`mutation($i: ConfigureQueueRoutingInput!) { configureQueueRouting(input: $i) { queue { id } } }`, { i: { queueId: queue, ...routing } }));
    const customer = ok(await a.gql(`mutation($n: String!) { createCustomer(input: { name: $n }) { customer { id } } }`, { n: `Customer ${tag}` })).createCustomer.customer.id;
    const agentIds: string[] = [];
    for (let i = 0; i < agents; i++) agentIds.push(ok(await a.gql(AGENT, { i: { name: `${tag} ${i}`, email: `${tag}${i}@example.com`, status, capacity } })).createAgent.agent.id);
    const caseIds: string[] = [];
    for (let i = 0; i < cases; i++) caseIds.push(ok(await a.gql(CASE, { i: { customerId: customer, subject: `${tag} ${i}`, channel: 'EMAIL', queueId: queue } })).createCase.case.id);
    return { agentIds, caseIds };
  }
  async function loads(agentIds: string[]) {
    const edges = ok(await a.gql(LOADS)).agents.edges as { node: { id: string; capacity: number; loadUnits: number; openCaseCount: number; offers: { case: { id: string } }[] } }[];
    return edges.map((e) => e.node).filter((n) => agentIds.includes(n.id));
  }

  it('50 concurrent routeCase calls split over both processes assign each case once, within capacity', async () => {
    const { agentIds, caseIds } = await world('direct', 8, 3, 50, 'ONLINE');
    cores.push(await startCoreProcess(sqld.env));
    const clients = cores.map((c) => graphqlClient(c.url, apiKey));
    const answers = await Promise.all(caseIds.map((id, i) =>
      clients[i % 2]!.gql(`mutation($id: ID!) { routeCase(id: $id) { case { assignee { id } } } }`, { id })));
    const assigned = answers.filter((r) => !r.errors).map((r) => r.data!.routeCase.case.assignee.id as string);
    const refused = answers.filter((r) => r.errors).map((r) => r.errors![0]!.extensions?.code);
    expect(assigned).toHaveLength(24);
    expect(new Set(refused)).toEqual(new Set(['CONFLICT']));
    for (const agent of await loads(agentIds)) {
      expect(agent.openCaseCount).toBe(3);
      expect(agent.loadUnits).toBeLessThanOrEqual(agent.capacity);
    }
    for (const id of caseIds) {
      const seen = ok(await a.gql(`query($id: ID!) { node(id: $id) { ... on Case { assignee { id } routingDecisions { totalCount } } } }`, { id })).node;
      expect(seen.routingDecisions.totalCount).toBe(seen.assignee ? 1 : 0);
    }
  }, 120_000);

  it('both processes\' sweeps offer a configured queue\'s cases, each once, within capacity', async () => {
    // The queue is configured before the agents become available, and both processes know it.
    const { agentIds, caseIds } = await world('swept', 4, 6, 30, 'OFFLINE', { offerTimeoutSeconds: 600 });
    await Promise.all(cores.map((c) => c.stop()));
    cores.splice(0, cores.length, ...(await Promise.all([startCoreProcess(sqld.env), startCoreProcess(sqld.env)])));
    a = graphqlClient(cores[0]!.url, apiKey);
    const b = graphqlClient(cores[1]!.url, apiKey);
    await Promise.all(agentIds.map((id, i) => (i % 2 ? b : a).gql(`mutation($id: ID!) { setPresence(input: { agentId: $id, presence: AVAILABLE }) { agent { id } } }`, { id })));
    const deadline = Date.now() + 20_000;
    let offered: string[] = [];
    while (Date.now() < deadline) {
      offered = (await loads(agentIds)).flatMap((n) => n.offers.map((o) => o.case.id));
      if (offered.length >= 24) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2_500)); // a few more ticks of both sweepers
    const final = await loads(agentIds);
    offered = final.flatMap((n) => n.offers.map((o) => o.case.id));
    expect(offered).toHaveLength(24);
    expect(new Set(offered).size).toBe(24);
    for (const agent of final) expect(agent.loadUnits).toBe(6);
    let decisions = 0;
    for (const id of caseIds) decisions += ok(await a.gql(`query($id: ID!) { node(id: $id) { ... on Case { routingDecisions { totalCount } } } }`, { id })).node.routingDecisions.totalCount;
    expect(decisions).toBe(24);
  }, 120_000);
});
