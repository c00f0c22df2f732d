import diagnostics from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { egressConnectChannel } from '../egress/index.js';
import { fakeLookup, startServer, type TestServer } from '../egress/test-servers.js';
import { hostFor, openTenants, refusal, type HostOptions, type Tenants } from './test-fixtures.js';

const SECRET = 'tok-9f8e7d6c5b4a';

let tenants: Tenants;
let carrier: TestServer;
const lookup = fakeLookup({ 'carrier.test': ['127.0.0.1'], 'evil.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] });
const connects: unknown[] = [];
const onConnect = (event: unknown) => connects.push(event);

beforeAll(async () => {
  tenants = await openTenants();
  carrier = await startServer((req, res, body) => {
    if (req.url?.startsWith('/loop')) {
      // A hostile server putting the credential into the URLs that error messages quote.
      res.writeHead(302, { location: `/loop?stolen=${encodeURIComponent(String(req.headers.authorization))}` });
      res.end();
      return;
    }
    if (req.url === '/echo') {
      res.writeHead(200, { 'x-echo': String(req.headers.authorization) });
      res.end('ok');
      return;
    }
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('b'.repeat(5000));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-carrier': 'acme' });
    res.end(JSON.stringify({ method: req.method, path: req.url, body }));
  });
  diagnostics.subscribe(egressConnectChannel.name, onConnect);
});
afterAll(async () => {
  diagnostics.unsubscribe(egressConnectChannel.name, onConnect);
  await carrier.close();
  await tenants.close();
});
afterEach(() => {
  connects.length = 0;
  lookup.calls.length = 0;
});

const at = (host: string, path: string) => `http://${host}:${carrier.port}${path}`;
const fetcher = (options: HostOptions = {}) =>
  hostFor(tenants.a, {
    egress: ['carrier.test'],
    egressSettings: { allowPrivateHosts: ['carrier.test'], lookup },
    secrets: { TOKEN: SECRET },
    ...options,
  });

describe('fetch to a granted host', () => {
  it('returns status, headers and body text, and counts the fetch and its bytes', async () => {
    const { host, usage } = fetcher();
    const response = await host('fetch', { url: at('carrier.test', '/track?id=1'), method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(Object.keys(response as object).sort()).toEqual(['body', 'headers', 'status']);
    const { status, headers, body } = response as { status: number; headers: Record<string, string>; body: string };
    expect(status).toBe(200);
    expect(headers['x-carrier']).toBe('acme');
    expect(JSON.parse(body)).toEqual({ method: 'POST', path: '/track?id=1', body: 'hello' });
    expect(usage).toEqual({ fetches: 1, fetchBytes: 5 + Buffer.byteLength(body) });
    expect(connects).toHaveLength(1);
  });

  it('substitutes a secret placeholder the server receives, and keeps it out of every error', async () => {
    const { host } = fetcher();
    const before = carrier.requests.length;
    const authorization = 'Bearer {{secret:TOKEN}}';
    const error = await refusal(host('fetch', { url: at('carrier.test', '/loop'), headers: { authorization } }), 'EGRESS_TOO_MANY_REDIRECTS');
    expect(carrier.requests.slice(before).map((r) => r.headers.authorization)).toEqual(Array(4).fill(`Bearer ${SECRET}`));
    expect(error.message).toContain('[redacted:TOKEN]');
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(SECRET);

    const echoed = (await host('fetch', { url: at('carrier.test', '/echo'), headers: { authorization } })) as { headers: Record<string, string> };
    expect(echoed.headers['x-echo']).toBe('Bearer [redacted:TOKEN]');
  });

  it('names an unknown secret without sending anything', async () => {
    const { host } = fetcher();
    const error = await refusal(host('fetch', { url: at('carrier.test', '/'), headers: { authorization: '{{secret:NOPE}}' } }), 'EGRESS_BAD_REQUEST');
    expect(error.message).toContain("'NOPE'");
    expect(connects).toEqual([]);
  });
});

describe('fetch refusals', () => {
  it('refuses an ungranted host before any DNS query or connection', async () => {
    const { host, usage } = fetcher();
    const before = carrier.requests.length;
    await refusal(host('fetch', { url: at('other.test', '/') }), 'EGRESS_HOST_NOT_ALLOWED');
    await refusal(host('fetch', { url: at('127.0.0.1', '/') }), 'EGRESS_HOST_NOT_ALLOWED');
    expect(lookup.calls).toEqual([]);
    expect(connects).toEqual([]);
    expect(carrier.requests.length).toBe(before);
    expect(usage.fetchBytes).toBe(0);
  });

  it('refuses SSRF to loopback: a granted name resolving there, and a granted 127.0.0.1 literal', async () => {
    const { host } = fetcher({ egress: ['evil.test', '127.0.0.1'] });
    const before = carrier.requests.length;
    await refusal(host('fetch', { url: at('evil.test', '/') }), 'EGRESS_ADDRESS_BLOCKED');
    await refusal(host('fetch', { url: at('127.0.0.1', '/') }), 'EGRESS_ADDRESS_BLOCKED');
    expect(connects).toEqual([]);
    expect(carrier.requests.length).toBe(before);
  });

  it('is FORBIDDEN when the installation was granted no egress at all', async () => {
    const { host } = fetcher({ egress: [] });
    const error = await refusal(host('fetch', { url: at('carrier.test', '/') }), 'FORBIDDEN');
    expect(error.message).toContain('egress');
    expect(connects).toEqual([]);
  });

  it('stops at maxFetchesPerCall without connecting again', async () => {
    const { host, usage } = fetcher({ limits: { maxFetchesPerCall: 2 } });
    await host('fetch', { url: at('carrier.test', '/1') });
    await host('fetch', { url: at('carrier.test', '/2') });
    await refusal(host('fetch', { url: at('carrier.test', '/3') }), 'LIMIT_EXCEEDED');
    expect(connects).toHaveLength(2);
    expect(usage.fetches).toBe(2);
    // The next invocation has a new host function and a fresh count.
    await fetcher({ limits: { maxFetchesPerCall: 2 } }).host('fetch', { url: at('carrier.test', '/4') });
  });

  it('stops reading at the per-call byte budget, and refuses a request body over what is left', async () => {
    const { host, usage } = fetcher({ limits: { maxFetchBytesPerCall: 6000 } });
    await host('fetch', { url: at('carrier.test', '/big') });
    expect(usage.fetchBytes).toBe(5000);
    // 1000 bytes left: the 5000-byte answer is cut off by the budget, not by the operator's cap.
    await refusal(host('fetch', { url: at('carrier.test', '/big') }), 'LIMIT_EXCEEDED');
    await refusal(host('fetch', { url: at('carrier.test', '/'), method: 'POST', body: 'x'.repeat(1001) }), 'LIMIT_EXCEEDED');
    expect(usage.fetches).toBe(2);
  });

  it('keeps the operator response cap as EGRESS_TOO_LARGE', async () => {
    const { host } = fetcher({ egressSettings: { allowPrivateHosts: ['carrier.test'], lookup, maxResponseBytes: 100 } });
    await refusal(host('fetch', { url: at('carrier.test', '/big') }), 'EGRESS_TOO_LARGE');
  });

  it('refuses malformed arguments as BAD_USER_INPUT', async () => {
    const { host } = fetcher();
    const url = at('carrier.test', '/');
    await refusal(host('fetch', { url: 42 }), 'BAD_USER_INPUT');
    await refusal(host('fetch', { url, headers: JSON.parse('{"__proto__": "x"}') }), 'BAD_USER_INPUT');
    await refusal(host('fetch', { url, headers: { a: 1 } }), 'BAD_USER_INPUT');
    await refusal(host('fetch', { url, headers: ['a', 'b'] }), 'BAD_USER_INPUT');
    await refusal(host('fetch', { url, body: { json: true } }), 'BAD_USER_INPUT');
    await refusal(host('fetch', { url, redirect: 'follow' }), 'BAD_USER_INPUT');
    await refusal(host('fetch', { url: `http://carrier.test/${'a'.repeat(10_000)}` }), 'BAD_USER_INPUT');
    expect(connects).toEqual([]);
  });
});
