import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../config.js';
import { createCustomer } from '../domain/customers.js';
import { startServer, type RunningServer } from '../http/server.js';
import { createLogger } from '../lib/logger.js';
import { openPlatform, type Platform } from '../platform.js';
import { buildFixture } from '../plugins/testing/build-fixture.js';
import { graphqlClient } from '../plugins/testing/graphql-client.js';
import { createPublisher } from '../plugins/registry/index.js';
import { tenantContext } from '../tenancy/context.js';
import { createTenant } from '../tenancy/tenants.js';
import { parseMetrics, value } from './metrics-test-parser.js';
import { startTracing, tracingEnabled } from './tracing.js';
import { startOtlpReceiver as startReceiver, type ReceivedSpan } from './tracing-test-receiver.js';

/** A platform logging into `lines`, served on loopback, with a tenant, three customers and the greeter plugin installed. */
async function startTracedPlatform(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-tracing-'));
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const platform: Platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', ...env }), logger);
  const server: RunningServer = await startServer(platform);
  const created = await createTenant(platform.control.db, platform.tenants, { slug: 'traced' });
  const gql = graphqlClient(server.url, created.apiKey);
  const ctx = tenantContext((await platform.keys.verify(created.apiKey))!, await platform.tenants.get(created.tenant.id));
  for (const name of ['Ada', 'Grace']) await createCustomer(ctx, { name });
  const publisher = await createPublisher(platform.control.db, { handle: 'acme' });
  const built = await buildFixture('greeter', '1.0.0');
  const published = await gql(`mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { version } } }`,
    { i: { publisherId: publisher.publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(publisher.privateKeyPem) } });
  expect(published.errors).toBeUndefined();
  const installed = await gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { version } } }`, {
    i: { pluginId: 'acme.greeter', version: '^1', grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'], config: {}, secrets: [] },
  });
  expect(installed.errors).toBeUndefined();
  return {
    platform, server, lines, tenantId: created.tenant.id, apiKey: created.apiKey,
    async close() {
      await server.close();
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const QUERY = 'query Greetings { customers(first: 5, orderBy: NAME_ASC) { edges { node { name acme_greeter_stats { calls } } } } }';

describe('tracing', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('exports one trace per request: HTTP → GraphQL operation → resolver → plugin call → SQL, and the request\'s log lines carry its trace id', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const traced = await startTracedPlatform({ MOSAIC_OTLP_ENDPOINT: receiver.url });
    let closed = false;
    cleanups.push(async () => void (closed || (await traced.close())));
    expect(tracingEnabled()).toBe(true);

    const parentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const post = (headers: Record<string, string>) => fetch(`${traced.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${traced.apiKey}`, ...headers },
      body: JSON.stringify({ query: QUERY }),
    });
    const res = await post({ 'x-request-id': 'traced-1', traceparent: `00-${parentTrace}-00f067aa0ba902b7-01` });
    const body = await res.json() as { data: { customers: { edges: { node: { name: string } }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.customers.edges.map((e) => e.node.name)).toEqual(['Ada', 'Grace']);
    // A traceparent past the length cap is ignored (a later version may carry more parts, so
    // this one would parse): the request starts a trace of its own.
    const absurd = `cc-${'a'.repeat(32)}-${'b'.repeat(16)}-01-${'x'.repeat(600)}`;
    expect((await post({ 'x-request-id': 'traced-2', traceparent: absurd })).status).toBe(200);
    // Refused operations: their span says why, with the code the client got.
    const refused = async (query: string) => (await (await fetch(`${traced.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${traced.apiKey}` },
      body: JSON.stringify({ query }),
    })).json() as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;
    expect(await refused('query Broken { customers { nope } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await refused('query Unfinished {')).toBe('GRAPHQL_PARSE_FAILED');
    await traced.close();
    closed = true;
    expect(tracingEnabled()).toBe(false);

    const spans = receiver.spans;
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan) => {
      const chain: ReceivedSpan[] = [];
      for (let at = span.parentSpanId ? byId.get(span.parentSpanId) : undefined; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) chain.push(at);
      return chain;
    };
    const inTrace = spans.filter((s) => s.traceId === parentTrace);
    const http = inTrace.find((s) => s.name === 'POST /graphql')!;
    expect(http).toBeDefined();
    expect(http.service).toBe('mosaic');
    expect(http.parentSpanId).toBe('00f067aa0ba902b7'); // the caller's span
    expect(http.attributes).toMatchObject({
      'http.request.method': 'POST', 'http.route': '/graphql', 'url.path': '/graphql', 'http.response.status_code': 200, 'mosaic.tenant.id': traced.tenantId,
    });

    const operation = inTrace.find((s) => s.name === 'query Greetings')!;
    expect(operation.parentSpanId).toBe(http.spanId);
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Greetings', 'mosaic.tenant.id': traced.tenantId });
    expect(inTrace.filter((s) => s.parentSpanId === operation.spanId).map((s) => s.name)).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate', 'Query.customers']));
    // Root fields and plugin fields get a span; the core's scalar fields (name) do not.
    expect(inTrace.filter((s) => s.name === 'Customer.acme_greeter_stats')).toHaveLength(2);
    expect(inTrace.some((s) => s.name === 'Customer.name')).toBe(false);

    const plugin = inTrace.find((s) => s.name === 'plugin acme.greeter')!;
    expect(plugin.attributes).toMatchObject({
      'mosaic.plugin.id': 'acme.greeter', 'mosaic.tenant.id': traced.tenantId, 'mosaic.plugin.entry.kind': 'resolver',
      'mosaic.plugin.entry.name': 'Customer.acme_greeter_stats', 'mosaic.plugin.outcome': 'OK',
    });
    expect(plugin.attributes['mosaic.plugin.wall_ms']).toBeGreaterThan(0);
    expect(ancestors(plugin)).toEqual(expect.arrayContaining([operation, http]));
    // The plugin's storage reads and writes (host calls back from the sandbox) are its children.
    const pluginSql = inTrace.filter((s) => s.attributes['db.system.name'] === 'sqlite' && ancestors(s).includes(plugin));
    expect(pluginSql.length).toBeGreaterThan(0);
    // And the core's own queries of the operation (the customers page).
    const sql = inTrace.filter((s) => s.attributes['db.system.name'] === 'sqlite');
    const select = sql.find((s) => String(s.attributes['db.query.text']).includes('from "customers"'))!;
    expect(select.name).toBe('SELECT');
    expect(ancestors(select)).toEqual(expect.arrayContaining([operation, http]));
    for (const s of sql) {
      // Placeholders only: no customer name or other value reaches a span.
      expect(String(s.attributes['db.query.text'])).not.toMatch(/Ada|Grace/);
      expect(String(s.attributes['db.query.text']).length).toBeLessThanOrEqual(1000);
    }

    const broken = spans.find((s) => s.name === 'query Broken')!;
    expect(broken.status?.code).toBe(2);
    expect(broken.attributes['mosaic.error.code']).toBe('GRAPHQL_VALIDATION_FAILED');
    const unfinished = spans.filter((s) => s.attributes['mosaic.error.code'] === 'GRAPHQL_PARSE_FAILED');
    expect(unfinished.map((s) => s.name).sort()).toEqual(['graphql', 'graphql.parse']);
    expect(operation.status?.code ?? 0).toBe(0);

    // The access log line of the request carries its trace and the HTTP span.
    const access = traced.lines.find((l) => l.msg === 'request' && l.requestId === 'traced-1')!;
    expect(access).toMatchObject({ trace_id: parentTrace, span_id: http.spanId });

    const second = traced.lines.find((l) => l.msg === 'request' && l.requestId === 'traced-2')!;
    expect(second.trace_id).not.toBe('a'.repeat(32));
    const root = spans.find((s) => s.name === 'POST /graphql' && s.traceId === second.trace_id)!;
    expect(root.spanId).toBe(second.span_id);
    expect(root.parentSpanId).toBeFalsy();
    // Each request's plugin SQL joins its own trace (one sandbox worker answers every request's
    // host calls on one connection).
    const secondPlugin = spans.find((s) => s.name === 'plugin acme.greeter' && s.traceId === root.traceId)!;
    expect(spans.some((s) => s.attributes['db.system.name'] === 'sqlite' && ancestors(s).includes(secondPlugin))).toBe(true);
  }, 120_000);

  it('logs a collector that answers 500 once (not per batch), counts each failed export, and keeps serving', async () => {
    let posts = 0;
    const refusing = createServer((req, res) => {
      req.resume().on('end', () => {
        posts += 1;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collector broken');
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => refusing.close(() => resolve())));
    const traced = await startTracedPlatform({ MOSAIC_OTLP_ENDPOINT: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}` });
    let closed = false;
    cleanups.push(async () => void (closed || (await traced.close())));
    // A second user of the process's provider, to flush on demand rather than wait for the batch timer.
    const flusher = startTracing(traced.platform.config.ops.tracing)!;
    cleanups.push(() => flusher.shutdown());
    const ask = async () => {
      const res = await fetch(`${traced.server.url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${traced.apiKey}` }, body: JSON.stringify({ query: QUERY }),
      });
      expect(res.status).toBe(200);
      expect((await res.json() as { errors?: unknown }).errors).toBeUndefined();
    };
    const failures = async () => value(parseMetrics(await (await fetch(`${traced.server.url}/metrics`)).text()), 'mosaic_trace_export_failures_total');
    const warnings = () => traced.lines.filter((l) => String(l.msg).startsWith('trace export to the OTLP collector failed'));

    await ask();
    await expect(flusher.flush()).rejects.toThrow();
    expect(posts).toBeGreaterThan(0);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ level: 40, failures: 1, status: 500 }) // pino's warn;
    expect(warnings()[0]!.lostSpans).toBeGreaterThan(0);
    const counted = await failures();
    expect(counted).toBeGreaterThan(0);

    // The server keeps answering; a later failure within the minute is counted, not logged again.
    await ask();
    await expect(flusher.flush()).rejects.toThrow();
    expect(await failures()).toBeGreaterThan(counted);
    expect(warnings()).toHaveLength(1);
    // Closing flushes into the same failure and still closes cleanly.
    await traced.close();
    closed = true;
  }, 120_000);

  it('is off without an endpoint: no provider registered, no spans, nothing sent, log lines without trace ids', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const env = { MOSAIC_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
    const plain = await startTracedPlatform(env);
    cleanups.push(plain.close);
    expect(tracingEnabled()).toBe(false);
    // The api's global provider is still its no-op proxy: spans started anywhere record nothing.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    const res = await fetch(`${plain.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${plain.apiKey}`, 'x-request-id': 'plain-1', traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` },
      body: JSON.stringify({ query: QUERY }),
    });
    expect((await res.json() as { errors?: unknown }).errors).toBeUndefined();
    await plain.close();
    cleanups.pop();
    expect(receiver.requests).toEqual([]);
    const access = plain.lines.find((l) => l.msg === 'request' && l.requestId === 'plain-1')!;
    expect(access).toBeDefined();
    expect(access.trace_id).toBeUndefined();
  }, 120_000);
});

