/**
 * Tenant isolation attack matrix: tenant B's keys aimed at every one of tenant A's objects, by
 * every query, filter and mutation that takes an id. Each must answer exactly like an id that
 * never existed, and neither database may change.
 */
import { createApiKey, revokeApiKey } from '@mosaic/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, startTestPlatform, type Client, type GraphQLResponse, type TestPlatform } from './harness.js';
import {
  dumpTenant, expectError, mutate, ok, randomGid, rawPost, rowCounts, seedWorld,
  type MutationName, type NodeType, type World,
} from './fixtures.js';

let tp: TestPlatform;
let A: Client & { tenantId: string };
let B: Client & { tenantId: string };
let a: World;
let b: World;
let dumpA: Awaited<ReturnType<typeof dumpTenant>>;

beforeAll(async () => {
  tp = await startTestPlatform();
  A = await tp.tenant('alpha');
  B = await tp.tenant('bravo');
  a = await seedWorld(A, 'alpha');
  b = await seedWorld(B, 'bravo');
  dumpA = await dumpTenant(tp, A.tenantId);
});

afterAll(() => tp?.close());

/** The body a client sees, without transport details. */

/** [field on Query (CommunityPost has none, so `null`: node only), node type, key in World] for every object type. */
const BY_ID: [string | null, NodeType, keyof World][] = [
  ['account', 'Account', 'account'], ['customer', 'Customer', 'customer'], ['case', 'Case', 'case'],
  ['interaction', 'Interaction', 'interaction'], ['order', 'Order', 'order'], ['knowledgeArticle', 'KnowledgeArticle', 'article'],
  ['communityThread', 'CommunityThread', 'thread'], [null, 'CommunityPost', 'post'], ['agent', 'Agent', 'agent'],
  ['queue', 'Queue', 'queue'],
];

