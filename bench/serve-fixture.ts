/**
 * The server side of the benchmarks, run as its own process by lib.ts `startFixture` so the load
 * generator does not share its event loop. Prints one JSON line on stdout once it listens, then
 * serves until its stdin closes (or SIGTERM/SIGINT), and cleans up.
 *
 *   serve-fixture.ts                  temp data dir, tenant "bench", one customer; serves the real
 *                                     app (/graphql), a raw hono route doing the same read and a
 *                                     hello-world hono route answering the same JSON as a constant
 *   serve-fixture.ts --data-dir DIR   serves the real app over an existing data dir (no writes)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve, type HttpBindings, type ServerType } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { createSchema, createYoga } from 'graphql-yoga';
import { Hono } from 'hono';
import { createTenant, domain, parseGlobalId, tenantContext, toGlobalId, type Platform } from '@mosaic/core';
import { emit, serveBenchPlatform, serveUntilStopped } from './fixture-process.js';

/** Everything the load generator needs; printed as one JSON line. */
export interface FullStackFixture {
  graphqlUrl: string;
  rawUrl: string;
  helloUrl: string;
  yogaUrl: string;
  apiKey: string;
  customer: { id: string; name: string; email: string };
}

export interface DataDirFixture {
  graphqlUrl: string;
}

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
const existingDir = values['data-dir'];
const dataDir = existingDir ?? mkdtempSync(join(tmpdir(), 'mosaic-bench-'));

const { platform, server: graphql } = await serveBenchPlatform(dataDir);
const cleanups: (() => Promise<void> | void)[] = [() => graphql.close(), () => platform.close()];

if (existingDir) {
  emit<DataDirFixture>({ graphqlUrl: `${graphql.url}/graphql` });
} else {
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug: 'bench' });
  const principal = await platform.keys.verify(apiKey);
  if (!principal) throw new Error('the new admin key does not verify');
  const ctx = tenantContext(principal, await platform.tenants.get(tenant.id));
  const customer = await domain.customers.createCustomer(ctx, { name: 'Ada Lovelace', email: 'ada@example.com' });
  const answer = { id: toGlobalId('Customer', customer.id), name: customer.name, email: customer.email! };
  const raw = await serveRaw(platform, answer);
  cleanups.unshift(raw.close);
  emit<FullStackFixture>({
    graphqlUrl: `${graphql.url}/graphql`,
    rawUrl: `${raw.url}/raw`,
    helloUrl: `${raw.url}/hello`,
    yogaUrl: `${raw.url}/yoga`,
    apiKey,
    customer: answer,
  });
}

serveUntilStopped(cleanups);

/**
 * The baseline: what `{customer(id){id name email}}` has to do, without GraphQL — verify the
 * bearer key, find the tenant's database, one indexed SELECT, the same JSON shape. Body: {"id": gid}.
 * Beside it, hono's floor on this machine: `/hello` answers the same JSON as a constant; and
 * graphql-yoga's: `/yoga` answers the same query from a one-type schema holding the customer in
 * memory (no key, no database), handed the Node request as the real app hands it.
 */
async function serveRaw(platform: Platform, customer: FullStackFixture['customer']): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.post('/hello', (c) => c.json({ data: { customer } }));
  const yoga = createYoga({
    graphqlEndpoint: '/yoga',
    landingPage: false,
    graphiql: false,
    logging: false,
    schema: createSchema({
      typeDefs: 'type Query { customer(id: ID!): Customer } type Customer { id: ID! name: String! email: String }',
      resolvers: { Query: { customer: (_: unknown, { id }: { id: string }) => (id === customer.id ? customer : null) } },
    }),
  });
  app.post('/yoga', async (c) => {
    await yoga.handle(c.env.incoming, c.env.outgoing);
    return RESPONSE_ALREADY_SENT;
  });
  const unauthenticated = { errors: [{ message: 'send a valid API key', extensions: { code: 'UNAUTHENTICATED' } }] };
  app.post('/raw', async (c) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const principal = match ? await platform.keys.verify(match[1]!) : null;
    if (!principal) return c.json(unauthenticated, 401);
    const data = await platform.tenants.get(principal.tenantId);
    const { id } = await c.req.json<{ id?: unknown }>();
    const parsed = typeof id === 'string' ? parseGlobalId(id) : null;
    const rs = parsed?.type === 'Customer'
      ? await data.client.execute({ sql: 'select id, name, email from customers where id = ?', args: [parsed.id] })
      : null;
    const row = rs?.rows[0];
    if (!row) return c.json({ errors: [{ message: 'Customer not found', extensions: { code: 'NOT_FOUND' } }], data: { customer: null } });
    return c.json({ data: { customer: { id: toGlobalId('Customer', String(row.id)), name: row.name, email: row.email } } });
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
