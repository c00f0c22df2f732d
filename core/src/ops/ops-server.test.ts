import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../config.js';
import { openSse } from '../graphql/subscriptions/sse-test-client.js';
import { liveEvents } from '../domain/live-events.js';
import { listen, startServer, type RunningServer } from '../http/server.js';
import { createLogger } from '../lib/logger.js';
import { openPlatform, type Platform } from '../platform.js';
import { eventually } from '../plugins/testing/eventually.js';
import { createTenant } from '../tenancy/tenants.js';
import { parseMetrics, value } from './metrics-test-parser.js';

const TOKEN = 'metrics-token-for-the-test-0123';

async function open(env: Record<string, string> = {}): Promise<{ platform: Platform; server: RunningServer; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-ops-'));
  const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', MOSAIC_METRICS_TOKEN: TOKEN, ...env });
  const platform = await openPlatform(config, createLogger('silent'));
  const server = await startServer(platform);
  return { platform, server, dir };
}

async function shut({ platform, server, dir }: { platform: Platform; server: RunningServer; dir: string }) {
  await server.close();
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Writes raw HTTP on one connection and collects what comes back until the server closes it. */
function rawConnection(port: number): { socket: Socket; received: () => string; ended: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { text += d; });
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received: () => text, ended };
}

describe('metrics, health and readiness on a real server', () => {
  let env: Awaited<ReturnType<typeof open>>;
  let apiKey: string;
  let tenantId: string;
  const gql = (query: string, operationName?: string) => fetch(`${env.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, operationName }),
  });
  const scrape = async (headers: Record<string, string> = {}) => {
    const res = await fetch(`${env.server.url}/metrics`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await res.text());
  };

  beforeAll(async () => {
    env = await open();
    const t = await createTenant(env.platform.control.db, env.platform.tenants, { slug: 'ops-north' });
    apiKey = t.apiKey;
    tenantId = t.tenant.id;
  }, 60_000);
  afterAll(() => shut(env));

  it('counts GraphQL operations by name and code, errors by code, and the cost each tenant spent', async () => {
    const before = await scrape();
    const costBefore = value(before, 'mosaic_graphql_cost_points_total', { tenant: tenantId });
    for (let i = 0; i < 3; i++) expect((await gql('query ListCustomers { customers(first: 5) { totalCount edges { node { id } } } }')).status).toBe(200);
    expect((await gql('query TooBig { customers(first: 1000) { edges { node { id } } } }')).status).toBe(400);
    expect((await gql('query Broken { customers(first: 1) { nope } }')).status).toBe(400);
    expect((await gql('query Unparsable {', 'Unparsable')).status).toBe(400);
    const after = await scrape();
    expect(value(after, 'mosaic_graphql_operations_total', { operation: 'ListCustomers', type: 'query', code: 'OK' })).toBe(3);
    expect(value(after, 'mosaic_graphql_operations_total', { operation: 'TooBig', type: 'query', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(value(after, 'mosaic_graphql_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(value(after, 'mosaic_graphql_operations_total', { operation: 'Unparsable', type: 'unknown', code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    expect(value(after, 'mosaic_graphql_operation_duration_seconds_count', { operation: 'ListCustomers' })).toBe(3);
    // Each listing read the tenant's database (at least its page and its count).
    const reads = (samples: typeof after) => value(samples, 'mosaic_db_statement_duration_seconds_count', { kind: 'read', role: 'tenant' });
    expect(reads(after) - reads(before)).toBeGreaterThanOrEqual(6);
    // Each listing costs 5 × a customer + 10 for totalCount: the counter grows by what was charged.
    const spent = value(after, 'mosaic_graphql_cost_points_total', { tenant: tenantId }) - costBefore;
    expect(spent).toBeGreaterThan(0);
    expect(spent % 3).toBe(0);
    // HTTP metrics carry the route pattern, never the raw path.
    expect(value(after, 'mosaic_http_requests_total', { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(3);
    await fetch(`${env.server.url}/no/such/path-${Date.now()}`);
    const unmatched = await scrape();
    expect(value(unmatched, 'mosaic_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(unmatched.some((s) => Object.values(s.labels).some((v) => v.includes('path-')))).toBe(false);
    // Process metrics, from this server's own registry.
    expect(value(unmatched, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(unmatched.some((s) => s.name === 'mosaic_sandbox_worker_restarts_total' && s.labels.reason === 'crash')).toBe(true);
    expect(unmatched.some((s) => s.name === 'mosaic_outbox_lag_seconds' && s.labels.tenant === tenantId)).toBe(true);
    expect(value(unmatched, 'mosaic_database_ping_seconds_count')).toBeGreaterThan(0);
  }, 60_000);

  it('keeps at most 200 operation names per process, whatever clients send', async () => {
    const sent = Array.from({ length: 500 }, (_, i) => `Random${i}_${Math.random().toString(36).slice(2, 8)}`);
    for (let i = 0; i < sent.length; i += 25) {
      await Promise.all(sent.slice(i, i + 25).map(async (name) => expect((await gql(`query ${name} { __typename }`)).status).toBe(200)));
    }
    const samples = await scrape();
    const names = new Set(samples.filter((s) => s.name === 'mosaic_graphql_operations_total').map((s) => s.labels.operation));
    // 200 names, other, and anonymous (an operation without a name).
    expect(names.size).toBeLessThanOrEqual(202);
    expect(names.has('other')).toBe(true);
    expect(value(samples, 'mosaic_graphql_operations_total', { operation: 'other' })).toBeGreaterThanOrEqual(300);
  }, 120_000);

  it('answers /livez without the database and /readyz with it', async () => {
    expect((await fetch(`${env.server.url}/livez`)).status).toBe(200);
    const ready = await fetch(`${env.server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${env.server.url}/healthz`)).status).toBe(200);
  });
});

describe('who may read /metrics', () => {
  let env: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    // As behind a proxy on the same host: loopback alone is not enough.
    env = await open({ MOSAIC_METRICS_LOOPBACK: '0' });
  }, 60_000);
  afterAll(() => shut(env));

  it('answers a client without the token exactly like a route that does not exist', async () => {
    const missing = await fetch(`${env.server.url}/metricz`);
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Bearer wrong' }, { 'x-forwarded-for': '127.0.0.1' }] as Record<string, string>[]) {
      const res = await fetch(`${env.server.url}/metrics`, { headers });
      expect(res.status).toBe(404);
      expect((await res.json()).errors[0].extensions).toEqual((await missing.clone().json()).errors[0].extensions);
    }
    const res = await fetch(`${env.server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE mosaic_http_requests_total counter');
  });

  it('refuses a client on another interface without the token', async () => {
    const address = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!address) return; // this machine has no interface but loopback
    const outside = await open({ HOST: '0.0.0.0' });
    try {
      const url = `http://${address}:${outside.server.port}/metrics`;
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${outside.server.port}/metrics`)).status).toBe(200);
    } finally {
      await shut(outside);
    }
  }, 60_000);
});

describe('readiness and shutdown', () => {
  it('listens while the platform opens: alive, not ready, and 503 SERVICE_UNAVAILABLE for the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-ops-'));
    const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' });
    const starting = await listen(config);
    try {
      expect((await fetch(`${starting.url}/livez`)).status).toBe(200);
      const ready = await fetch(`${starting.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'starting' });
      for (const path of ['/healthz', '/graphql', '/t/demo/portal']) {
        const res = await fetch(`${starting.url}${path}`);
        expect(res.status, path).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        expect((await res.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      }
      // The databases open (and migrate) meanwhile; then the same listener serves them.
      const platform = await openPlatform(config, createLogger('silent'));
      const server = await starting.attach(platform);
      expect((await fetch(`${starting.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${starting.url}/healthz`)).status).toBe(200);
      await server.close();
      await platform.close();
    } finally {
      await starting.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('answers /readyz 503 once the database is unreachable, while /livez still answers', async () => {
    const env = await open();
    try {
      env.platform.control.client.close();
      const res = await fetch(`${env.server.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'database-unreachable' });
      expect((await fetch(`${env.server.url}/livez`)).status).toBe(200);
      // The older /healthz answers the database's code, not an uncoded 500.
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
      env.platform.control.db.run = (() => Promise.reject(refused)) as unknown as typeof env.platform.control.db.run;
      const health = await fetch(`${env.server.url}/healthz`);
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toBe('1');
      expect(((await health.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('DATABASE_UNAVAILABLE');
    } finally {
      await env.server.close();
      rmSync(env.dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('drains: waits for a request in flight, answers /readyz 503 meanwhile, completes live streams, then closes', async () => {
    const env = await open();
    const t = await createTenant(env.platform.control.db, env.platform.tenants, { slug: 'ops-drain' });
    try {
      const live = await openSse(env.server.url, t.apiKey, 'subscription { caseUpdated { id } }');
      await eventually(async () => liveEvents.listenerCount(t.tenant.id), (n) => n === 1);
      // A request whose body is still arriving: in flight until its last byte.
      const body = JSON.stringify({ query: 'query Slow { customers(first: 1) { totalCount } }' });
      const conn = rawConnection(env.server.port);
      conn.socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${t.apiKey}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
      await new Promise((r) => setTimeout(r, 100));
      let closed = false;
      const closing = env.server.close().then(() => { closed = true; });
      expect(await live.next(2000)).toEqual({ event: 'complete', data: '' });
      expect((await env.server.ops.readiness.check()).status).toBe('draining');
      await new Promise((r) => setTimeout(r, 300));
      expect(closed).toBe(false);
      // The rest of the body, and a readiness check pipelined behind it on the same connection.
      conn.socket.write(`${body.slice(10)}GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n`);
      await closing;
      await conn.ended;
      const answers = conn.received();
      expect(answers).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(answers).toContain('"totalCount":0');
      expect(answers).toMatch(/HTTP\/1\.1 503 Service Unavailable[\s\S]*[Cc]onnection: close[\s\S]*"status":"draining"/);
      await expect(fetch(`${env.server.url}/livez`)).rejects.toThrow();
      live.close();
    } finally {
      await env.platform.close();
      rmSync(env.dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('cuts what is still running when the drain times out', async () => {
    const env = await open({ MOSAIC_DRAIN_TIMEOUT_MS: '400' });
    const t = await createTenant(env.platform.control.db, env.platform.tenants, { slug: 'ops-cut' });
    try {
      const conn = rawConnection(env.server.port);
      conn.socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${t.apiKey}\r\nContent-Length: 100\r\n\r\n{"q`);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await env.server.close();
      await conn.ended;
      expect(conn.received()).toBe('');
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await env.platform.close();
      rmSync(env.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