describe('reads by id', () => {
  it.each(BY_ID)("%s(id:) / node(id:) with A's %s id answer NOT_FOUND exactly like a never-existing id", async (field, type, key) => {
    const node = `query($id: ID!) { node(id: $id) { id __typename } }`;
    // the id is real: A itself reads it
    expect(ok(await A.gql(node, { id: a[key] })).node).toEqual({ id: a[key], __typename: type });
    const queries: [string, string][] = [['node', node]];
    if (field) {
      const typed = `query($id: ID!) { ${field}(id: $id) { id } }`;
      expect(ok(await A.gql(typed, { id: a[key] }))[field].id).toBe(a[key]);
      queries.push([field, typed]);
    }
    const never = randomGid(type);
    for (const [name, query] of queries) {
      const foreign = await B.gql(query, { id: a[key] });
      expectError(foreign, 'NOT_FOUND', new RegExp(`^${type} not found$`));
      expect(foreign.data).toEqual({ [name]: null });
      expect(answer(foreign)).toEqual(answer(await B.gql(query, { id: never })));
    }
  });

  it("nodes(ids:) with every one of A's ids answers null in place of each, exactly like never-existing ids", async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`;
    const ids = BY_ID.map(([, , key]) => a[key]);
    expect(ok(await A.gql(query, { ids })).nodes).toEqual(BY_ID.map(([, type, key]) => ({ id: a[key], __typename: type })));
    const foreign = await B.gql(query, { ids });
    expect(answer(foreign)).toEqual({ data: { nodes: ids.map(() => null) }, errors: undefined });
    expect(answer(foreign)).toEqual(answer(await B.gql(query, { ids: BY_ID.map(([, type]) => randomGid(type)) })));
    // B's own objects among A's come back in place, the rest stay null
    const mixed = ok(await B.gql(query, { ids: [a.customer, b.customer, 'not-an-id', b.order] })).nodes;
    expect(mixed).toEqual([null, { id: b.customer, __typename: 'Customer' }, null, { id: b.order, __typename: 'Order' }]);
  });

  it("a nested read cannot reach A's objects either (node of a wrong type, malformed ids)", async () => {
    const res = await B.gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: a.case });
    expect(answer(res)).toEqual(answer(await B.gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: 'not-an-id' })));
    expectError(res, 'NOT_FOUND', /^Customer not found$/);
  });
});

describe('filters taking an id', () => {
  const FILTERS: [string, string, keyof World][] = [
    ['customers', 'accountId', 'account'],
    ['cases', 'customerId', 'customer'],
    ['cases', 'assigneeId', 'agent'],
    ['cases', 'queueId', 'queue'],
    ['interactions', 'customerId', 'customer'],
    ['interactions', 'caseId', 'case'],
    ['orders', 'customerId', 'customer'],
  ];
  it.each(FILTERS)("%s(filter: { %s }) with A's id is an empty connection", async (field, filterKey, key) => {
    const query = `query($id: ID!) { ${field}(first: 100, filter: { ${filterKey}: $id }) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    // the same filter with B's own id finds B's rows, so the filter itself works
    expect(ok(await B.gql(query, { id: b[key] }))[field].edges.length).toBeGreaterThan(0);
    expect(ok(await A.gql(query, { id: a[key] }))[field].edges.length).toBeGreaterThan(0);
    expect(ok(await B.gql(query, { id: a[key] }))[field]).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('mutations aimed at A', () => {
  type Attack = [label: string, mutation: MutationName, type: NodeType, input: (target: string) => unknown];
  const ATTACKS: Attack[] = [
    ['updateAccount', 'updateAccount', 'Account', (id) => ({ id, name: 'pwned' })],
    ['updateCustomer', 'updateCustomer', 'Customer', (id) => ({ id, name: 'pwned' })],
    ['updateCustomer with A accountId', 'updateCustomer', 'Account', (id) => ({ id: b.customer, accountId: id })],
    ['createCustomer with A accountId', 'createCustomer', 'Account', (id) => ({ name: 'Mole', accountId: id })],
    ['mergeCustomers A into A', 'mergeCustomers', 'Customer', (id) => ({ survivorId: id, duplicateId: a.customer2 })],
    ['mergeCustomers A into B', 'mergeCustomers', 'Customer', (id) => ({ survivorId: b.customer, duplicateId: id })],
    ['mergeCustomers B into A', 'mergeCustomers', 'Customer', (id) => ({ survivorId: id, duplicateId: b.customer2 })],
    ['createCase for A customer', 'createCase', 'Customer', (id) => ({ customerId: id, subject: 'pwned' })],
    ['createCase in A queue', 'createCase', 'Queue', (id) => ({ customerId: b.customer, subject: 'pwned', queueId: id })],
    ['createCase for A agent', 'createCase', 'Agent', (id) => ({ customerId: b.customer, subject: 'pwned', assigneeId: id })],
    ['updateCase', 'updateCase', 'Case', (id) => ({ id, status: 'CLOSED' })],
    ['updateCase into A queue', 'updateCase', 'Queue', (id) => ({ id: b.case, queueId: id })],
    ['updateCase to A agent', 'updateCase', 'Agent', (id) => ({ id: b.case, assigneeId: id })],
    ['routeCase', 'routeCase', 'Case', (id) => id],
    ['addInteraction for A customer', 'addInteraction', 'Customer', (id) => ({ customerId: id, channel: 'EMAIL', direction: 'INBOUND', body: 'x' })],
    ['addInteraction on A case', 'addInteraction', 'Case', (id) => ({ customerId: b.customer, caseId: id, channel: 'EMAIL', direction: 'INBOUND', body: 'x' })],
    ['addInteraction by A agent', 'addInteraction', 'Agent', (id) => ({ customerId: b.customer, agentId: id, channel: 'EMAIL', direction: 'INBOUND', body: 'x' })],
    ['createOrder for A customer', 'createOrder', 'Customer', (id) => ({ customerId: id, currency: 'EUR', lines: [{ sku: 'S', name: 'N', quantity: 1, unitPriceCents: 1 }] })],
    ['updateOrderStatus', 'updateOrderStatus', 'Order', (id) => ({ id, status: 'CANCELLED' })],
    ['updateKnowledgeArticle', 'updateKnowledgeArticle', 'KnowledgeArticle', (id) => ({ id, title: 'pwned' })],
    ['rateKnowledgeArticle', 'rateKnowledgeArticle', 'KnowledgeArticle', (id) => ({ articleId: id, helpful: false })],
    ['rateKnowledgeArticle as A customer', 'rateKnowledgeArticle', 'Customer', (id) => ({ articleId: b.article, helpful: true, customerId: id })],
    ['createCommunityThread as A customer', 'createCommunityThread', 'Customer', (id) => ({ title: 't', body: 'b', authorCustomerId: id })],
    ['createCommunityThread as A agent', 'createCommunityThread', 'Agent', (id) => ({ title: 't', body: 'b', authorAgentId: id })],
    ['createCommunityPost in A thread', 'createCommunityPost', 'CommunityThread', (id) => ({ threadId: id, body: 'pwned' })],
    ['createCommunityPost as A customer', 'createCommunityPost', 'Customer', (id) => ({ threadId: b.thread, body: 'b', authorCustomerId: id })],
    ['createCommunityPost as A agent', 'createCommunityPost', 'Agent', (id) => ({ threadId: b.thread, body: 'b', authorAgentId: id })],
    ['voteCommunityPost on A post', 'voteCommunityPost', 'CommunityPost', (id) => ({ postId: id, customerId: b.customer2, value: -1 })],
    ['voteCommunityPost as A customer', 'voteCommunityPost', 'Customer', (id) => ({ postId: b.agentPost, customerId: id, value: 1 })],
    ['updateAgent', 'updateAgent', 'Agent', (id) => ({ id, status: 'OFFLINE', capacity: 0 })],
  ];
  const TARGET: Record<NodeType, keyof World> = {
    Account: 'account', Customer: 'customer', Case: 'case', Interaction: 'interaction', Order: 'order',
    KnowledgeArticle: 'article', CommunityThread: 'thread', CommunityPost: 'post', Agent: 'agent', Queue: 'queue',
  };

  it.each(ATTACKS)('%s → NOT_FOUND like a never-existing id, and no row written on either side', async (_label, name, type, input) => {
    const beforeB = await dumpTenant(tp, B.tenantId);
    const foreign = await mutate(B, name, input(a[TARGET[type]]));
    expectError(foreign, 'NOT_FOUND', new RegExp(`^${type} not found$`));
    expect(foreign.data).toEqual({ [name]: null }); // nullable payload: the field alone is null
    const never = await mutate(B, name, input(randomGid(type)));
    expect(answer(foreign)).toEqual(answer(never));
    const afterB = await dumpTenant(tp, B.tenantId);
    expect(rowCounts(afterB)).toEqual(rowCounts(beforeB));
    expect(afterB).toEqual(beforeB);
    expect(await dumpTenant(tp, A.tenantId)).toEqual(dumpA);
  });

  it('the same mutations with B ids do succeed, so the NOT_FOUNDs above are about ownership', async () => {
    ok(await mutate(B, 'updateCustomer', { id: b.customer, accountId: b.account }));
    ok(await mutate(B, 'addInteraction', { customerId: b.customer, caseId: b.case, agentId: b.agent, channel: 'CHAT', direction: 'OUTBOUND', body: 'ok' }));
    ok(await mutate(B, 'voteCommunityPost', { postId: b.agentPost, customerId: b.customer, value: 1 }));
  });
});

describe('the tenant comes only from the key', () => {
  const WHO = `query($id: ID!) { viewer { tenantSlug } customer(id: $id) { id } customers(first: 100) { edges { node { id } } } }`;

  it('forged tenant headers and query parameters are ignored', async () => {
    const forgeries: { headers?: Record<string, string>; search?: string }[] = [
      { headers: { 'x-tenant': 'alpha' } },
      { headers: { 'x-tenant-id': A.tenantId, tenant: 'alpha', 'x-tenant-slug': 'alpha' } },
      { search: `?tenant=alpha&tenantId=${A.tenantId}&x-tenant=alpha` },
      { headers: { 'x-tenant': A.tenantId }, search: '?tenant=alpha' },
    ];
    for (const forged of forgeries) {
      const res = await rawPost(tp, { apiKey: B.apiKey, body: { query: WHO, variables: { id: a.customer } }, ...forged });
      expect(res.status).toBe(200);
      expect(res.data?.viewer).toEqual({ tenantSlug: 'bravo' });
      expect(res.data?.customer).toBeNull();
      expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_FOUND', 'Customer not found']]);
      expect(new Set(res.data?.customers.edges.map((e: any) => e.node.id))).toEqual(new Set([b.customer, b.customer2]));
    }
  });

  it('a revoked key is refused with 401 UNAUTHENTICATED once the cache is cleared', async () => {
    const { id, apiKey } = await createApiKey(tp.platform.control.db, { tenantId: B.tenantId, role: 'admin' });
    const client = tp.client(apiKey);
    expect(ok(await client.gql('{ viewer { tenantSlug } }')).viewer.tenantSlug).toBe('bravo');
    // revoking needs the owning tenant: A cannot revoke B's key
    expect(await revokeApiKey(tp.platform.control.db, A.tenantId, id)).toBe(false);
    expect(await revokeApiKey(tp.platform.control.db, B.tenantId, id)).toBe(true);
    tp.platform.keys.forget();
    const res = await client.gql('{ viewer { tenantSlug } }');
    expect(res.status).toBe(401);
    expectError(res, 'UNAUTHENTICATED', /revoked/);
    expect(res.data).toBeUndefined();
  });

  it('malformed keys, wrong secrets and missing credentials get 401 UNAUTHENTICATED and no data', async () => {
    const [, idHex, secret] = /^mos_([0-9a-f]{32})_(.+)$/.exec(B.apiKey)!;
    const otherSecret = /^mos_[0-9a-f]{32}_(.+)$/.exec(A.apiKey)![1];
    const flipped = `${secret!.slice(0, -1)}${secret!.endsWith('A') ? 'B' : 'A'}`;
    const attempts: { authorization?: string }[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Bearer not-a-key' },
      { authorization: `Basic ${Buffer.from('bravo:secret').toString('base64')}` },
      { authorization: `Bearer mos_${idHex}_short` },
      { authorization: `Bearer mos_${idHex}_${flipped}` }, // right key id, wrong secret
      { authorization: `Bearer mos_${idHex}_${otherSecret}` }, // B's key id with A's secret
      { authorization: `Bearer mos_${'0'.repeat(32)}_${secret}` }, // unknown key id, real secret
      { authorization: `Bearer ${B.apiKey} extra` },
    ];
    for (const attempt of attempts) {
      const res = await rawPost(tp, { ...attempt, body: { query: '{ viewer { tenantSlug } }' } });
      expect(res.status, JSON.stringify(attempt)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectError(res, 'UNAUTHENTICATED');
      expect(res.data).toBeUndefined();
    }
  });
});

describe('afterwards', () => {
  it("tenant A's database is byte-identical to before the attacks", async () => {
    const after = await dumpTenant(tp, A.tenantId);
    expect(rowCounts(after)).toEqual(rowCounts(dumpA));
    expect(JSON.stringify(after)).toBe(JSON.stringify(dumpA));
    expect(rowCounts(after).customers).toBe(2); // and it was not empty to begin with
  });
});
