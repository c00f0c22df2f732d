/**
 * What an integrator reads, over real HTTP against a real platform: totalCount under the
 * connection's filter and its price, nodes(ids:) with its cap, money as decimal strings in an
 * ISO 4217 currency, closed value sets as enums, and a plugin installation as a Node.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginLogs } from '../../core/src/db/control-schema.js';
import { createPublisher } from '../../core/src/plugins/registry/index.js';
import { buildFixture } from '../../core/src/plugins/testing/build-fixture.js';
import { answer, startTestPlatform, type Client, type GraphQLResponse, type TestPlatform } from './harness.js';
import { create, dumpTenant, expectError, gid, localOf, ok, randomGid, seedWorld, uniqueSlug, type World } from './fixtures.js';

let tp: TestPlatform;
let t: Client & { tenantId: string };
let w: World;
beforeAll(async () => {
  tp = await startTestPlatform();
  t = await tp.tenant(uniqueSlug('reads'));
  w = await seedWorld(t, 'reads');
});
afterAll(() => tp?.close());

const costOf = (res: GraphQLResponse) => (res as GraphQLResponse & { extensions?: { cost?: { requestedQueryCost: number } } })
  .extensions?.cost?.requestedQueryCost;

describe('totalCount', () => {
  it('counts what the filter matches, on every connection, whatever the page', async () => {
    for (const status of ['OPEN', 'PENDING', 'PENDING']) await create(t, 'createCase', { customerId: w.customer, subject: status }).then((c) => create(t, 'updateCase', { id: c.case.id, status }));
    const res = ok(await t.gql(`query($c: ID!) {
      all: cases(first: 1) { totalCount edges { cursor } }
      pending: cases(first: 0, filter: { status: PENDING }) { totalCount edges { cursor } }
      customer(id: $c) { cases(status: PENDING, first: 1) { totalCount } orders { totalCount } timeline(last: 1) { totalCount } }
      accounts { totalCount } customers { totalCount } interactions { totalCount } orders { totalCount } knowledgeArticles { totalCount }
      communityThreads { totalCount } agents { totalCount } queues { totalCount }
    }`, { c: w.customer }));
    expect(res.all).toMatchObject({ totalCount: 4 });
    expect(res.pending).toEqual({ totalCount: 2, edges: [] });
    expect(res.customer.cases.totalCount).toBe(2);
    expect(res.customer.orders.totalCount).toBe(1);
    expect(res.customer.timeline.totalCount).toBe(4 + 1 + 1); // cases, the order, the interaction
    expect([res.accounts, res.customers, res.interactions, res.orders, res.knowledgeArticles, res.communityThreads, res.agents, res.queues]
      .map((c: any) => c.totalCount)).toEqual([1, 2, 1, 1, 1, 1, 1, 1]);
  });

  it('is priced once per connection, not once per item of the page', async () => {
    const bare = costOf(await t.gql('{ customers(first: 100) { edges { cursor } } }'))!;
    const counted = costOf(await t.gql('{ customers(first: 100) { totalCount edges { cursor } } }'))!;
    expect(counted - bare).toBe(10);
    const viaFragment = costOf(await t.gql('{ customers(first: 100) { ...Count edges { cursor } } } fragment Count on CustomerConnection { totalCount }'));
    expect(viaFragment).toBe(counted);
    expect(costOf(await t.gql('{ customers(first: 0) { totalCount } }'))).toBe(11);
  });
});

describe('nodes(ids:)', () => {
  const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Order { orderNumber } } }`;

  it('answers in the order asked, null in place of unknown, malformed or foreign ids', async () => {
    const other = await tp.tenant(uniqueSlug('other'));
    const theirs = (await create(other, 'createCustomer', { name: 'Theirs' })).customer.id;
    const res = await t.gql(NODES, { ids: [w.order, randomGid('Case'), 'garbage', theirs, w.customer, w.order] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.nodes).toEqual([
      { __typename: 'Order', id: w.order, orderNumber: expect.stringMatching(/^ORD-/) }, null, null, null,
      { __typename: 'Customer', id: w.customer }, { __typename: 'Order', id: w.order, orderNumber: expect.stringMatching(/^ORD-/) },
    ]);
  });

  it('refuses more than 100 ids before anything runs, and prices each id', async () => {
    const ids = Array.from({ length: 101 }, () => w.customer);
    const refused = await t.gql(NODES, { ids });
    expectError(refused, 'BAD_USER_INPUT', /ids takes at most 100 ids/);
    expect(refused.data ?? null).toBeNull(); // refused as a whole: nothing was resolved
    // The same document with more ids costs more: the cached price keys on the list's length.
    const one = costOf(await t.gql(NODES, { ids: [w.customer] }))!;
    const hundred = costOf(await t.gql(NODES, { ids: ids.slice(1) }))!;
    expect(hundred).toBeGreaterThan(one * 50);
  });
});

describe('money and currencies', () => {
  it('gives amounts as decimal strings with the currency\'s own decimals', async () => {
    const order = async (currency: string, unitPriceCents: number, quantity = 1) => (await create(t, 'createOrder', {
      customerId: w.customer, currency, lines: [{ sku: 'S', name: 'N', quantity, unitPriceCents }],
    })).order;
    expect((await order('EUR', 1999, 3)).total).toEqual({ amount: '59.97', currency: 'EUR' });
    expect((await order('EUR', 5)).lines[0].unitPrice).toEqual({ amount: '0.05', currency: 'EUR' });
    expect((await order('JPY', 1500, 2)).lines[0]).toMatchObject({ unitPrice: { amount: '1500', currency: 'JPY' }, lineTotal: { amount: '3000', currency: 'JPY' } });
    expect((await order('KWD', 1500)).total).toEqual({ amount: '1.500', currency: 'KWD' });
  });

  it('takes only ISO 4217 codes in circulation, and writes nothing otherwise', async () => {
    const before = await dumpTenant(tp, t.tenantId);
    for (const currency of ['ABC', 'eur', 'EURO']) {
      const res = await t.gql(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
        { i: { customerId: w.customer, currency, lines: [{ sku: 'S', name: 'N', quantity: 1, unitPriceCents: 1 }] } });
      expectError(res, 'BAD_USER_INPUT', /CurrencyCode/);
    }
    expect(await dumpTenant(tp, t.tenantId)).toEqual(before);
  });

  it('reads a code stored before codes were checked as XXX instead of failing the order', async () => {
    const { client } = await tp.platform.tenants.get(t.tenantId);
    await client.execute({ sql: 'update orders set currency = ? where id = ?', args: ['ABC', localOf(w.order)] });
    const res = await t.gql(`query($id: ID!) { order(id: $id) { currency total { amount currency } } }`, { id: w.order });
    expect(res.errors).toBeUndefined();
    expect(res.data!.order).toEqual({ currency: 'XXX', total: { amount: '25.00', currency: 'XXX' } });
  });
});

describe('plugin installations', () => {
  let installationId: string;
  beforeAll(async () => {
    const made = await createPublisher(tp.platform.control.db, { handle: 'acme' });
    const built = await buildFixture('greeter', '1.0.0');
    await create(t, 'publishPluginVersion', { publisherId: made.publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(made.privateKeyPem) });
    const installed = await create(t, 'installPlugin', {
      pluginId: 'acme.greeter', grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'],
      config: { greeting: 'Hi' }, secrets: [{ name: 'GREETINGS_TOKEN', value: 'tok-1' }],
    });
    installationId = installed.installation.id;
    expect(installed.installation.status).toBe('ACTIVE');
  }, 120_000);

  it('is a Node: node(id:) and nodes(ids:) resolve its global id for an admin', async () => {
    const res = ok(await t.gql(`query($id: ID!) {
      node(id: $id) { __typename id ... on PluginInstallation { pluginId status } }
      nodes(ids: [$id]) { id }
      pluginInstallations { id }
    }`, { id: installationId }));
    expect(res.node).toEqual({ __typename: 'PluginInstallation', id: installationId, pluginId: 'acme.greeter', status: 'ACTIVE' });
    expect(res.nodes).toEqual([{ id: installationId }]);
    expect(res.pluginInstallations).toEqual([{ id: installationId }]);
  });

  it('stays an admin\'s: an agent is FORBIDDEN, another tenant gets NOT_FOUND, as for a missing one', async () => {
    const agent = await tp.keyFor(t.tenantId, 'agent');
    expectError(await agent.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: installationId }), 'FORBIDDEN');
    const other = await tp.tenant(uniqueSlug('elsewhere'));
    const foreign = await other.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: installationId });
    expectError(foreign, 'NOT_FOUND', /^Node not found$/);
    expect(answer(foreign)).toEqual(answer(await other.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: gid('PluginInstallation', randomUUID()) })));
    expect(ok(await other.gql(`query($id: ID!) { nodes(ids: [$id]) { id } }`, { id: installationId })).nodes).toEqual([null]);
  });

  it('reads log levels as an enum', async () => {
    const levels = ['debug', 'info', 'warn', 'error'];
    await tp.platform.control.db.insert(pluginLogs).values(levels.map((level, i) => ({
      id: randomUUID(), tenantId: t.tenantId, pluginId: 'acme.greeter', level, message: level, data: null, at: new Date(Date.UTC(2025, 0, 1, 0, i)),
    })));
    const res = ok(await t.gql(`{ pluginLogs(pluginId: "acme.greeter") { level message } }`));
    expect(res.pluginLogs.filter((l: { message: string }) => levels.includes(l.message)))
      .toEqual([['error', 'ERROR'], ['warn', 'WARN'], ['info', 'INFO'], ['debug', 'DEBUG']].map(([message, level]) => ({ level, message })));
  });
});
