/**
 * The customer 360 path end to end, over real HTTP against a real platform: write every kind of
 * object, then read it back through connections, filters, `node`, the merged timeline, merges,
 * routing and role checks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { create, dumpTenant, expectError, mutate, ok, pageBackThrough, pageThrough, seedWorld, uniqueSlug } from './fixtures.js';

let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform();
});
afterAll(() => tp?.close());

const newTenant = () => tp.tenant(uniqueSlug('c360'));

const CUSTOMERS = /* GraphQL */ `
  query Customers($first: Int, $after: String, $filter: CustomerFilter, $orderBy: CustomerOrderBy) {
    customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { id name email account { id } identities { kind value provider } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id);

describe('accounts and customers', () => {
  let t: Client;
  let globex: string;
  let initech: string;
  const created: Record<string, string> = {};
  const NAMES = ['Alice Archer', 'Bob Builder', 'Alan Turing', 'Carol Danvers', 'Bea Smith', 'Alma Mater', 'Dan Brown'];

  beforeAll(async () => {
    t = await newTenant();
    globex = (await create(t, 'createAccount', { name: 'Globex', domain: 'Globex.com', tier: 'enterprise' })).account.id;
    initech = (await create(t, 'createAccount', { name: 'Initech' })).account.id;
    for (const [i, name] of NAMES.entries()) {
      const slug = name.split(' ')[0]!.toLowerCase();
      const c = await create(t, 'createCustomer', {
        name,
        email: `${slug}@Example.COM`,
        accountId: i % 3 === 0 ? globex : i % 3 === 1 ? initech : null,
        identities: i === 0
          ? [{ kind: 'EMAIL', value: 'alice.work@corp.example' }, { kind: 'SOCIAL', value: '@alice', provider: 'mastodon' }]
          : undefined,
      });
      created[name] = c.customer.id;
    }
  });

  it('reads accounts back with their normalised fields', async () => {
    const data = ok(await t.gql(`query($id: ID!) { account(id: $id) { id name domain tier customers(first: 10) { edges { node { name } } } } }`, { id: globex }));
    expect(data.account).toMatchObject({ id: globex, name: 'Globex', domain: 'globex.com', tier: 'enterprise' });
    expect(data.account.customers.edges.map((e: any) => e.node.name).sort()).toEqual(['Alice Archer', 'Carol Danvers', 'Dan Brown']);
  });

  it('stores identities: the contact email lowercased plus the extra handles', async () => {
    const data = ok(await t.gql(`query($id: ID!) { customer(id: $id) { email identities { kind value provider verified } } }`, { id: created['Alice Archer'] }));
    expect(data.customer.email).toBe('alice@example.com');
    expect(data.customer.identities).toEqual([
      { kind: 'EMAIL', value: 'alice@example.com', provider: null, verified: false },
      { kind: 'EMAIL', value: 'alice.work@corp.example', provider: null, verified: false },
      { kind: 'SOCIAL', value: '@alice', provider: 'mastodon', verified: false },
    ]);
  });

  it('pages through customers newest first with no duplicates, no gaps and a right pageInfo', async () => {
    const all = ok(await t.gql(CUSTOMERS, { first: 100 })).customers.edges.map((e: any) => e.node.id);
    expect(new Set(all)).toEqual(new Set(Object.values(created)));
    for (const size of [1, 2, 3, 7]) {
      const { nodes, pages } = await pageThrough<{ id: string }>(t, CUSTOMERS, ['customers'], size);
      expect(ids(nodes)).toEqual(all); // same order, so nothing duplicated or skipped
      expect(pages).toBe(Math.ceil(7 / size));
    }
  });

  it('pages through customers by name in both directions', async () => {
    const sorted = [...NAMES].sort();
    const asc = await pageThrough<{ name: string }>(t, CUSTOMERS, ['customers'], 3, { orderBy: 'NAME_ASC' });
    expect(asc.nodes.map((n) => n.name)).toEqual(sorted);
    const desc = await pageThrough<{ name: string }>(t, CUSTOMERS, ['customers'], 2, { orderBy: 'NAME_DESC' });
    expect(desc.nodes.map((n) => n.name)).toEqual([...sorted].reverse());
  });

  it('pages backwards (last/before) through the same order, and counts the filter whatever the cursor', async () => {
    const BACKWARDS = `query($last: Int, $before: String, $filter: CustomerFilter, $orderBy: CustomerOrderBy) {
      customers(last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
        totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const sorted = [...NAMES].sort();
    for (const size of [1, 3, 7]) {
      const back = await pageBackThrough<{ name: string }>(t, BACKWARDS, ['customers'], size, { orderBy: 'NAME_ASC' });
      expect(back.nodes.map((n) => n.name)).toEqual(sorted);
      expect(back.pages).toBe(Math.ceil(7 / size));
    }
    const lastTwo = ok(await t.gql(BACKWARDS, { last: 2, filter: { nameStartsWith: 'Al' }, orderBy: 'NAME_ASC' })).customers;
    expect(lastTwo.edges.map((e: any) => e.node.name)).toEqual(['Alice Archer', 'Alma Mater']);
    expect(lastTwo.totalCount).toBe(3);
    expect(lastTwo.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = ok(await t.gql(BACKWARDS, { last: 5, before: lastTwo.pageInfo.startCursor, filter: { nameStartsWith: 'Al' }, orderBy: 'NAME_ASC' })).customers;
    expect(before.edges.map((e: any) => e.node.name)).toEqual(['Alan Turing']);
    expect(before.totalCount).toBe(3);
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // between two cursors: after the first and before the last of the prefix
    const all = ok(await t.gql(CUSTOMERS, { first: 3, filter: { nameStartsWith: 'Al' }, orderBy: 'NAME_ASC' })).customers.edges;
    const between = ok(await t.gql(`query($a: String, $b: String) { customers(first: 10, after: $a, before: $b, filter: { nameStartsWith: "Al" }, orderBy: NAME_ASC) {
      edges { node { name } } } }`, { a: all[0].cursor, b: all[2].cursor })).customers.edges;
    expect(between.map((e: any) => e.node.name)).toEqual(['Alice Archer']);
  });

  it('refuses first with last, and page sizes or cursors it cannot use, naming the argument', async () => {
    expectError(await t.gql('{ customers(first: 1, last: 1) { edges { cursor } } }'), 'BAD_USER_INPUT', /give first or last, not both/);
    expectError(await t.gql('{ customers(last: 101) { edges { cursor } } }'), 'BAD_USER_INPUT', /last must be an integer from 0 to 100/);
    expectError(await t.gql('{ customers(last: 2, before: "bm90IGEgY3Vyc29y") { edges { cursor } } }'), 'BAD_USER_INPUT', /before is not a cursor this API issued/);
  });

  it('filters customers by email (any identity, any case), name prefix and account', async () => {
    const names = async (filter: object) =>
      ok(await t.gql(CUSTOMERS, { first: 100, filter, orderBy: 'NAME_ASC' })).customers.edges.map((e: any) => e.node.name);
    expect(await names({ email: 'BOB@example.com' })).toEqual(['Bob Builder']);
    expect(await names({ email: 'alice.work@corp.example' })).toEqual(['Alice Archer']);
    expect(await names({ email: 'nobody@example.com' })).toEqual([]);
    expect(await names({ nameStartsWith: 'Al' })).toEqual(['Alan Turing', 'Alice Archer', 'Alma Mater']);
    expect(await names({ nameStartsWith: 'al' })).toEqual(['Alan Turing', 'Alice Archer', 'Alma Mater']);
    // LIKE wildcards in the prefix are literal characters, not "match anything"
    expect(await names({ nameStartsWith: '%' })).toEqual([]);
    expect(await names({ nameStartsWith: 'B_b' })).toEqual([]);
    expect(await names({ accountId: initech })).toEqual(['Bea Smith', 'Bob Builder']);
    expect(await names({ accountId: globex, nameStartsWith: 'D' })).toEqual(['Dan Brown']);
    // paging inside a filter keeps to the filter
    const paged = await pageThrough<{ account: { id: string } }>(t, CUSTOMERS, ['customers'], 1, { filter: { accountId: globex } });
    expect(paged.nodes.map((n) => n.account.id)).toEqual([globex, globex, globex]);
  });
});

