/**
 * The API as an integrator meets it, over real HTTP: several mutations in one request each
 * report their own outcome; requests refused as a whole answer the GraphQL-over-HTTP status;
 * every response carries X-Request-Id and every GraphQL response the cost and the budget left;
 * a bad input reports every problem at once, each with its path from the argument.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { create, dumpTenant, expectError, ok } from './fixtures.js';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }>; extensions?: Record<string, any> };
}

/** POSTs a GraphQL request with the given Accept header (or a raw body and content type). */
async function post(
  tp: TestPlatform, apiKey: string | undefined,
  request: { query?: string; variables?: Record<string, unknown>; accept?: string; headers?: Record<string, string>; raw?: string; contentType?: string },
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': request.contentType ?? 'application/json', accept: request.accept ?? GRAPHQL_RESPONSE, ...request.headers,
  };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const res = await fetch(`${tp.server.url}/graphql`, {
    method: 'POST', headers, body: request.raw ?? JSON.stringify({ query: request.query, variables: request.variables }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

const codesOf = (answer: Answer) => (answer.body.errors ?? []).map((e) => e.extensions?.code);

describe('API conventions', () => {
  let tp: TestPlatform;
  let admin: Client & { tenantId: string };
  let integrator: Client;
  let customer: string;

  beforeAll(async () => {
    tp = await startTestPlatform();
    admin = await tp.tenant('conventions');
    integrator = await tp.keyFor(admin.tenantId, 'integrator');
    customer = (await create(admin, 'createCustomer', { name: 'Ada Example', email: 'ada@conventions.example' })).customer.id;
  });
  afterAll(() => tp?.close());

  const casesOfCustomer = async () =>
    ok(await admin.gql('query($id: ID!) { customer(id: $id) { cases(first: 50) { edges { node { id subject } } } } }', { id: customer }))
      .customer.cases.edges.map((e: any) => e.node);

  describe('several mutations in one request', () => {
    const twoCases = `mutation($c: ID!) {
      a: createCase(input: { customerId: $c, subject: "Printer on fire" }) { case { id subject } }
      b: createCase(input: { customerId: $c, subject: "   " }) { case { id subject } }
      c: createCase(input: { customerId: $c, subject: "Toner low" }) { case { id subject } }
    }`;

    it('the others are returned and saved; the failing one is null with its coded error, path and input path', async () => {
      const before = await casesOfCustomer();
      const answer = await post(tp, admin.apiKey, { query: twoCases, variables: { c: customer } });
      expect(answer.status).toBe(200);
      expect(answer.body.data!.a.case.subject).toBe('Printer on fire');
      expect(answer.body.data!.b).toBeNull();
      expect(answer.body.data!.c.case.subject).toBe('Toner low');
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors![0]).toMatchObject({
        path: ['b'],
        extensions: { code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'subject'], message: expect.any(String) }] },
      });
      const after = await casesOfCustomer();
      expect(after).toHaveLength(before.length + 2);
      expect(after.map((c: any) => c.id)).toEqual(expect.arrayContaining([answer.body.data!.a.case.id, answer.body.data!.c.case.id]));
      expect(after.map((c: any) => c.subject)).not.toContain('   ');
    });

    it('every Mutation field of the schema returns a nullable payload', async () => {
      const schema = ok(await admin.gql('{ __schema { mutationType { fields { name type { kind } } } } }'));
      const fields = schema.__schema.mutationType.fields as Array<{ name: string; type: { kind: string } }>;
      expect(fields.length).toBeGreaterThan(25);
      expect(fields.filter((f) => f.type.kind === 'NON_NULL').map((f) => f.name)).toEqual([]);
    });

    it('a mutation refused for the key (integrator: read-only) is null with FORBIDDEN beside a query field that answers', async () => {
      const answer = await post(tp, integrator.apiKey, {
        query: 'mutation($c: ID!) { a: createCase(input: { customerId: $c, subject: "Nope" }) { case { id } } b: createCase(input: { customerId: $c, subject: "Nope 2" }) { case { id } } }',
        variables: { c: customer },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ a: null, b: null });
      expect(answer.body.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['a'], 'FORBIDDEN'], [['b'], 'FORBIDDEN']]);
      expect((await casesOfCustomer()).map((c: any) => c.subject)).not.toContain('Nope');
    });
  });

  describe('a request refused as a whole answers the GraphQL-over-HTTP status', () => {
    const deep = '{ customers { edges { node { cases { edges { node { customer { cases { edges { node { customer { cases { edges { node { id } } } } } } } } } } } } } } }';
    const REFUSALS: Array<[string, { query: string; variables?: Record<string, unknown> }, string, RegExp]> = [
      ['variables that do not coerce', { query: 'query($n: Int) { customers(first: $n) { edges { node { id } } } }', variables: { n: 'ten' } }, 'BAD_USER_INPUT', /Variable "\$n" got invalid value/],
      ['a page over the cap', { query: '{ customers(first: 1000) { edges { node { id } } } }' }, 'BAD_USER_INPUT', /first must be an integer from 0 to 100/],
      ['a selection nested too deep', { query: deep }, 'QUERY_TOO_COMPLEX', /^Query depth limit of 12 exceeded, found \d+\.$/],
      ['too many aliases', { query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }` }, 'QUERY_TOO_COMPLEX', /^Aliases limit of 30 exceeded, found 31\.$/],
      ['a structural cost over the ceiling', { query: '{ customers(first: 100) { edges { node { cases(first: 100) { edges { node { id } } } } } } }' }, 'QUERY_TOO_COMPLEX', /^Query Cost limit of 20000 exceeded/],
      ['page sizes from variables over the cost ceiling', { query: 'query($n: Int) { customers(first: $n) { edges { node { cases(first: $n) { edges { node { id } } } } } } }', variables: { n: 100 } }, 'QUERY_TOO_COMPLEX', /^query cost \d+ exceeds the limit of 25000/],
      ['an argument over its cap', { query: 'query($s: String) { knowledgeArticles(filter: { search: $s }) { edges { node { id } } } }', variables: { s: 'x'.repeat(1001) } }, 'BAD_USER_INPUT', /the limit is 1000/],
      ['a syntax error', { query: '{ viewer { ' }, 'GRAPHQL_PARSE_FAILED', /^Syntax Error/],
      ['an unknown field', { query: '{ nope }' }, 'GRAPHQL_VALIDATION_FAILED', /Cannot query field "nope"/],
    ];

    it.each(REFUSALS)('%s: 400 with application/graphql-response+json, 200 with application/json, coded, no data', async (_label, request, code, message) => {
      const strict = await post(tp, integrator.apiKey, { ...request, accept: GRAPHQL_RESPONSE });
      expect(strict.status).toBe(400);
      expect(strict.headers.get('content-type')).toContain(GRAPHQL_RESPONSE);
      expect(strict.body.data).toBeUndefined();
      expect(codesOf(strict)).toEqual([code]);
      expect(strict.body.errors![0]!.message).toMatch(message);
      expect(strict.body.errors![0]!.message).not.toMatch(code === 'GRAPHQL_PARSE_FAILED' ? /^$/ : /^Syntax Error/);
      expect(strict.body.errors![0]!.extensions).not.toHaveProperty('http');

      const legacy = await post(tp, integrator.apiKey, { ...request, accept: 'application/json' });
      expect(legacy.status).toBe(200);
      expect(legacy.headers.get('content-type')).toContain('application/json');
      expect(codesOf(legacy)).toEqual([code]);
    });

    it('a text/plain body → 415 with a coded body and Accept-Post; nothing runs', async () => {
      const before = await dumpTenant(tp, admin.tenantId);
      const answer = await post(tp, admin.apiKey, {
        raw: 'mutation { createAccount(input: { name: "Plain" }) { account { id } } }', contentType: 'text/plain',
      });
      expect(answer.status).toBe(415);
      expect(answer.headers.get('accept-post')).toBe('application/json');
      expect(answer.headers.get('content-type')).toContain('application/json');
      expect(codesOf(answer)).toEqual(['BAD_REQUEST']);
      expect(answer.body.errors![0]!.message).toMatch(/Content-Type: application\/json/);
      expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);
    });

    it('GET serves queries (with the key) and refuses mutations with 405', async () => {
      const url = `${tp.server.url}/graphql?query=${encodeURIComponent('{ viewer { role } }')}`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${integrator.apiKey}`, accept: GRAPHQL_RESPONSE } });
      expect(res.status).toBe(200);
      expect((await res.json()).data).toEqual({ viewer: { role: 'INTEGRATOR' } });
      const mutation = `${tp.server.url}/graphql?query=${encodeURIComponent('mutation { createAccount(input: { name: "Via GET" }) { account { id } } }')}`;
      const refused = await fetch(mutation, { headers: { authorization: `Bearer ${admin.apiKey}`, accept: GRAPHQL_RESPONSE } });
      expect(refused.status).toBe(405);
      expect(refused.headers.get('allow')).toBe('POST');
    });
  });

  describe('X-Request-Id', () => {
    const requestIdOf = async (headers: Record<string, string>, init: { apiKey?: string; raw?: string; contentType?: string } = {}) =>
      (await post(tp, init.apiKey ?? integrator.apiKey, { query: '{ viewer { role } }', headers, raw: init.raw, contentType: init.contentType })).headers.get('x-request-id');

    it('echoes a client id of up to 128 characters of [A-Za-z0-9._:-]', async () => {
      for (const id of ['abc', 'trace-1.2_3:4', 'x'.repeat(128), 'A-Za-z.0_9:-']) expect(await requestIdOf({ 'x-request-id': id })).toBe(id);
    });

    it('replaces an invalid one with a fresh UUID, and makes one up when none is sent', async () => {
      for (const id of ['x'.repeat(129), 'has space', 'a/b', '<script>', 'id=1', 'ünïcode', '']) {
        const answered = await requestIdOf({ 'x-request-id': id });
        expect(answered, id).toMatch(UUID);
      }
      const [one, two] = [await requestIdOf({}), await requestIdOf({})];
      expect(one).toMatch(UUID);
      expect(two).toMatch(UUID);
      expect(one).not.toBe(two);
    });

    it('is on every answer: 401, 413, 404, 415, 400 and a masked 200', async () => {
      const headers = { 'x-request-id': 'trace:every' };
      const unauthenticated = await post(tp, undefined, { query: '{ viewer { role } }', headers });
      expect([unauthenticated.status, unauthenticated.headers.get('x-request-id')]).toEqual([401, 'trace:every']);
      const badKey = await post(tp, 'mosaic_not_a_key', { query: '{ viewer { role } }', headers });
      expect([badKey.status, badKey.headers.get('x-request-id')]).toEqual([401, 'trace:every']);
      const tooLarge = await post(tp, integrator.apiKey, { raw: JSON.stringify({ query: `{ viewer { role } } #${'x'.repeat(1024 * 1024)}` }), headers });
      expect([tooLarge.status, tooLarge.headers.get('x-request-id'), codesOf(tooLarge)]).toEqual([413, 'trace:every', ['PAYLOAD_TOO_LARGE']]);
      const unknownRoute = await fetch(`${tp.server.url}/nowhere`, { headers });
      expect([unknownRoute.status, unknownRoute.headers.get('x-request-id')]).toEqual([404, 'trace:every']);
      const plain = await post(tp, integrator.apiKey, { raw: '{ viewer { role } }', contentType: 'text/plain', headers });
      expect([plain.status, plain.headers.get('x-request-id')]).toEqual([415, 'trace:every']);
      const parse = await post(tp, integrator.apiKey, { query: '{', headers });
      expect([parse.status, parse.headers.get('x-request-id')]).toEqual([400, 'trace:every']);
      // a chunked body (no Content-Length) is buffered by the body limit and handed to yoga as a Request
      const chunks = [JSON.stringify({ query: '{ viewer { role } }' })];
      const chunked = await fetch(`${tp.server.url}/graphql`, {
        method: 'POST', duplex: 'half', body: new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(new TextEncoder().encode(chunks.shift())) : c.close()) }),
        headers: { ...headers, 'content-type': 'application/json', authorization: `Bearer ${integrator.apiKey}` },
      } as RequestInit);
      expect([chunked.status, chunked.headers.get('x-request-id'), (await chunked.json()).data]).toEqual([200, 'trace:every', { viewer: { role: 'INTEGRATOR' } }]);
      const health = await fetch(`${tp.server.url}/healthz`, { headers });
      expect(health.headers.get('x-request-id')).toBe('trace:every');
    });
  });

  describe('validation reports every problem at once, with paths from the argument', () => {
    it('a malformed id and a blank subject → one BAD_USER_INPUT naming both; nothing written', async () => {
      const before = await dumpTenant(tp, admin.tenantId);
      const answer = await post(tp, admin.apiKey, {
        query: 'mutation($input: CreateCaseInput!) { createCase(input: $input) { case { id } } }',
        variables: { input: { customerId: 'not-an-id', subject: '  ', queueId: customer } },
      });
      expect(answer.status).toBe(200); // the mutation field is null, the request itself was fine
      expect(answer.body.data).toEqual({ createCase: null });
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      const error = answer.body.errors![0]!;
      expect(error.path).toEqual(['createCase']);
      expect(error.extensions!.issues).toEqual([
        { path: ['input', 'customerId'], message: 'is not a valid Customer id' },
        { path: ['input', 'queueId'], message: 'is not a valid Queue id' },
        { path: ['input', 'subject'], message: expect.stringMatching(/>=1 characters/) },
      ]);
      expect(error.message).toMatch(/^invalid input: input\.customerId: is not a valid Customer id; input\.queueId: .*; input\.subject: /);
      expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);
    });

    it('an update: the id of another type and a bad field together', async () => {
      const answer = await post(tp, admin.apiKey, {
        query: 'mutation($input: UpdateCaseInput!) { updateCase(input: $input) { case { id } } }',
        variables: { input: { id: customer, subject: '' } },
      });
      expect(answer.body.errors![0]!.extensions!.issues.map((i: any) => i.path)).toEqual([['input', 'id'], ['input', 'subject']]);
    });

    it('a lone id argument names the argument; a well-formed id of nothing stays NOT_FOUND', async () => {
      const malformed = await post(tp, admin.apiKey, { query: 'mutation { routeCase(id: "%%%") { case { id } } }' });
      expect(malformed.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['id'], message: 'is not a valid Case id' }] });
      const missing = await post(tp, admin.apiKey, {
        query: 'mutation($id: ID!) { routeCase(id: $id) { case { id } } }',
        variables: { id: Buffer.from('Case:00000000-0000-7000-8000-000000000000').toString('base64url') },
      });
      expectError({ ...missing.body, status: missing.status } as never, 'NOT_FOUND', /^Case not found$/);
    });

    it('the argument text check gives array paths too', async () => {
      const answer = await post(tp, integrator.apiKey, {
        query: 'query($s: String) { knowledgeArticles(filter: { search: $s }) { edges { node { id } } } }', variables: { s: 'a\u0000b' },
      });
      expect(answer.body.errors![0]!.extensions!.issues).toEqual([{ field: 'knowledgeArticles', path: ['filter', 'search'], message: expect.stringMatching(/U\+0000/) }]);
    });
  });
});

