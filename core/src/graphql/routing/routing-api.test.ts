import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { parseGlobalId } from '../../lib/ids.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { createTenant } from '../../tenancy/tenants.js';
import { graphqlClient, type Gql, type GqlResponse } from '../../plugins/testing/graphql-client.js';

const OFFERS = `query($id: ID!) { node(id: $id) { ... on Agent { presence status loadUnits offers { case { id } expiresAt weight
  decision { kind rule candidateCount candidates { agent { id } loadUnits capacityUnits skillScore } } } } } }`;
const DECISIONS = `query($id: ID!) { node(id: $id) { ... on Case { assignee { id } participants { agent { id } }
  routingDecisions(first: 10) { totalCount edges { node { kind rule agent { id } requiredSkills { skill level additional } candidateCount } } } } } }`;

const code = (res: GqlResponse) => res.errors?.[0]?.extensions?.code;

describe('routing over GraphQL', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let admin: Gql;
  let other: Gql;
  let asAnna: Gql;
  let asBen: Gql;
  let anna: string;
  let ben: string;
  let queue: string;
  let customer: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-routing-api-'));
    platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('silent'));
    server = await startServer(platform);
    const a = await createTenant(platform.control.db, platform.tenants, { slug: 'routing-a' });
    const b = await createTenant(platform.control.db, platform.tenants, { slug: 'routing-b' });
    admin = graphqlClient(server.url, a.apiKey);
    other = graphqlClient(server.url, b.apiKey);
    const agent = async (name: string) => (await admin(`mutation($i: CreateAgentInput!) { createAgent(input: $i) { agent { id } } }`,
      { i: { name, email: `${name}@example.com`, status: 'OFFLINE', skills: [{ skill: 'billing', level: 8 }] } })).data.createAgent.agent.id as string;
    anna = await agent('anna');
    ben = await agent('ben');
    const keyFor = async (id: string) => graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: a.tenant.id, role: 'agent', agentId: parseGlobalId(id)!.id })).apiKey);
    asAnna = await keyFor(anna);
    asBen = await keyFor(ben);
    queue = (await admin(`mutation { createQueue(input: { name: "Billing" }) { queue { id } } }`)).data.createQueue.queue.id;
    customer = (await admin(`mutation { createCustomer(input: { name: "Carla" }) { customer { id } } }`)).data.createCustomer.customer.id;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('configures a queue, and the server offers its case to an available agent who accepts it', async () => {
    const configured = await admin(`mutation($i: ConfigureQueueRoutingInput!) { configureQueueRouting(input: $i) { queue { routing {
      priority offerTimeoutSeconds returnAfterMinutes returnAction skills { skill level additional } } } } }`,
    { i: { queueId: queue, priority: 2, skills: [{ skill: 'billing', level: 5 }], offerTimeoutSeconds: 120, returnAfterMinutes: 30 } });
    expect(configured.errors).toBeUndefined();
    expect(configured.data.configureQueueRouting.queue.routing).toEqual({
      priority: 2, offerTimeoutSeconds: 120, returnAfterMinutes: 30, returnAction: 'REROUTE', skills: [{ skill: 'billing', level: 5, additional: false }],
    });
    const presence = await asAnna(`mutation { setPresence(input: { presence: AVAILABLE }) { agent { presence status presenceSince } } }`);
    expect(presence.data.setPresence.agent).toMatchObject({ presence: 'AVAILABLE', status: 'ONLINE' });
    expect(code(await asAnna(`mutation($id: ID!) { setPresence(input: { agentId: $id, presence: AVAILABLE }) { agent { id } } }`, { id: ben }))).toBe('FORBIDDEN');

    const kase = (await admin(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`,
      { i: { customerId: customer, subject: 'Refund', channel: 'CHAT', queueId: queue } })).data.createCase.case.id;
    // The server's periodic sweep makes the offer.
    const offer = await vi.waitFor(async () => {
      const res = await asAnna(`{ myOffers { case { id } agent { id } weight decision { kind rule } } }`);
      if (!res.data?.myOffers?.length) throw new Error('no offer yet');
      return res.data.myOffers[0];
    }, { timeout: 15_000, interval: 100 });
    expect(offer).toEqual({ case: { id: kase }, agent: { id: anna }, weight: 2, decision: { kind: 'OFFER', rule: 'ONLY_CANDIDATE' } });
    const seen = await admin(OFFERS, { id: anna });
    expect(seen.data.node).toMatchObject({ presence: 'AVAILABLE', loadUnits: 2, offers: [{ case: { id: kase }, decision: { candidateCount: 1, candidates: [{ agent: { id: anna }, loadUnits: 0, capacityUnits: 6, skillScore: 8 }] } }] });

    expect(code(await asBen(`mutation($c: ID!) { acceptOffer(caseId: $c) { case { id } } }`, { c: kase }))).toBe('NOT_FOUND');
    const accepted = await asAnna(`mutation($c: ID!) { acceptOffer(caseId: $c) { case { status assignee { id } } } }`, { c: kase });
    expect(accepted.data.acceptOffer.case).toEqual({ status: 'OPEN', assignee: { id: anna } });

    // A page of agents reads each one's own load (one batched query, not one per agent).
    const loads = await admin(`{ agents(first: 10) { edges { node { id loadUnits } } } }`);
    const loadOf = new Map(loads.data.agents.edges.map((e: { node: { id: string; loadUnits: number } }) => [e.node.id, e.node.loadUnits]));
    expect([loadOf.get(anna), loadOf.get(ben)]).toEqual([2, 0]);

    const invited = await asAnna(`mutation($i: InviteExpertInput!) { inviteExpert(input: $i) { participant { agent { id } } } }`, { i: { caseId: kase, agentId: ben } });
    expect(invited.data.inviteExpert.participant).toEqual({ agent: { id: ben } });
    const decisions = await admin(DECISIONS, { id: kase });
    expect(decisions.data.node).toMatchObject({
      assignee: { id: anna }, participants: [{ agent: { id: ben } }],
      routingDecisions: { totalCount: 1, edges: [{ node: { kind: 'OFFER', rule: 'ONLY_CANDIDATE', agent: { id: anna }, requiredSkills: [{ skill: 'billing', level: 5, additional: false }], candidateCount: 1 } }] },
    });

    const released = await asAnna(`mutation($c: ID!) { releaseCase(caseId: $c) { case { assignee { id } } } }`, { c: kase });
    expect(released.data.releaseCase.case.assignee).toBeNull();
    const transferred = await admin(`mutation($i: TransferCaseInput!) { transferCase(input: $i) { case { assignee { id } } } }`, { i: { caseId: kase, toAgentId: anna } });
    expect(transferred.data.transferCase.case.assignee).toEqual({ id: anna });
  }, 60_000);

  it('declines with a reason, refuses bad input with its code, and hides one tenant\'s ids from another', async () => {
    const kase = (await admin(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`,
      { i: { customerId: customer, subject: 'Invoice', channel: 'EMAIL', queueId: queue } })).data.createCase.case.id;
    await vi.waitFor(async () => {
      const res = await asAnna(`{ myOffers { case { id } } }`);
      if (!res.data?.myOffers?.some((o: { case: { id: string } }) => o.case.id === kase)) throw new Error('no offer yet');
    }, { timeout: 15_000, interval: 100 });
    expect(code(await asAnna(`mutation($c: ID!) { declineOffer(input: { caseId: $c, reason: OTHER, note: "${'x'.repeat(501)}" }) { case { id } } }`, { c: kase }))).toBe('BAD_USER_INPUT');
    const declined = await asAnna(`mutation($c: ID!) { declineOffer(input: { caseId: $c, reason: NOT_MY_SKILL }) { case { id assignee { id } } } }`, { c: kase });
    expect(declined.data.declineOffer.case).toEqual({ id: kase, assignee: null });
    expect((await asAnna(`{ myOffers { case { id } } }`)).data.myOffers.filter((o: { case: { id: string } }) => o.case.id === kase)).toEqual([]);

    expect(code(await admin(`mutation($q: ID!) { configureQueueRouting(input: { queueId: $q, priority: 0, offerTimeoutSeconds: 1 }) { queue { id } } }`, { q: queue }))).toBe('BAD_USER_INPUT');
    expect(code(await admin(`mutation($q: ID!) { configureQueueRouting(input: { queueId: $q, returnAction: FALLBACK_QUEUE }) { queue { id } } }`, { q: queue }))).toBe('BAD_USER_INPUT');
    expect(code(await asAnna(`mutation($q: ID!) { configureQueueRouting(input: { queueId: $q }) { queue { id } } }`, { q: queue }))).toBe('FORBIDDEN');
    expect(code(await admin(`mutation { setChannelWeights(input: { weights: [{ channel: CHAT, units: 0 }] }) { channelWeights { channel units } } }`))).toBe('BAD_USER_INPUT');
    const weights = await admin(`mutation { setChannelWeights(input: { weights: [{ channel: CHAT, units: 3 }] }) { channelWeights { channel units } } }`);
    expect(weights.data.setChannelWeights.channelWeights).toContainEqual({ channel: 'CHAT', units: 3 });

    // Tenant B sees A's queue, case and agent as missing.
    expect(code(await other(`mutation($q: ID!) { configureQueueRouting(input: { queueId: $q }) { queue { id } } }`, { q: queue }))).toBe('NOT_FOUND');
    expect(code(await other(`mutation($c: ID!) { acceptOffer(caseId: $c) { case { id } } }`, { c: kase }))).toBe('NOT_FOUND');
    expect(code(await other(`mutation($c: ID!) { releaseCase(caseId: $c) { case { id } } }`, { c: kase }))).toBe('NOT_FOUND');
    expect(code(await other(`mutation($c: ID!, $a: ID!) { inviteExpert(input: { caseId: $c, agentId: $a }) { case { id } } }`, { c: kase, a: ben }))).toBe('NOT_FOUND');
    expect(code(await other(`mutation($a: ID!) { setPresence(input: { agentId: $a, presence: BUSY }) { agent { id } } }`, { a: anna }))).toBe('NOT_FOUND');
  }, 60_000);
});
