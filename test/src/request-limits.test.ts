/**
 * Unbounded input and leaking internals, attacked over real HTTP with ordinary keys: bodies
 * over the limit (declared or chunked), variables nested thousands deep, megabyte variables that
 * used to stay in the query-cost cache, and unexpected errors that used to show their SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger, createTenant, createApiKey, openPlatform, serverConfigFromEnv, startServer,
  type Platform, type RunningServer,
} from '@mosaic/core';
import { MAX_LOG_LINE_CHARS } from '../../core/src/lib/logger.js';
import { graphqlClient, startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { dumpTenant, expectError, ok, rawPost } from './fixtures.js';
import { streamingPost } from './streaming-post.js';

const MAX_BODY = 1024 * 1024; // the default MOSAIC_MAX_BODY_BYTES

/** JSON text of `levels` objects inside each other: {"a":{"a":…}} (built as text: JSON.stringify would recurse). */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** A request body with `variables` (or `extensions`) given as JSON text. */
const bodyWith = (query: string, field: 'variables' | 'extensions', json: string) => `{"query":${JSON.stringify(query)},"${field}":${json}}`;

describe('request bodies, variables and the cost cache', () => {
  let tp: TestPlatform;
  let admin: Client & { tenantId: string };
  let integrator: Client;
  let other: Client & { tenantId: string };

  beforeAll(async () => {
    tp = await startTestPlatform();
    admin = await tp.tenant('limits');
    integrator = await tp.keyFor(admin.tenantId, 'integrator');
    other = await tp.tenant('limits-other');
    ok(await other.gql('mutation { createAccount(input: { name: "Other Co" }) { account { id } } }'));
  });
  afterAll(() => tp?.close());

  async function otherTenantServed() {
    const data = ok(await other.gql('{ viewer { tenantSlug } accounts(first: 5) { edges { node { name } } } }'));
    expect(data).toEqual({ viewer: { tenantSlug: 'limits-other' }, accounts: { edges: [{ node: { name: 'Other Co' } }] } });
  }

  it('a declared Content-Length over the limit → 413 PAYLOAD_TOO_LARGE before the body is read, and the connection closes', async () => {
    const answer = await streamingPost(`${tp.server.url}/graphql`, {
      headers: { authorization: `Bearer ${integrator.apiKey}` }, declaredLength: 100 * MAX_BODY, totalBytes: 100 * MAX_BODY,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(JSON.parse(answer.body).errors[0].message).toMatch(/larger than 1048576 bytes/);
    expect(answer.bytesSent).toBeLessThan(20 * MAX_BODY);
    await otherTenantServed();
  });

  it('a chunked body (no Content-Length) over the limit → 413 PAYLOAD_TOO_LARGE once the limit is passed', async () => {
    const answer = await streamingPost(`${tp.server.url}/graphql`, {
      headers: { authorization: `Bearer ${integrator.apiKey}` }, prefix: '{"query":"{ viewer { role } }","variables":{"x":"', totalBytes: 100 * MAX_BODY,
    });
    expect(answer.bytesSent).toBeLessThan(20 * MAX_BODY);
    // the server answers 413 and closes; a client still writing may see only the close
    if (answer.status !== null) {
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    }
    await otherTenantServed();
  });

  it('a chunked body under the limit is served as usual (yoga reads the buffered copy)', async () => {
    const body = JSON.stringify({ query: '{ viewer { role tenantSlug } }', variables: { pad: 'x'.repeat(200_000) } });
    const answer = await streamingPost(`${tp.server.url}/graphql`, {
      headers: { authorization: `Bearer ${integrator.apiKey}` }, prefix: body, totalBytes: Buffer.byteLength(body),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ data: { viewer: { role: 'INTEGRATOR', tenantSlug: 'limits' } } });
  });

  it('a body just under the limit with Content-Length is served; the limit is MOSAIC_MAX_BODY_BYTES', async () => {
    const query = '{ viewer { role } }';
    const fits = { query: `${query}${' '.repeat(MAX_BODY - 100)}` };
    expect(ok(await integrator.gql(fits.query))).toEqual({ viewer: { role: 'INTEGRATOR' } });
    const small = await startTestPlatform({ MOSAIC_MAX_BODY_BYTES: '2048' });
    try {
      const t = await small.tenant('small-bodies');
      const res = await rawPost(small, { apiKey: t.apiKey, body: { query, variables: { pad: 'x'.repeat(3000) } } });
      expect(res.status).toBe(413);
      expectError(res, 'PAYLOAD_TOO_LARGE', /larger than 2048 bytes/);
      expect(ok(await t.gql(query))).toEqual({ viewer: { role: 'ADMIN' } });
    } finally {
      await small.close();
    }
  });

  it('variables nested 5 000 deep (used or not) → 400 BAD_USER_INPUT, not a stack overflow, and nothing written', async () => {
    const before = await dumpTenant(tp, admin.tenantId);
    const write = await rawPost(tp, {
      apiKey: admin.apiKey, body: bodyWith('mutation { createAccount(input: { name: "Deep" }) { account { id } } }', 'variables', `{"deep":${nested(5000)}}`),
    });
    expect(write.status).toBe(400);
    expectError(write, 'BAD_USER_INPUT', /variables nest deeper than 32 levels/);
    expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);
    const unused = await rawPost(tp, { apiKey: integrator.apiKey, body: bodyWith('{ viewer { role } }', 'variables', `{"deep":${nested(5000)}}`) });
    expect(unused.status).toBe(400);
    expectError(unused, 'BAD_USER_INPUT', /variables nest deeper than 32 levels/);
    // a JSON-typed argument (plugin config) as a variable, from an admin
    const config = await rawPost(tp, {
      apiKey: admin.apiKey,
      body: bodyWith('mutation($c: JSON) { configurePlugin(input: { pluginId: "acme.none", config: $c }) { installation { id } } }', 'variables', `{"c":${nested(5000)}}`),
    });
    expect(config.status).toBe(400);
    expectError(config, 'BAD_USER_INPUT', /nest deeper than 32 levels/);
    const extensions = await rawPost(tp, { apiKey: integrator.apiKey, body: bodyWith('{ viewer { role } }', 'extensions', nested(5000)) });
    expectError(extensions, 'BAD_USER_INPUT', /extensions nest deeper/);
    // ordinary nesting is fine
    expect(ok(await integrator.gql('{ viewer { role } }', { deep: JSON.parse(nested(20)) }))).toEqual({ viewer: { role: 'INTEGRATOR' } });
    await otherTenantServed();
  });

  it('a JSON literal nested 2 400 deep (within the token limit) → 400 BAD_USER_INPUT before the parser recurses', async () => {
    const depth = 2400; // `[` and `]` are a token each: about the most MOSAIC_MAX_TOKENS (5000) lets through
    const literal = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const res = await rawPost(tp, {
      apiKey: admin.apiKey, body: { query: `mutation { configurePlugin(input: { pluginId: "acme.none", config: { a: ${literal} } }) { installation { id } } }` },
    });
    expect(res.status).toBe(400);
    expectError(res, 'BAD_USER_INPUT', /the document nests brackets deeper than 46 levels/);
    // brackets inside strings and comments do not count
    const quoted = `{ viewer { role } } # ${'['.repeat(100)}`;
    expect(ok(await integrator.gql(quoted))).toEqual({ viewer: { role: 'INTEGRATOR' } });
    await otherTenantServed();
  });

  it('thirty requests with distinct 3 MB variables leave nothing behind (the cost cache keys on page sizes, digested)', async () => {
    const big = await startTestPlatform({ MOSAIC_MAX_BODY_BYTES: String(4 * MAX_BODY) });
    try {
      const t = await big.tenant('big-vars');
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      // `pad` is not even declared: the old cache keyed on every variable sent all the same
      const query = 'query($n: Int) { customers(first: $n) { edges { node { id } } } }';
      ok(await t.gql(query, { n: 5, pad: 'warm-up' }));
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 30; i++) {
        ok(await t.gql(query, { n: 5, pad: `${i}:${'x'.repeat(3 * 1024 * 1024)}` }));
      }
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      // the old cache kept every distinct variables string: 30 × 3 MB = 90 MB
      expect(grown).toBeLessThan(20 * 1024 * 1024);
      // page sizes still price correctly from the cache
      expectError(await t.gql('query($n: Int) { customers(first: $n) { edges { node { id } } } }', { n: 1000 }), 'BAD_USER_INPUT', /from 0 to 100/);
    } finally {
      await big.close();
    }
  });

  it('a cached cost never hides a bad variable outside the key', async () => {
    const query = 'query($n: Int, $id: ID!) { customers(first: $n) { edges { node { id } } } customer(id: $id) { id } }';
    expectError(await integrator.gql(query, { n: 3, id: 'nope' }), 'NOT_FOUND');
    const missing = await integrator.gql(query, { n: 3 });
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expectError(await integrator.gql(query, { n: 3, id: 'nope' }), 'NOT_FOUND');
    // a scalar that refuses its value, once the cost is cached: a client error, not an internal one
    const wrongType = await integrator.gql(query, { n: 3, id: { not: 'an id' } });
    expectError(wrongType, 'BAD_USER_INPUT', /Variable "\$id" got invalid value/);
    expect(wrongType.status).toBe(400);
    const mutation = 'mutation Do($input: CreateAccountInput!) { createAccount(input: $input) { account { name } } }';
    expect(ok(await admin.gql(mutation, { input: { name: 'Priced once' } })).createAccount.account.name).toBe('Priced once');
    const before = await dumpTenant(tp, admin.tenantId);
    const badName = await admin.gql(mutation, { input: { name: 5, tier: ['x'] } });
    expect(badName.status).toBe(400);
    expect(badName.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);
  });
});

