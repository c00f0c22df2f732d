/**
 * Abusive operations are refused with a code before anything executes — shown by wrapping them
 * in mutations and finding the database untouched — and the server keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '@mosaic/core';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { dumpTenant, expectError, ok, rawPost, rowCounts } from './fixtures.js';

const MAX_DEPTH = 12; // the default MOSAIC_MAX_DEPTH
const MAX_QUERY_COST = 25_000; // the default MOSAIC_MAX_QUERY_COST

let tp: TestPlatform;
let t: Client & { tenantId: string };
let snapshot: Awaited<ReturnType<typeof dumpTenant>>;

beforeAll(async () => {
  tp = await startTestPlatform();
  t = await tp.tenant('abuse');
  ok(await t.gql('mutation { createAccount(input: { name: "Existing" }) { account { id } } }'));
});
afterAll(() => tp?.close());

/** Each attack: nothing was written, and an ordinary request still works. */
async function expectUntouchedAndServing(client: Client = t) {
  expect(await dumpTenant(tp, t.tenantId)).toEqual(snapshot);
  const data = ok(await client.gql('{ viewer { tenantSlug } accounts(first: 5) { edges { node { name } } } }'));
  expect(data.viewer.tenantSlug).toBe('abuse');
  expect(data.accounts.edges.map((e: any) => e.node.name)).toEqual(['Existing']);
}

/** `levels` of customer → cases → edges → node → customer …, ending in `id`. */
function deepSelection(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `customer { cases { edges { node { ${inner} } } } }`;
  return inner;
}

describe('structural limits, checked before execution', () => {
  beforeAll(async () => {
    snapshot = await dumpTenant(tp, t.tenantId);
    expect(rowCounts(snapshot).accounts).toBe(1);
  });

  it(`nesting deeper than MOSAIC_MAX_DEPTH (${MAX_DEPTH}) → QUERY_TOO_COMPLEX`, async () => {
    // createAccount(1) account(2) customers(3) edges(4) node(5), then 4 levels per customer hop
    const deep = `mutation { createAccount(input: { name: "Deep" }) { account { customers { edges { node { ${deepSelection(3)} } } } } } }`;
    expectError(await t.gql(deep), 'QUERY_TOO_COMPLEX', /depth/i);
    const query = `query($id: ID!) { customer(id: $id) { cases { edges { node { ${deepSelection(3)} } } } } }`;
    expectError(await t.gql(query, { id: 'x' }), 'QUERY_TOO_COMPLEX', /depth/i);
    // the same shape within the limit is a normal request (NOT_FOUND for the made-up id)
    const shallow = `query($id: ID!) { customer(id: $id) { cases { edges { node { ${deepSelection(1)} } } } } }`;
    expectError(await t.gql(shallow, { id: 'x' }), 'NOT_FOUND');
    await expectUntouchedAndServing();
  });

  it('1 000 aliases of createAccount → QUERY_TOO_COMPLEX and no account', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `a${i}: createAccount(input: { name: "Alias ${i}" }) { account { id } }`).join('\n');
    expectError(await t.gql(`mutation { ${many} }`), 'QUERY_TOO_COMPLEX');
    await expectUntouchedAndServing();
  });

  it('aliases over the limit but few tokens → QUERY_TOO_COMPLEX naming the alias limit', async () => {
    const some = Array.from({ length: 40 }, (_, i) => `a${i}: createAccount(input: { name: "A" }) { account { id } }`).join(' ');
    expectError(await t.gql(`mutation { ${some} }`), 'QUERY_TOO_COMPLEX', /Aliases limit of 30 exceeded, found 40/);
    await expectUntouchedAndServing();
  });

  it('a huge token count → QUERY_TOO_COMPLEX naming the token limit', async () => {
    const fields = Array.from({ length: 6000 }, () => 'id').join(' ');
    expectError(await t.gql(`mutation { createAccount(input: { name: "Tokens" }) { account { ${fields} } } }`), 'QUERY_TOO_COMPLEX', /Token limit of 5000 exceeded/);
    await expectUntouchedAndServing();
  });

  it('first: 1000 → BAD_USER_INPUT, as a literal or a variable', async () => {
    expectError(await t.gql('{ customers(first: 1000) { edges { node { id } } } }'), 'BAD_USER_INPUT', /first must be an integer from 0 to 100/);
    expectError(await t.gql('query($n: Int) { accounts(first: $n) { edges { node { id } } } }', { n: 1000 }), 'BAD_USER_INPUT', /from 0 to 100/);
    expectError(await t.gql('query($n: Int) { accounts(first: $n) { edges { node { id } } } }', { n: -1 }), 'BAD_USER_INPUT', /from 0 to 100/);
    const nested = `mutation($n: Int) { createAccount(input: { name: "Big page" }) { account { customers(first: $n) { edges { node { id } } } } } }`;
    expectError(await t.gql(nested, { n: 1000 }), 'BAD_USER_INPUT', /from 0 to 100/);
    await expectUntouchedAndServing();
  });

  it(`nested page sizes multiplying past MOSAIC_MAX_QUERY_COST (${MAX_QUERY_COST}) → QUERY_TOO_COMPLEX`, async () => {
    // page sizes as variables, so only the cost analysis (not the parser) can see them multiply
    const nested = `mutation($a: Int, $b: Int, $c: Int) { createAccount(input: { name: "Costly" }) { account {
      customers(first: $a) { edges { node { cases(first: $b) { edges { node { interactions(first: $c) { edges { node { id body } } } } } } } } } } } }`;
    const res = await t.gql(nested, { a: 50, b: 50, c: 50 });
    expectError(res, 'QUERY_TOO_COMPLEX', /query cost \d+ exceeds the limit of 25000; ask for smaller pages/);
    expect(res.errors![0]!.extensions).toMatchObject({ maxCost: MAX_QUERY_COST });
    expect(res.errors![0]!.extensions!.cost).toBeGreaterThan(50 * 50 * 50);
    // small pages of the same shape are fine
    const small = `query($a: Int, $b: Int, $c: Int) {
      customers(first: $a) { edges { node { cases(first: $b) { edges { node { interactions(first: $c) { edges { node { id body } } } } } } } } } }`;
    ok(await t.gql(small, { a: 5, b: 5, c: 5 }));
    // literal page sizes are priced by the structural cost limit as well
    const literal = `{ customers(first: 100) { edges { node { cases(first: 100) { edges { node { interactions(first: 100) { edges { node { id } } } } } } } } } }`;
    expectError(await t.gql(literal), 'QUERY_TOO_COMPLEX', /cost/i);
    await expectUntouchedAndServing();
  });

  it('batched operations (a JSON array body) → 400 BAD_REQUEST and nothing runs', async () => {
    const op = { query: 'mutation { createAccount(input: { name: "Batched" }) { account { id } } }' };
    const res = await rawPost(tp, { apiKey: t.apiKey, body: [op, op, op] });
    expect(res.status).toBe(400);
    expectError(res, 'BAD_REQUEST', /Batching is not supported/);
    const garbage = await rawPost(tp, { apiKey: t.apiKey, body: '{"query": ' });
    expect(garbage.status).toBe(400);
    expectError(garbage, 'BAD_REQUEST', /invalid JSON/);
    await expectUntouchedAndServing();
  });
});