describe('tracing settings', () => {
  const tracing = (env: Record<string, string>) => serverConfigFromEnv({ MOSAIC_DATA_DIR: '/nonexistent', ...env }).ops.tracing;

  it('is off unless an endpoint is set; collectors get /v1/traces, the traces URL is taken as is; ours wins', () => {
    expect(tracing({})).toEqual({ endpoint: null, serviceName: 'mosaic' });
    expect(tracing({ MOSAIC_OTLP_ENDPOINT: '' }).endpoint).toBeNull();
    expect(tracing({ MOSAIC_OTLP_ENDPOINT: 'http://collector:4318/' }).endpoint).toBe('http://collector:4318/v1/traces');
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example' }).endpoint).toBe('https://otel.example/v1/traces');
    expect(tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom/traces' }).endpoint).toBe('http://c:4318/custom/traces');
    expect(tracing({ MOSAIC_OTLP_ENDPOINT: 'http://ours:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://theirs/v1/traces' }).endpoint).toBe('http://ours:4318/v1/traces');
    expect(tracing({ OTEL_SERVICE_NAME: 'mosaic-eu' }).serviceName).toBe('mosaic-eu');
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => tracing({ MOSAIC_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/MOSAIC_OTLP_ENDPOINT: an http:\/\/ or https:\/\/ URL/);
    expect(() => tracing({ OTEL_SERVICE_NAME: 'has space' })).toThrow(/OTEL_SERVICE_NAME/);
  });
});
