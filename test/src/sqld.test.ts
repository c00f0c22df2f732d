import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { createClient } from '@libsql/client';
import { createTenant, openPlatform, serverConfigFromEnv, tenantDatabaseName, toGlobalId, type Platform } from '@mosaic/core';
import { startCoreProcess, type CoreProcess } from './core-process.js';
import { graphqlClient, startTestPlatform, type TestPlatform } from './harness.js';
import { runMainPath } from './main-path.js';
import { startSqld, type SqldServer } from './sqld-server.js';

describe('server mode: a real libsql server (sqld) instead of embedded files', () => {
  let sqld: SqldServer;
  beforeAll(async () => { sqld = await startSqld(); });
  afterAll(() => sqld?.stop());

  it('runs the main path with the control plane and tenants as sqld namespaces', async () => {
    const tp: TestPlatform = await startTestPlatform(sqld.env);
    try {
      const tenant = await tp.tenant('sqld-main');
      await runMainPath(tenant);
      // The rows are in the tenant's namespace on the server, not in a local file.
      const direct = createClient({
        url: sqld.url,
        fetch: (input: Request | string | URL, init?: RequestInit) => {
          const request = new Request(input, init);
          request.headers.set('x-namespace-bin', Buffer.from(tenantDatabaseName(tenant.tenantId)).toString('base64').replace(/=+$/, ''));
          return fetch(request);
        },
      });
      const counted = await direct.execute('select count(*) as n from customers');
      direct.close();
      expect(counted.rows[0]!.n).toBe(1);
      expect(readdirSync(tp.dataDir)).toEqual([]);
    } finally {
      await tp.close();
    }
  });

  it('runs the SLA clocks of new cases and their messages, with reads sent together', async () => {
    const tp: TestPlatform = await startTestPlatform(sqld.env);
    try {
      const t = await tp.tenant('sqld-sla');
      const ok = async (query: string, variables?: Record<string, unknown>) => {
        const res = await t.gql(query, variables);
        expect(res.errors).toBeUndefined();
        return res.data!;
      };
      await ok(`mutation($i: CreateSlaPolicyInput!) { createSlaPolicy(input: $i) { policy { id } } }`, { i: {
        name: 'Everyone', targets: ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'].map((kind) => ({ kind, minutes: 60, businessHours: false })),
      } });
      const customerId = (await ok(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`)).createCustomer.customer.id;
      const agentId = (await ok(`mutation { createAgent(input: { name: "Sue", email: "sue@example.com" }) { agent { id } } }`)).createAgent.agent.id;
      const kase = (await ok(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`, { i: { customerId, subject: 'Late' } })).createCase.case;
      const clocks = async () => ((await ok(`query($id: ID!) { case(id: $id) { slaTargets { kind status } } }`, { id: kase.id })).case.slaTargets);
      expect(await clocks()).toEqual([{ kind: 'FIRST_RESPONSE', status: 'ACTIVE' }, { kind: 'RESOLUTION', status: 'ACTIVE' }]);
      const message = (direction: string, agent?: string) => ok(`mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }`, {
        i: { customerId, caseId: kase.id, channel: 'EMAIL', direction, body: 'Hello', agentId: agent },
      });
      await message('INBOUND'); // the first answer is still awaited: no new clock
      await message('OUTBOUND', agentId);
      expect(await clocks()).toEqual([{ kind: 'FIRST_RESPONSE', status: 'HIT' }, { kind: 'RESOLUTION', status: 'ACTIVE' }]);
      await message('INBOUND'); // answered before: the customer now waits for the next response
      expect(await clocks()).toEqual([
        { kind: 'FIRST_RESPONSE', status: 'HIT' }, { kind: 'NEXT_RESPONSE', status: 'ACTIVE' }, { kind: 'RESOLUTION', status: 'ACTIVE' },
      ]);
      // A check that fails undoes the number its transaction took with it.
      const refused = await t.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`, { i: { customerId, subject: 'x', queueId: toGlobalId('Queue', '0190a000-0000-7000-8000-000000000000') } });
      expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const next = (await ok(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { number } } }`, { i: { customerId, subject: 'Again' } })).createCase.case;
      expect(next.number).toBe(2);
    } finally {
      await tp.close();
    }
  });

  describe('two core processes against one sqld', () => {
    let setup: Platform;
    let cores: CoreProcess[];
    let apiKey: string;

    beforeAll(async () => {
      setup = await openPlatform(serverConfigFromEnv({ ...process.env, ...sqld.env }));
      ({ apiKey } = await createTenant(setup.control.db, setup.tenants, { slug: 'shared-tenant' }));
      cores = await Promise.all([startCoreProcess(sqld.env), startCoreProcess(sqld.env)]);
    });
    afterAll(async () => {
      await Promise.all((cores ?? []).map((c) => c.stop()));
      await setup?.close();
    });

    it('what one process writes, the other reads', async () => {
      const [a, b] = cores.map((c) => graphqlClient(c.url, apiKey)) as [ReturnType<typeof graphqlClient>, ReturnType<typeof graphqlClient>];
      await runMainPath(a, b);
      await runMainPath(b, a);
    });

    it('concurrent writes through both processes stay consistent', async () => {
      const clients = cores.map((c) => graphqlClient(c.url, apiKey));
      const created = await clients[0]!.gql(`mutation { createCustomer(input: { name: "Shared" }) { customer { id } } }`);
      const customerId = created.data!.createCustomer.customer.id;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 2]!.gql(
        `mutation($i: CreateCaseInput!) { createCase(input: $i) { case { number } } }`,
        { i: { customerId, subject: `case ${i}` } },
      )));
      for (const r of results) expect(r.errors).toBeUndefined();
      const numbers = results.map((r) => r.data!.createCase.case.number as number).sort((x, y) => x - y);
      expect(new Set(numbers).size).toBe(20);
      expect(numbers.at(-1)! - numbers[0]!).toBe(19);
      const views = await Promise.all(clients.map((c) => c.gql(
        `query($id: ID!) { customer(id: $id) { cases(first: 50) { edges { node { number } } } } }`, { id: customerId })));
      const seen = views.map((v) => v.data!.customer.cases.edges.map((e: any) => e.node.number).sort((x: number, y: number) => x - y));
      expect(seen[0]).toEqual(numbers);
      expect(seen[1]).toEqual(numbers);
    });
  });
});