describe('introspection policy', () => {
  const INTROSPECT = '{ __schema { queryType { name } types { name } } }';
  const refusedAs = (res: Awaited<ReturnType<Client['gql']>>, roles: RegExp) => {
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors![0]!.message).toMatch(roles);
  };

  it('admins and integrators may introspect by default; an agent gets FORBIDDEN naming who may', async () => {
    for (const client of [t, await tp.keyFor(t.tenantId, 'integrator')]) {
      const schema = ok(await client.gql(INTROSPECT)).__schema;
      expect(schema.queryType.name).toBe('Query');
      expect(schema.types.map((x: any) => x.name)).toContain('Customer');
    }
    const agent = await tp.keyFor(t.tenantId, 'agent');
    refusedAs(await agent.gql(INTROSPECT), /^introspection is open to admin and integrator API keys, and this key's role is agent; .*mosaic schema print/);
    refusedAs(await agent.gql('{ __type(name: "Customer") { name } }'), /admin and integrator/);
    // introspection hidden among ordinary fields is refused as a whole, with one error
    refusedAs(await agent.gql('{ viewer { role } a: __schema { types { name } } b: __type(name: "Case") { name } }'), /admin and integrator/);
    // __typename is not introspection and stays available
    expect(ok(await agent.gql('{ __typename viewer { role } }'))).toEqual({ __typename: 'Query', viewer: { role: 'AGENT' } });
    // a validation error is 200 for application/json (GraphQL over HTTP); the newer media type gets 403
    const spec = await rawPost(tp, { apiKey: agent.apiKey, body: { query: INTROSPECT }, headers: { accept: 'application/graphql-response+json' } });
    expect(spec.status).toBe(403);
    refusedAs(spec, /admin and integrator/);
  });

  it('MOSAIC_INTROSPECTION_ROLES chooses the roles; empty closes introspection for everyone', async () => {
    const agentsOnly = await startTestPlatform({ MOSAIC_INTROSPECTION_ROLES: 'agent' });
    const closed = await startTestPlatform({ MOSAIC_INTROSPECTION_ROLES: '' });
    try {
      const admin = await agentsOnly.tenant('agents-only');
      ok(await (await agentsOnly.keyFor(admin.tenantId, 'agent')).gql(INTROSPECT));
      refusedAs(await admin.gql(INTROSPECT), /^introspection is open to agent API keys, and this key's role is admin/);
      refusedAs(await (await agentsOnly.keyFor(admin.tenantId, 'integrator')).gql(INTROSPECT), /role is integrator/);
      const closedAdmin = await closed.tenant('closed');
      refusedAs(await closedAdmin.gql(INTROSPECT), /^introspection is turned off on this server/);
    } finally {
      await agentsOnly.close();
      await closed.close();
    }
  });

  it('the older MOSAIC_INTROSPECTION still works: all lets an agent introspect, admins refuses the integrator', async () => {
    const open = await startTestPlatform({ MOSAIC_INTROSPECTION: 'all' });
    const adminsOnly = await startTestPlatform({ MOSAIC_INTROSPECTION: 'admins' });
    try {
      const admin = await open.tenant('open');
      ok(await (await open.keyFor(admin.tenantId, 'agent')).gql(INTROSPECT));
      const other = await adminsOnly.tenant('admins-only');
      ok(await other.gql(INTROSPECT));
      refusedAs(await (await adminsOnly.keyFor(other.tenantId, 'integrator')).gql(INTROSPECT), /^introspection is open to admin API keys/);
    } finally {
      await open.close();
      await adminsOnly.close();
    }
  });

  it('a role list naming an unknown role, or both variables at once, stops the start-up', async () => {
    expect(() => serverConfigFromEnv({ MOSAIC_INTROSPECTION_ROLES: 'admin,root' })).toThrow(/MOSAIC_INTROSPECTION_ROLES: unknown role "root"/);
    expect(() => serverConfigFromEnv({ MOSAIC_INTROSPECTION_ROLES: 'admin', MOSAIC_INTROSPECTION: 'all' })).toThrow(/not both/);
    expect(serverConfigFromEnv({ MOSAIC_INTROSPECTION_ROLES: ' Integrator , admin ' }).introspection.roles).toEqual(['admin', 'integrator']);
    expect(serverConfigFromEnv({}).introspection.roles).toEqual(['admin', 'integrator']);
  });
});

describe('per-tenant rate limit by cost', () => {
  let limited: TestPlatform;
  beforeAll(async () => {
    limited = await startTestPlatform({ MOSAIC_RATE_LIMIT_PER_MINUTE: '200' });
  });
  afterAll(() => limited?.close());

  it('a tenant over its budget gets RATE_LIMITED with retryAfterSeconds while another tenant is served', async () => {
    const noisy = await limited.tenant('noisy');
    const quiet = await limited.tenant('quiet');
    // each costs 1 + 20 × (edges + node + 3 fields) = 101 points: two of these spend a 200-point minute
    const pricey = '{ customers(first: 20) { edges { node { id name email } } } }';
    let rejected: Awaited<ReturnType<typeof rawPost>> | undefined;
    let served = 0;
    for (let i = 0; i < 20 && !rejected; i++) {
      const res = await rawPost(limited, { apiKey: noisy.apiKey, body: { query: pricey } });
      if (res.errors) rejected = res;
      else served++;
    }
    expect(served).toBeGreaterThan(0);
    expect(rejected, 'the budget never ran out').toBeDefined();
    expectError(rejected!, 'RATE_LIMITED', /rate limit reached for this tenant; retry in \d+s/);
    const retryAfter = rejected!.errors![0]!.extensions!.retryAfterSeconds;
    expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
    expect(rejected!.status).toBe(429);
    expect(rejected!.headers.get('retry-after')).toBe(String(retryAfter));

    // while noisy waits, a mutation of noisy is refused before it runs…
    const before = rowCounts(await dumpTenant(limited, noisy.tenantId));
    const write = await noisy.gql('mutation { createAccount(input: { name: "Over budget" }) { account { id customers(first: 40) { edges { node { id } } } } } }');
    expect(write.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(rowCounts(await dumpTenant(limited, noisy.tenantId))).toEqual(before);

    // …and the other tenant, on the same server, is still served
    const data = ok(await quiet.gql(pricey));
    expect(data.customers.edges).toEqual([]);
    expect(ok(await quiet.gql('mutation { createAccount(input: { name: "Fine" }) { account { name } } }')).createAccount.account.name).toBe('Fine');
  });

  it('an operation dearer than the whole budget is QUERY_TOO_COMPLEX, not a RATE_LIMITED it could never get past', async () => {
    const fresh = await limited.tenant('fresh');
    const res = await fresh.gql('{ customers(first: 40) { edges { node { id name email } } } }'); // 201 points > 200 a minute
    expectError(res, 'QUERY_TOO_COMPLEX', /query cost 201 exceeds the limit of 200/);
    // it was not charged: the fresh budget still pays for ordinary work
    expect(ok(await fresh.gql('{ customers(first: 20) { edges { node { id name email } } } }')).customers.edges).toEqual([]);
  });
});