describe('workforce, cases, interactions, orders, knowledge and community', () => {
  let t: Client;
  let customer: string;
  let other: string;
  let agent: string;
  let queue: string;
  const caseIds: string[] = [];

  beforeAll(async () => {
    t = await newTenant();
    customer = (await create(t, 'createCustomer', { name: 'Casey Case', email: 'casey@example.com' })).customer.id;
    other = (await create(t, 'createCustomer', { name: 'Olive Other' })).customer.id;
    const a = await create(t, 'createAgent', {
      name: 'Ada Agent', email: 'ADA@support.example', status: 'ONLINE', capacity: 4,
      skills: [{ skill: 'Billing', level: 4 }, { skill: 'returns' }],
    });
    expect(a.agent).toMatchObject({ email: 'ada@support.example', status: 'ONLINE', capacity: 4, skills: [{ skill: 'billing', level: 4 }, { skill: 'returns', level: 1 }] });
    agent = a.agent.id;
    queue = (await create(t, 'createQueue', { name: 'Billing', requiredSkill: 'billing' })).queue.id;
  });

  it('creates cases with numbers and reads them by status, customer, queue and assignee', async () => {
    const statuses = ['OPEN', 'NEW', 'PENDING', 'OPEN', 'SOLVED'];
    for (const [i, status] of statuses.entries()) {
      const c = await create(t, 'createCase', {
        customerId: i < 4 ? customer : other, subject: `Case ${i}`, priority: i === 0 ? 'URGENT' : undefined, channel: 'EMAIL',
        queueId: i % 2 === 0 ? queue : null, assigneeId: i < 2 ? agent : null,
      });
      expect(c.case).toMatchObject({ number: i + 1, status: 'NEW', priority: i === 0 ? 'URGENT' : 'NORMAL', channel: 'EMAIL' });
      if (status !== 'NEW') ok(await mutate(t, 'updateCase', { id: c.case.id, status }));
      caseIds.push(c.case.id);
    }
    const CASES = `query($first: Int, $after: String, $filter: CaseFilter) {
      cases(first: $first, after: $after, filter: $filter) { edges { cursor node { id subject status } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const subjects = async (filter: object) =>
      (await pageThrough<{ subject: string }>(t, CASES, ['cases'], 2, { filter })).nodes.map((n) => n.subject);
    // newest first
    expect(await subjects({})).toEqual(['Case 4', 'Case 3', 'Case 2', 'Case 1', 'Case 0']);
    expect(await subjects({ status: 'OPEN' })).toEqual(['Case 3', 'Case 0']);
    expect(await subjects({ status: 'CLOSED' })).toEqual([]);
    expect(await subjects({ customerId: customer, status: 'PENDING' })).toEqual(['Case 2']);
    expect(await subjects({ queueId: queue })).toEqual(['Case 4', 'Case 2', 'Case 0']);
    expect(await subjects({ assigneeId: agent })).toEqual(['Case 1', 'Case 0']);
    expect(await subjects({ priority: 'URGENT' })).toEqual(['Case 0']);

    const data = ok(await t.gql(`query($c: ID!, $a: ID!, $q: ID!) {
      customer(id: $c) { open: cases(status: OPEN) { edges { node { subject } } } all: cases(first: 100) { edges { node { id } } } }
      agent(id: $a) { openCaseCount }
      queue(id: $q) { cases(status: SOLVED) { edges { node { subject customer { id } } } } } }`, { c: customer, a: agent, q: queue }));
    expect(data.customer.open.edges.map((e: any) => e.node.subject)).toEqual(['Case 3', 'Case 0']);
    expect(data.customer.all.edges).toHaveLength(4);
    expect(data.agent.openCaseCount).toBe(2); // Case 0 OPEN and Case 1 NEW
    expect(data.queue.cases.edges).toEqual([{ node: { subject: 'Case 4', customer: { id: other } } }]);
  });

  it('records interactions on several channels, some linked to cases, and pages them', async () => {
    const channels = ['EMAIL', 'CHAT', 'PHONE', 'SMS', 'SOCIAL', 'PORTAL', 'VIDEO'] as const;
    const made: Record<string, string> = {};
    for (const [i, channel] of channels.entries()) {
      const it = await create(t, 'addInteraction', {
        customerId: customer, channel, direction: i % 2 ? 'OUTBOUND' : 'INBOUND', subject: `About ${channel}`, body: `${channel} body`,
        caseId: i < 3 ? caseIds[0] : null, agentId: i % 2 ? agent : null, occurredAt: `2024-03-0${i + 1}T09:00:00.000Z`,
      });
      expect(it.interaction).toMatchObject({ channel, occurredAt: `2024-03-0${i + 1}T09:00:00.000Z`, customer: { id: customer } });
      made[channel] = it.interaction.id;
    }
    const INTERACTIONS = `query($first: Int, $after: String, $filter: InteractionFilter) {
      interactions(first: $first, after: $after, filter: $filter) { edges { cursor node { id channel occurredAt case { id } agent { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const all = await pageThrough<any>(t, INTERACTIONS, ['interactions'], 3, { filter: { customerId: customer } });
    expect(all.nodes.map((n) => n.channel)).toEqual([...channels].reverse()); // newest occurredAt first
    expect(all.pages).toBe(3);
    const onCase = await pageThrough<any>(t, INTERACTIONS, ['interactions'], 2, { filter: { caseId: caseIds[0] } });
    expect(onCase.nodes.map((n) => n.channel)).toEqual(['PHONE', 'CHAT', 'EMAIL']);
    expect(onCase.nodes.every((n) => n.case.id === caseIds[0])).toBe(true);
    const chat = ok(await t.gql(INTERACTIONS, { filter: { channel: 'CHAT' } })).interactions.edges;
    expect(chat).toHaveLength(1);
    expect(chat[0].node).toMatchObject({ id: made.CHAT, agent: { id: agent } });
    const viaCase = ok(await t.gql(`query($id: ID!) { case(id: $id) { interactions(first: 2) { edges { node { channel } } pageInfo { hasNextPage } } } }`, { id: caseIds[0] }));
    expect(viaCase.case.interactions).toEqual({ edges: [{ node: { channel: 'PHONE' } }, { node: { channel: 'CHAT' } }], pageInfo: { hasNextPage: true } });
    const viaCustomer = ok(await t.gql(`query($id: ID!) { customer(id: $id) { interactions(channel: VIDEO) { edges { node { id } } } } }`, { id: customer }));
    expect(viaCustomer.customer.interactions.edges).toEqual([{ node: { id: made.VIDEO } }]);
  });

  it('creates orders with lines and totals, and filters them', async () => {
    const o1 = await create(t, 'createOrder', {
      customerId: customer, number: 'SO-1001', currency: 'EUR', placedAt: '2024-02-01T12:00:00.000Z',
      lines: [{ sku: 'A-1', name: 'Anvil', quantity: 3, unitPriceCents: 1999 }, { sku: 'B-2', name: 'Bolt', quantity: 10, unitPriceCents: 5 }],
    });
    expect(o1.order).toMatchObject({
      orderNumber: 'SO-1001', orderStatus: 'PENDING', currency: 'EUR', total: { amount: '60.47', currency: 'EUR' }, totalCents: 3 * 1999 + 50,
      placedAt: '2024-02-01T12:00:00.000Z',
      lines: [
        { sku: 'A-1', quantity: 3, unitPrice: { amount: '19.99', currency: 'EUR' }, lineTotal: { amount: '59.97', currency: 'EUR' }, unitPriceCents: 1999, lineTotalCents: 5997 },
        { sku: 'B-2', quantity: 10, unitPrice: { amount: '0.05', currency: 'EUR' }, lineTotal: { amount: '0.50', currency: 'EUR' }, unitPriceCents: 5, lineTotalCents: 50 },
      ],
    });
    const o2 = await create(t, 'createOrder', {
      customerId: customer, currency: 'USD', status: 'PAID', placedAt: '2024-02-02T12:00:00.000Z',
      lines: [{ sku: 'C-3', name: 'Cog', quantity: 1, unitPriceCents: 100 }],
    });
    expect(o2.order.orderNumber).toMatch(/^ORD-[0-9A-F]{12}$/);
    await create(t, 'createOrder', { customerId: other, currency: 'USD', lines: [{ sku: 'D', name: 'Dial', quantity: 1, unitPriceCents: 1 }] });
    expect((await create(t, 'updateOrderStatus', { id: o1.order.id, status: 'SHIPPED' })).order.orderStatus).toBe('SHIPPED');

    const ORDERS = `query($first: Int, $after: String, $filter: OrderFilter) {
      orders(first: $first, after: $after, filter: $filter) { edges { cursor node { id orderNumber orderStatus totalCents } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const mine = await pageThrough<any>(t, ORDERS, ['orders'], 1, { filter: { customerId: customer } });
    expect(mine.nodes.map((n) => n.id)).toEqual([o2.order.id, o1.order.id]); // newest placedAt first
    const shipped = ok(await t.gql(ORDERS, { filter: { status: 'SHIPPED' } })).orders.edges;
    expect(shipped.map((e: any) => e.node)).toEqual([{ id: o1.order.id, orderNumber: 'SO-1001', orderStatus: 'SHIPPED', totalCents: 6047 }]);
    const viaCustomer = ok(await t.gql(`query($id: ID!) { customer(id: $id) { orders { edges { node { orderNumber lines { name } } } } } }`, { id: customer }));
    expect(viaCustomer.customer.orders.edges[1].node).toEqual({ orderNumber: 'SO-1001', lines: [{ name: 'Anvil' }, { name: 'Bolt' }] });
  });

  it('keeps knowledge articles and their rating counters', async () => {
    const draft = await create(t, 'createKnowledgeArticle', { title: 'Resetting a password', body: 'Click "forgot".', tags: ['Account', 'login'] });
    expect(draft.article).toMatchObject({ status: 'DRAFT', locale: 'en', tags: ['account', 'login'], helpfulCount: 0, notHelpfulCount: 0 });
    const pub = await create(t, 'createKnowledgeArticle', { title: 'Refund policy', body: 'Refunds within 30 days.', status: 'PUBLISHED', locale: 'en-GB' });
    expect(pub.article.locale).toBe('en-GB');
    await create(t, 'rateKnowledgeArticle', { articleId: pub.article.id, helpful: true, customerId: customer });
    await create(t, 'rateKnowledgeArticle', { articleId: pub.article.id, helpful: true });
    const rated = await create(t, 'rateKnowledgeArticle', { articleId: pub.article.id, helpful: false, comment: 'too short' });
    expect(rated.article).toEqual({ id: pub.article.id, helpfulCount: 2, notHelpfulCount: 1 });
    const updated = await create(t, 'updateKnowledgeArticle', { id: draft.article.id, status: 'PUBLISHED', title: 'Resetting your password' });
    expect(updated.article).toMatchObject({ status: 'PUBLISHED', title: 'Resetting your password', tags: ['account', 'login'] });

    const ARTICLES = `query($filter: KnowledgeArticleFilter) { knowledgeArticles(filter: $filter) { edges { node { title helpfulCount notHelpfulCount } } } }`;
    const titles = async (filter: object) => ok(await t.gql(ARTICLES, { filter })).knowledgeArticles.edges.map((e: any) => e.node.title);
    expect(await titles({ status: 'PUBLISHED' })).toEqual(['Refund policy', 'Resetting your password']);
    expect(await titles({ search: 'refund' })).toEqual(['Refund policy']);
    expect(await titles({ search: 'forgot' })).toEqual(['Resetting your password']); // body matches too
    expect(await titles({ search: '%' })).toEqual([]); // a wildcard is searched for literally
    expect(await titles({ status: 'ARCHIVED' })).toEqual([]);
    const one = ok(await t.gql(`query($id: ID!) { knowledgeArticle(id: $id) { helpfulCount notHelpfulCount } }`, { id: pub.article.id }));
    expect(one.knowledgeArticle).toEqual({ helpfulCount: 2, notHelpfulCount: 1 });
  });

  it('runs a community thread: posts in order, votes replace earlier votes', async () => {
    const voterA = (await create(t, 'createCustomer', { name: 'Vera Voter' })).customer.id;
    const voterB = (await create(t, 'createCustomer', { name: 'Vic Voter' })).customer.id;
    const started = await create(t, 'createCommunityThread', { title: 'Printer on fire', body: 'Help', authorCustomerId: customer });
    expect(started.thread).toMatchObject({ title: 'Printer on fire', author: { id: customer } });
    const reply = await create(t, 'createCommunityPost', { threadId: started.thread.id, body: 'Unplug it', authorAgentId: agent });
    expect(reply.post).toMatchObject({ score: 0, thread: { id: started.thread.id }, authorCustomer: null, authorAgent: { id: agent } });
    const more = await create(t, 'createCommunityPost', { threadId: started.thread.id, body: 'Me too', authorCustomerId: other });
    expect((await create(t, 'voteCommunityPost', { postId: reply.post.id, customerId: voterA, value: 1 })).post.score).toBe(1);
    expect((await create(t, 'voteCommunityPost', { postId: reply.post.id, customerId: voterB, value: 1 })).post.score).toBe(2);
    expect((await create(t, 'voteCommunityPost', { postId: reply.post.id, customerId: voterA, value: -1 })).post.score).toBe(0);
    expect((await create(t, 'voteCommunityPost', { postId: more.post.id, customerId: voterA, value: -1 })).post.score).toBe(-1);

    const POSTS = `query($id: ID!, $first: Int, $after: String) { communityThread(id: $id) {
      posts(first: $first, after: $after) { edges { cursor node { id body score } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const posts = await pageThrough<any>(t, POSTS, ['communityThread', 'posts'], 2, { id: started.thread.id });
    expect(posts.nodes.map((p) => [p.body, p.score])).toEqual([['Help', 0], ['Unplug it', 0], ['Me too', -1]]); // oldest first
    const threads = ok(await t.gql(`{ communityThreads { edges { node { id title } } } }`)).communityThreads.edges;
    expect(threads).toEqual([{ node: { id: started.thread.id, title: 'Printer on fire' } }]);
  });
});

describe('node(id:)', () => {
  it('resolves every node type to the right object and __typename', async () => {
    const t = await newTenant();
    const w = await seedWorld(t, 'nodes');
    const expected: [string, string, string][] = [
      [w.account, 'Account', 'name'], [w.customer, 'Customer', 'name'], [w.case, 'Case', 'subject'],
      [w.interaction, 'Interaction', 'body'], [w.order, 'Order', 'orderNumber'], [w.article, 'KnowledgeArticle', 'title'],
      [w.thread, 'CommunityThread', 'title'], [w.post, 'CommunityPost', 'body'], [w.agent, 'Agent', 'email'], [w.queue, 'Queue', 'name'],
    ];
    const query = `query($id: ID!) { node(id: $id) { __typename id
      ... on Account { name } ... on Customer { name } ... on Case { subject } ... on Interaction { body }
      ... on Order { orderNumber } ... on KnowledgeArticle { title } ... on CommunityThread { title }
      ... on CommunityPost { body } ... on Agent { email } ... on Queue { name } } }`;
    const values: Record<string, string> = {
      Account: 'nodes Corp', Customer: 'nodes Customer', Case: 'Refund please', Interaction: 'Where is my refund?',
      KnowledgeArticle: 'Refunds', CommunityThread: 'Hello', CommunityPost: 'First!', Agent: 'agent@nodes.example', Queue: 'nodes billing',
    };
    for (const [id, type, field] of expected) {
      const node = ok(await t.gql(query, { id })).node;
      expect(node.__typename).toBe(type);
      expect(node.id).toBe(id);
      if (type === 'Order') expect(node.orderNumber).toMatch(/^ORD-/);
      else expect(node[field]).toBe(values[type]);
    }
  });
});

describe('Customer.timeline', () => {
  it('merges interactions, cases and orders newest first, exactly, across pages', async () => {
    const t = await newTenant();
    const c = (await create(t, 'createCustomer', { name: 'Tim Line' })).customer.id;
    const stranger = (await create(t, 'createCustomer', { name: 'Stranger' })).customer.id;
    const interaction = async (at: string, channel: string, caseId?: string) =>
      (await create(t, 'addInteraction', { customerId: c, caseId, channel, direction: 'INBOUND', body: channel, occurredAt: at })).interaction.id;
    const order = async (at: string) =>
      (await create(t, 'createOrder', { customerId: c, currency: 'EUR', placedAt: at, lines: [{ sku: 'S', name: 'N', quantity: 1, unitPriceCents: 1 }] })).order.id;

    const i1 = await interaction('2024-01-01T10:00:00.000Z', 'EMAIL');
    const o1 = await order('2024-01-02T10:00:00.000Z');
    const i2 = await interaction('2024-01-03T10:00:00.000Z', 'CHAT');
    const o2 = await order('2024-01-04T10:00:00.000Z');
    const k1 = await create(t, 'createCase', { customerId: c, subject: 'first case' });
    await sleep(5); // distinct creation instants, so the expected order needs no tie-break
    const k2 = await create(t, 'createCase', { customerId: c, subject: 'second case' });
    const i3 = await interaction('2024-01-05T10:00:00.000Z', 'PHONE', k1.case.id);
    const i4 = await interaction('2999-01-01T00:00:00.000Z', 'SMS'); // scheduled in the future: newest of all
    // someone else's history must not leak in
    await create(t, 'addInteraction', { customerId: stranger, channel: 'EMAIL', direction: 'INBOUND', body: 'x', occurredAt: '2024-01-03T12:00:00.000Z' });
    await create(t, 'createCase', { customerId: stranger, subject: 'not mine' });

    const expected = [
      [i4, 'INTERACTION', '2999-01-01T00:00:00.000Z'],
      [k2.case.id, 'CASE', k2.case.createdAt],
      [k1.case.id, 'CASE', k1.case.createdAt],
      [i3, 'INTERACTION', '2024-01-05T10:00:00.000Z'],
      [o2, 'ORDER', '2024-01-04T10:00:00.000Z'],
      [i2, 'INTERACTION', '2024-01-03T10:00:00.000Z'],
      [o1, 'ORDER', '2024-01-02T10:00:00.000Z'],
      [i1, 'INTERACTION', '2024-01-01T10:00:00.000Z'],
    ];
    const TIMELINE = `query($id: ID!, $first: Int, $after: String) { customer(id: $id) { timeline(first: $first, after: $after) {
      edges { cursor kind at node { __typename ... on Interaction { id } ... on Case { id } ... on Order { id } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    for (const size of [1, 2, 3, 8, 20]) {
      const { nodes, pages } = await pageThrough<any>(t, TIMELINE, ['customer', 'timeline'], size, { id: c });
      expect(nodes.map((n) => n.id)).toEqual(expected.map((e) => e[0]));
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / size)));
    }
    const BACKWARDS = `query($id: ID!, $last: Int, $before: String) { customer(id: $id) { timeline(last: $last, before: $before) {
      edges { cursor node { ... on Interaction { id } ... on Case { id } ... on Order { id } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    for (const size of [1, 3, 8]) {
      const { nodes, pages } = await pageBackThrough<any>(t, BACKWARDS, ['customer', 'timeline'], size, { id: c });
      expect(nodes.map((n) => n.id)).toEqual(expected.map((e) => e[0]));
      expect(pages).toBe(Math.ceil(expected.length / size));
    }
    const edges = ok(await t.gql(TIMELINE, { id: c, first: 20 })).customer.timeline.edges;
    expect(edges.map((e: any) => [e.node.id, e.kind, e.at])).toEqual(expected);
    const counted = ok(await t.gql(`query($id: ID!, $after: String) { customer(id: $id) { timeline(first: 1, after: $after) { totalCount } } }`,
      { id: c, after: edges[2].cursor }));
    expect(counted.customer.timeline.totalCount).toBe(expected.length); // the cursor does not narrow the count
    expect(edges.map((e: any) => e.node.__typename)).toEqual(['Interaction', 'Case', 'Case', 'Interaction', 'Order', 'Interaction', 'Order', 'Interaction']);
  });
});

describe('mergeCustomers', () => {
  it("moves the duplicate's cases, interactions, orders and identities to the survivor", async () => {
    const t = await newTenant();
    const acct = (await create(t, 'createAccount', { name: 'Umbrella' })).account.id;
    const survivor = (await create(t, 'createCustomer', { name: 'Sam Survivor', email: 'sam@example.com' })).customer.id;
    const dup = (await create(t, 'createCustomer', {
      name: 'Sam S.', email: 'sam.s@example.org', phone: '+44 20 7946 0000', accountId: acct,
      identities: [{ kind: 'SOCIAL', value: '@sams', provider: 'x' }],
    })).customer.id;
    const ownCase = (await create(t, 'createCase', { customerId: survivor, subject: 'own' })).case.id;
    const dupCase = (await create(t, 'createCase', { customerId: dup, subject: 'dup case' })).case.id;
    const dupInteraction = (await create(t, 'addInteraction', { customerId: dup, caseId: dupCase, channel: 'CHAT', direction: 'INBOUND', body: 'hi' })).interaction.id;
    const dupOrder = (await create(t, 'createOrder', { customerId: dup, currency: 'GBP', lines: [{ sku: 'X', name: 'X', quantity: 1, unitPriceCents: 10 }] })).order.id;

    const merged = await create(t, 'mergeCustomers', { survivorId: survivor, duplicateId: dup });
    expect(merged).toEqual({
      survivor: { id: survivor, status: 'ACTIVE' },
      merged: { id: dup, status: 'MERGED', mergedInto: { id: survivor } },
    });

    const Q = `query($id: ID!) { customer(id: $id) { status email phone mergedInto { id } account { id }
      identities { kind value } cases(first: 10) { edges { node { id } } } interactions { edges { node { id } } }
      orders { edges { node { id } } } timeline { edges { kind } } } }`;
    const s = ok(await t.gql(Q, { id: survivor })).customer;
    expect(s.status).toBe('ACTIVE');
    expect(s.email).toBe('sam@example.com'); // kept its own
    expect(s.phone).toBe('+44 20 7946 0000'); // filled from the duplicate
    expect(s.account).toEqual({ id: acct });
    expect(s.identities.map((i: any) => `${i.kind}:${i.value}`).sort()).toEqual(
      ['EMAIL:sam.s@example.org', 'EMAIL:sam@example.com', 'PHONE:+442079460000', 'SOCIAL:@sams'],
    );
    expect(new Set(s.cases.edges.map((e: any) => e.node.id))).toEqual(new Set([ownCase, dupCase]));
    expect(s.interactions.edges.map((e: any) => e.node.id)).toEqual([dupInteraction]);
    expect(s.orders.edges.map((e: any) => e.node.id)).toEqual([dupOrder]);
    expect(s.timeline.edges).toHaveLength(4);

    const d = ok(await t.gql(Q, { id: dup })).customer;
    expect(d).toMatchObject({ status: 'MERGED', mergedInto: { id: survivor }, identities: [], cases: { edges: [] }, interactions: { edges: [] }, orders: { edges: [] }, timeline: { edges: [] } });

    const links = ok(await t.gql(`query($c: ID!, $i: ID!, $o: ID!) { case(id: $c) { customer { id } } interaction(id: $i) { customer { id } } order(id: $o) { customer { id } } }`,
      { c: dupCase, i: dupInteraction, o: dupOrder }));
    expect(links).toEqual({ case: { customer: { id: survivor } }, interaction: { customer: { id: survivor } }, order: { customer: { id: survivor } } });
    const byEmail = ok(await t.gql(CUSTOMERS, { filter: { email: 'sam.s@example.org' } })).customers.edges;
    expect(byEmail.map((e: any) => e.node.id)).toEqual([survivor]);
    const merged2 = ok(await t.gql(CUSTOMERS, { filter: { status: 'MERGED' } })).customers.edges;
    expect(merged2.map((e: any) => e.node.id)).toEqual([dup]);

    // a tombstone takes no new work and cannot be merged again
    expectError(await mutate(t, 'mergeCustomers', { survivorId: survivor, duplicateId: dup }), 'CONFLICT', /already merged/);
    expectError(await mutate(t, 'createCase', { customerId: dup, subject: 'late' }), 'CONFLICT', /merged/);
  });
});

describe('routeCase', () => {
  it('picks an ONLINE agent with the skill and spare capacity, highest level first; CONFLICT when none', async () => {
    const t = await newTenant();
    const agent = async (name: string, status: string, capacity: number, skills: { skill: string; level: number }[]) =>
      (await create(t, 'createAgent', { name, email: `${name}@support.example`, status, capacity, skills })).agent.id;
    await agent('offline', 'OFFLINE', 5, [{ skill: 'billing', level: 5 }]);
    await agent('away', 'AWAY', 5, [{ skill: 'billing', level: 5 }]);
    await agent('unskilled', 'ONLINE', 5, [{ skill: 'tech', level: 5 }]);
    const full = await agent('full', 'ONLINE', 1, [{ skill: 'billing', level: 5 }]);
    const expert = await agent('expert', 'ONLINE', 1, [{ skill: 'billing', level: 3 }]);
    const junior = await agent('junior', 'ONLINE', 2, [{ skill: 'billing', level: 1 }]);
    const queue = (await create(t, 'createQueue', { name: 'Billing', requiredSkill: 'billing' })).queue.id;
    const customer = (await create(t, 'createCustomer', { name: 'Rita Route' })).customer.id;
    await create(t, 'createCase', { customerId: customer, subject: 'keeps full busy', assigneeId: full });
    const newCase = async (subject: string) => (await create(t, 'createCase', { customerId: customer, subject, queueId: queue })).case.id;

    const c1 = await newCase('one');
    expect((await create(t, 'routeCase', c1)).case).toEqual({ id: c1, status: 'OPEN', assignee: { id: expert } });
    const c2 = await newCase('two');
    expect((await create(t, 'routeCase', c2)).case.assignee).toEqual({ id: junior }); // expert is now at capacity
    const c3 = await newCase('three');
    expect((await create(t, 'routeCase', c3)).case.assignee).toEqual({ id: junior });
    const loads = ok(await t.gql(`query($a: ID!, $b: ID!) { a: agent(id: $a) { openCaseCount } b: agent(id: $b) { openCaseCount } }`, { a: expert, b: junior }));
    expect(loads).toEqual({ a: { openCaseCount: 1 }, b: { openCaseCount: 2 } });

    const c4 = await newCase('four');
    expectError(await mutate(t, 'routeCase', c4), 'CONFLICT', /no online agent/);
    const still = ok(await t.gql(`query($id: ID!) { case(id: $id) { status assignee { id } } }`, { id: c4 }));
    expect(still.case).toEqual({ status: 'NEW', assignee: null });

    // solving a case frees capacity; routing then succeeds again
    ok(await mutate(t, 'updateCase', { id: c1, status: 'SOLVED' }));
    expect((await create(t, 'routeCase', c4)).case.assignee).toEqual({ id: expert });
    expectError(await mutate(t, 'routeCase', c1), 'CONFLICT', /solved or closed/);
  });
});

describe('roles', () => {
  it('an integrator key reads but every mutation is FORBIDDEN and writes nothing', async () => {
    const admin = await newTenant();
    const w = await seedWorld(admin, 'roles');
    const integrator = await tp.keyFor(admin.tenantId, 'integrator');
    const read = ok(await integrator.gql(`query($id: ID!) { customer(id: $id) { name } viewer { role } }`, { id: w.customer }));
    expect(read).toEqual({ customer: { name: 'roles Customer' }, viewer: { role: 'INTEGRATOR' } });

    const before = await dumpTenant(tp, admin.tenantId);
    const attempts: [Parameters<typeof mutate>[1], unknown][] = [
      ['createAccount', { name: 'Nope' }],
      ['createCustomer', { name: 'Nope' }],
      ['updateCustomer', { id: w.customer, name: 'Nope' }],
      ['createCase', { customerId: w.customer, subject: 'Nope' }],
      ['routeCase', w.case],
      ['addInteraction', { customerId: w.customer, channel: 'EMAIL', direction: 'INBOUND', body: 'Nope' }],
      ['voteCommunityPost', { postId: w.agentPost, customerId: w.customer, value: 1 }],
      ['updateAgent', { id: w.agent, status: 'OFFLINE' }],
    ];
    for (const [name, input] of attempts) {
      expectError(await mutate(integrator, name, input), 'FORBIDDEN', /read-only/);
    }
    expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);
  });

  it('an agent works cases and sets its own availability but cannot manage the workforce', async () => {
    const admin = await newTenant();
    const w = await seedWorld(admin, 'agentrole');
    const agentKey = await tp.keyFor(admin.tenantId, 'agent', { agent: w.agent });
    const before = await dumpTenant(tp, admin.tenantId);
    expectError(await mutate(agentKey, 'createAgent', { name: 'Eve', email: 'eve@example.com' }), 'FORBIDDEN', /admin/);
    expectError(await mutate(agentKey, 'createQueue', { name: 'Shadow' }), 'FORBIDDEN', /admin/);
    expectError(await mutate(agentKey, 'updateAgent', { id: w.agent, capacity: 99 }), 'FORBIDDEN', /admin/);
    expectError(await mutate(agentKey, 'updateAgent', { id: w.agent, status: 'AWAY', name: 'Renamed' }), 'FORBIDDEN', /admin/);
    expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);

    expect((await create(agentKey, 'updateAgent', { id: w.agent, status: 'AWAY' })).agent).toEqual({ id: w.agent, status: 'AWAY', capacity: 5 });
    const kase = await create(agentKey, 'createCase', { customerId: w.customer, subject: 'from an agent' });
    expect(kase.case.subject).toBe('from an agent');
    expect(codes(await agentKey.gql('{ viewer { role } }'))).toEqual([]);
  });
});
