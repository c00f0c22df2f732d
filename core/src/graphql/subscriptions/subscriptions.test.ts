import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { addInteraction } from '../../domain/interactions.js';
import { createCase } from '../../domain/cases.js';
import { createCustomer } from '../../domain/customers.js';
import { liveEvents } from '../../domain/live-events.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { localId, toGlobalId } from '../../lib/ids.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';
import { tenantContext, type TenantContext } from '../../tenancy/context.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { createTenant } from '../../tenancy/tenants.js';
import { eventually } from '../../plugins/testing/eventually.js';
import { graphqlClient, type Gql } from '../../plugins/testing/graphql-client.js';
import { openSse, type SseStream, type SseTransport } from './sse-test-client.js';

const TIMELINE = `subscription($c: ID!) { timelineItemAdded(customerId: $c) {
  __typename ... on Interaction { id body channel direction customer { id name } } ... on Case { id number subject } ... on Order { id orderNumber } } }`;
const CASES = `subscription($id: ID) { caseUpdated(caseId: $id) { id number status priority } }`;
const ADD = `mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }`;

const payload = (event: { data?: string }) => JSON.parse(event.data!) as { data?: any; errors?: { extensions?: { code?: string } }[] };

describe('GraphQL subscriptions over SSE', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let keyA: string;
  let keyA2: string;
  let keyB: string;
  let gqlA: Gql;
  let gqlB: Gql;
  let ctxA: TenantContext;
  let ctxB: TenantContext;
  let customerA: string;
  let customerB: string;
  let caseA: string;
  const open: SseStream[] = [];
  const sse = async (key: string, query: string, variables: Record<string, unknown>, method?: SseTransport) => {
    const stream = await openSse(server.url, key, query, variables, method);
    open.push(stream);
    return stream;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-subscriptions-'));
    const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', MOSAIC_MAX_SUBSCRIPTIONS_PER_KEY: '3', MOSAIC_MAX_SUBSCRIPTIONS_PER_TENANT: '5', MOSAIC_MAX_QUERY_COST: '500' });
    platform = await openPlatform(config, createLogger('silent'));
    server = await startServer(platform);
    const ta = await createTenant(platform.control.db, platform.tenants, { slug: 'live-a' });
    const tb = await createTenant(platform.control.db, platform.tenants, { slug: 'live-b' });
    keyA = ta.apiKey;
    keyB = tb.apiKey;
    keyA2 = (await createApiKey(platform.control.db, { tenantId: ta.tenant.id, role: 'agent' })).apiKey;
    gqlA = graphqlClient(server.url, keyA);
    gqlB = graphqlClient(server.url, keyB);
    ctxA = tenantContext((await platform.keys.verify(keyA))!, await platform.tenants.get(ta.tenant.id));
    ctxB = tenantContext((await platform.keys.verify(keyB))!, await platform.tenants.get(tb.tenant.id));
    const a = await createCustomer(ctxA, { name: 'Ada' });
    const b = await createCustomer(ctxB, { name: 'Bob' });
    customerA = toGlobalId('Customer', a.id);
    customerB = toGlobalId('Customer', b.id);
    caseA = toGlobalId('Case', (await createCase(ctxA, { customerId: a.id, subject: 'Broken kettle' })).id);
  }, 120_000);

  afterAll(async () => {
    for (const s of open) s.close();
    await server?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const closeAll = async () => {
    for (const s of open.splice(0)) s.close();
    // The server frees a subscription when it sees the connection go.
    expect(await eventually(async () => liveEvents.listenerCount(), (n) => n === 0)).toBe(0);
  };

  it('streams an interaction added by a GraphQL mutation, with its fields resolved as in a query', async () => {
    const live = await sse(keyA, TIMELINE, { c: customerA });
    expect(live.status).toBe(200);
    expect(live.contentType).toMatch(/^text\/event-stream/);
    await eventually(async () => liveEvents.listenerCount(ctxA.tenantId), (n) => n === 1);
    const added = await gqlA(ADD, { i: { customerId: customerA, channel: 'CHAT', direction: 'INBOUND', body: 'Is my kettle fixed?' } });
    expect(added.errors).toBeUndefined();
    const event = await live.next();
    expect(event.event).toBe('next');
    expect(payload(event)).toEqual({ data: { timelineItemAdded: {
      __typename: 'Interaction', id: added.data.addInteraction.interaction.id, body: 'Is my kettle fixed?', channel: 'CHAT', direction: 'INBOUND',
      customer: { id: customerA, name: 'Ada' },
    } } });
    await closeAll();
  });

  it('streams the same through a chunked request body (which the body limit reads first) and frees the listener on disconnect', async () => {
    const live = await sse(keyA, TIMELINE, { c: customerA }, 'chunked');
    expect(live.status).toBe(200);
    expect(live.contentType).toMatch(/^text\/event-stream/);
    await eventually(async () => liveEvents.listenerCount(ctxA.tenantId), (n) => n === 1);
    await gqlA(ADD, { i: { customerId: customerA, channel: 'PHONE', direction: 'OUTBOUND', body: 'Called back' } });
    expect(payload(await live.next()).data.timelineItemAdded.body).toBe('Called back');
    await closeAll();
  });

  it('streams a case opened and an order placed for the customer as timeline items, and case changes and replies to caseUpdated', async () => {
    const timeline = await sse(keyA, TIMELINE, { c: customerA });
    const oneCase = await sse(keyA, CASES, { id: caseA }, 'GET');
    expect(oneCase.status).toBe(200);
    await eventually(async () => liveEvents.listenerCount(ctxA.tenantId), (n) => n === 2);
    const opened = await gqlA(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id number } } }`, { i: { customerId: customerA, subject: 'Second kettle' } });
    expect(opened.errors).toBeUndefined();
    expect(payload(await timeline.next()).data.timelineItemAdded).toEqual({ __typename: 'Case', id: opened.data.createCase.case.id, number: 2, subject: 'Second kettle' });
    const placed = await gqlA(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
      { i: { customerId: customerA, number: 'ORD-LIVE-1', currency: 'EUR', lines: [{ sku: 'K-1', name: 'Kettle', quantity: 1, unitPriceCents: 4200 }] } });
    expect(placed.errors).toBeUndefined();
    expect(payload(await timeline.next()).data.timelineItemAdded).toEqual({ __typename: 'Order', id: placed.data.createOrder.order.id, orderNumber: 'ORD-LIVE-1' });
    // Another case's change is not this stream's.
    expect(await oneCase.quietFor(300)).toBe(true);
    const changed = await gqlA(`mutation($i: UpdateCaseInput!) { updateCase(input: $i) { case { id } } }`, { i: { id: caseA, status: 'PENDING', priority: 'HIGH' } });
    expect(changed.errors).toBeUndefined();
    expect(payload(await oneCase.next()).data.caseUpdated).toEqual({ id: caseA, number: 1, status: 'PENDING', priority: 'HIGH' });
    // A reply on the case: an interaction on the timeline, and the case's own stream hears of it.
    await gqlA(ADD, { i: { customerId: customerA, caseId: caseA, channel: 'EMAIL', direction: 'OUTBOUND', body: 'On it.' } });
    expect(payload(await timeline.next()).data.timelineItemAdded).toMatchObject({ __typename: 'Interaction', body: 'On it.' });
    expect(payload(await oneCase.next()).data.caseUpdated).toMatchObject({ id: caseA, status: 'PENDING' });
    await closeAll();
  });

  it('never hands one tenant\'s writes to another tenant\'s stream', async () => {
    const liveA = await sse(keyA, CASES, {});
    const liveB = await sse(keyB, TIMELINE, { c: customerB });
    await eventually(async () => liveEvents.listenerCount(), (n) => n === 2);
    await gqlB(ADD, { i: { customerId: customerB, channel: 'SMS', direction: 'INBOUND', body: 'from B' } });
    await gqlB(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`, { i: { customerId: customerB, subject: 'B case' } });
    expect(payload(await liveB.next()).data.timelineItemAdded.body).toBe('from B');
    expect(await liveA.quietFor(500)).toBe(true);
    await closeAll();
  });

  it('answers NOT_FOUND, without a stream, for another tenant\'s or a missing customer or case', async () => {
    for (const [query, variables] of [[TIMELINE, { c: customerB }], [TIMELINE, { c: 'bm90LWFuLWlk' }], [CASES, { id: toGlobalId('Case', 'nope') }]] as const) {
      const refused = await sse(keyA, query, variables);
      const event = await refused.next();
      expect(payload(event).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await refused.next()).event).toBe('complete');
      await expect(refused.next(500)).rejects.toThrow(/ended/);
    }
    expect(liveEvents.listenerCount()).toBe(0);
    await closeAll();
  });

  it('refuses subscriptions over the per-key and per-tenant limits with TOO_MANY_SUBSCRIPTIONS; closing one frees its slot', async () => {
    const first = [await sse(keyA, CASES, {}), await sse(keyA, CASES, {}), await sse(keyA, CASES, {})];
    await eventually(async () => liveEvents.listenerCount(ctxA.tenantId), (n) => n === 3);
    const overKey = await sse(keyA, CASES, {});
    expect(payload(await overKey.next()).errors?.[0]?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    // Another key of the tenant still has room until the tenant's 5 are taken.
    await sse(keyA2, CASES, {});
    await sse(keyA2, CASES, {});
    const overTenant = await sse(keyA2, CASES, {});
    expect(payload(await overTenant.next()).errors?.[0]?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    first[0]!.close();
    expect(await eventually(async () => liveEvents.listenerCount(ctxA.tenantId), (n) => n === 4)).toBe(4);
    const again = await sse(keyA, CASES, {});
    await gqlA(`mutation($i: UpdateCaseInput!) { updateCase(input: $i) { case { id } } }`, { i: { id: caseA, status: 'OPEN' } });
    expect(payload(await again.next()).data.caseUpdated.status).toBe('OPEN');
    await closeAll();
  });

  it('publishes nothing for a write that rolled back', async () => {
    const live = await sse(keyA, TIMELINE, { c: customerA });
    await eventually(async () => liveEvents.listenerCount(ctxA.tenantId), (n) => n === 1);
    // The interaction and its outbox row are written, then the transaction fails and rolls back.
    const failing: TenantContext = { ...ctxA, data: { ...ctxA.data, write: (fn) => ctxA.data.write(async (tx) => { await fn(tx); throw new Error('disk full'); }) } };
    const local = localId('Customer', customerA);
    await expect(addInteraction(failing, { customerId: local, channel: 'CHAT', direction: 'INBOUND', body: 'never committed' })).rejects.toThrow('disk full');
    expect(await live.quietFor(500)).toBe(true);
    const listed = await gqlA(`query($c: ID!) { customer(id: $c) { interactions(first: 50) { edges { node { body } } } } }`, { c: customerA });
    expect(listed.data.customer.interactions.edges.map((e: any) => e.node.body)).not.toContain('never committed');
    // A committed one still arrives on the same stream.
    await addInteraction(ctxA, { customerId: local, channel: 'CHAT', direction: 'INBOUND', body: 'committed' });
    expect(payload(await live.next()).data.timelineItemAdded.body).toBe('committed');
    await closeAll();
  });

  it('applies the query limits (cost, depth, text rule) before a stream starts', async () => {
    // 100 interactions of 6 points: over this server's MOSAIC_MAX_QUERY_COST of 500.
    const dear = `subscription { caseUpdated { interactions(first: 100) { edges { node { id body channel subject } } } } }`;
    let nested = 'id';
    for (let i = 0; i < 4; i++) nested = `customer { cases(first: 1) { edges { node { ${nested} } } } }`;
    const deep = `subscription { caseUpdated { ${nested} } }`;
    const cases: [string, Record<string, unknown>, string][] = [
      [dear, {}, 'QUERY_TOO_COMPLEX'],
      [deep, {}, 'QUERY_TOO_COMPLEX'], // depth 18 of 12
      [TIMELINE, { c: 'bad\u0000id' }, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, code] of cases) {
      const refused = await sse(keyA, query, variables);
      expect(payload(await refused.next()).errors?.[0]?.extensions?.code).toBe(code);
    }
    expect(liveEvents.listenerCount()).toBe(0);
    await closeAll();
  });

  it('keeps an idle stream alive with comments', async () => {
    const live = await sse(keyA, CASES, {});
    // yoga pings every 12 s (every 300 ms when NODE_ENV is test, as under vitest).
    expect(await eventually(async () => live.pings, (n) => n >= 2, 5000)).toBeGreaterThanOrEqual(2);
    await closeAll();
  });
});