describe('extensions.cost and the rate limit', () => {
  let tp: TestPlatform;
  let admin: Client & { tenantId: string };
  let integrator: Client;
  const PER_MINUTE = 600; // restores 10 points a second

  beforeAll(async () => {
    tp = await startTestPlatform({ MOSAIC_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) });
    admin = await tp.tenant('budget');
    integrator = await tp.keyFor(admin.tenantId, 'integrator');
  });
  afterAll(() => tp?.close());

  const page = '{ customers(first: 50) { edges { node { id name email } } } }';

  it('every GraphQL response tells the requested cost and the tenant budget left, errors included', async () => {
    const first = await post(tp, integrator.apiKey, { query: page });
    expect(first.status).toBe(200);
    const cost = first.body.extensions!.cost;
    expect(cost.requestedQueryCost).toBeGreaterThan(50);
    expect(cost.throttleStatus).toMatchObject({ maximumAvailable: PER_MINUTE, restoreRate: PER_MINUTE / 60 });
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(PER_MINUTE - cost.requestedQueryCost + 1);
    expect(cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(PER_MINUTE - cost.requestedQueryCost - 1);

    // the budget is the tenant's: another key of it sees the same bucket, after a mutation too
    const mutation = await post(tp, admin.apiKey, { query: 'mutation { createAccount(input: { name: "Priced" }) { account { id } } }' });
    expect(mutation.body.extensions!.cost.requestedQueryCost).toBeGreaterThan(0);
    expect(mutation.body.extensions!.cost.throttleStatus.currentlyAvailable).toBeLessThan(cost.throttleStatus.currentlyAvailable);

    // refused before pricing: nothing charged, the budget still shown
    const parse = await post(tp, integrator.apiKey, { query: '{' });
    expect(parse.status).toBe(400);
    expect(parse.body.extensions!.cost).toMatchObject({ requestedQueryCost: 0, throttleStatus: { maximumAvailable: PER_MINUTE } });
  });

  it('over the budget → 429 RATE_LIMITED with Retry-After (either media type), and the cost that did not fit', async () => {
    let answer: Answer | undefined;
    for (let i = 0; i < 10; i++) {
      answer = await post(tp, integrator.apiKey, { query: page, accept: i % 2 ? 'application/json' : GRAPHQL_RESPONSE });
      if (answer.status !== 200) break;
    }
    expect(answer!.status).toBe(429);
    expect(codesOf(answer!)).toEqual(['RATE_LIMITED']);
    const retryAfter = Number(answer!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(answer!.body.errors![0]!.extensions!.retryAfterSeconds).toBe(retryAfter);
    const cost = answer!.body.extensions!.cost;
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThan(cost.requestedQueryCost);
    expect(answer!.headers.get('x-request-id')).toMatch(UUID);

    const legacy = await post(tp, integrator.apiKey, { query: page, accept: 'application/json' });
    expect([legacy.status, codesOf(legacy)]).toEqual([429, ['RATE_LIMITED']]);
  });
});