describe('unexpected errors', () => {
  const lines: Record<string, any>[] = [];
  let dataDir: string;
  let platform: Platform;
  let server: RunningServer;

  async function start(env: Record<string, string>) {
    const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dataDir, PORT: '0', ...env });
    const logger = createLogger('info', { write: (line: string) => void lines.push({ raw: line, ...JSON.parse(line) }) });
    platform = await openPlatform(config, logger);
    server = await startServer(platform);
  }
  async function stop() {
    await server.close();
    await platform.close();
  }

  beforeAll(() => { dataDir = mkdtempSync(join(tmpdir(), 'mosaic-errors-')); });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A tenant whose `cases` table is gone, so writing a case fails inside the database driver. */
  async function brokenTenant(slug: string) {
    const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug });
    const client = graphqlClient(server.url, apiKey);
    const customer = ok(await client.gql('mutation { createCustomer(input: { name: "C" }) { customer { id } } }')).createCustomer.customer.id;
    await (await platform.tenants.get(tenant.id)).client.execute('drop table cases');
    const agentKey = graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: tenant.id, role: 'agent' })).apiKey);
    return { tenant, client: agentKey, customer };
  }
  const createCase = (client: Client, customerId: string, description: string) => client.gql(
    'mutation($input: CreateCaseInput!) { createCase(input: $input) { case { id } } }',
    { input: { customerId, subject: 'secret subject', description } },
  );

  it('by default answer INTERNAL_SERVER_ERROR with the request id only: no SQL, no parameters; the log line has request id and tenant', async () => {
    await start({});
    try {
      const { client, customer } = await brokenTenant('masked');
      lines.length = 0;
      const res = await createCase(client, customer, 'd'.repeat(20_000));
      expect(res.errors).toHaveLength(1);
      const [error] = res.errors!;
      expect(error!.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const requestId = error!.extensions?.requestId;
      expect(requestId).toMatch(/\S{8,}/);
      expect(error!.message).toBe(`Unexpected error. (request id ${requestId})`);
      expect(JSON.stringify(res)).not.toMatch(/cases|insert|select|secret subject|ddddd/i);

      const logged = lines.find((l) => l.msg === 'unexpected error while resolving');
      expect(logged, JSON.stringify(lines.map((l) => l.msg))).toBeDefined();
      expect(logged).toMatchObject({ requestId, tenant: 'masked', level: 50 });
      expect(JSON.stringify(logged!.err)).toMatch(/cases/);
      // the 20 000-character parameter does not make a 20 KB log line
      for (const line of lines) expect(line.raw.length).toBeLessThanOrEqual(MAX_LOG_LINE_CHARS);
      expect(lines.find((l) => l.msg === 'request' && l.requestId === requestId)).toMatchObject({ tenant: 'masked' });
    } finally {
      await stop();
    }
  });

  it('NODE_ENV alone does not unmask; MOSAIC_DEV_ERRORS=1 shows the message (development only)', async () => {
    await start({ NODE_ENV: 'development' });
    try {
      const { client, customer } = await brokenTenant('dev-env');
      expect((await createCase(client, customer, 'x')).errors![0]!.message).toMatch(/^Unexpected error\. \(request id/);
    } finally {
      await stop();
    }
    await start({ MOSAIC_DEV_ERRORS: '1' });
    try {
      const { client, customer } = await brokenTenant('dev-errors');
      const res = await createCase(client, customer, 'x');
      expect(res.errors![0]!.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.errors![0]!.message).toMatch(/cases/);
    } finally {
      await stop();
    }
  });
});
