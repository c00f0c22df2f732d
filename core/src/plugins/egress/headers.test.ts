// Headers a plugin may send, checked against a real loopback server that records what arrives.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { egressFetch, type EgressPolicy } from './index.js';
import { fakeLookup, startServer, type TestServer } from './test-servers.js';

let service: TestServer;
let policy: EgressPolicy;
beforeAll(async () => {
  service = await startServer((req, res) => {
    if (req.url === '/bounce') {
      res.writeHead(307, { location: '/landed' });
      return res.end();
    }
    res.end('ok');
  });
  policy = { allowedHosts: ['service.test'], allowPrivateHosts: ['service.test'], lookup: fakeLookup({ 'service.test': ['127.0.0.1'] }), secrets: { TOKEN: 't0k' } };
});
afterAll(() => service.close());
afterEach(() => {
  service.requests.length = 0;
});

const url = (path = '/') => `http://service.test:${service.port}${path}`;

// Names a service behind a proxy trusts for the client's address, scheme or host.
const ORIGIN_CLAIMS = [
  'Forwarded', 'X-Forwarded-For', 'x-forwarded-proto', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Server',
  'X-Forwarded', 'X-Real-IP', 'X-Client-IP', 'Client-IP', 'True-Client-IP', 'CF-Connecting-IP', 'Fastly-Client-IP',
  'X-Cluster-Client-IP', 'X-Originating-IP', 'X-Remote-IP', 'X-Remote-Addr', 'Via', 'X-Host', 'X-Original-Host',
  'X-Original-URL', 'X-Rewrite-URL',
];

describe('request headers a plugin may not send', () => {
  it.each(['Proxy', 'proxy', 'PROXY', 'Proxy-Authorization', 'Proxy-Connection'])(
    'refuses %s (httpoxy and proxy routing) before anything is sent',
    async (name) => {
      await expect(egressFetch({ url: url(), headers: { [name]: 'http://attacker.example:3128' } }, policy)).rejects.toMatchObject({
        code: 'EGRESS_BAD_REQUEST',
        message: `header '${name}' is controlled by the host and may not be set by a plugin`,
      });
      expect(service.requests).toEqual([]);
    },
  );

  it.each(ORIGIN_CLAIMS)('refuses the origin claim %s before anything is sent', async (name) => {
    await expect(egressFetch({ url: url(), headers: { [name]: '203.0.113.9' } }, policy)).rejects.toMatchObject({
      code: 'EGRESS_BAD_REQUEST',
      message: expect.stringContaining(`header '${name}' claims a client address, host or protocol to the remote service`),
    });
    expect(service.requests).toEqual([]);
  });

  it('refuses an origin claim whose value comes from a secret, without sending or quoting it', async () => {
    const error = await egressFetch({ url: url(), headers: { 'X-Forwarded-For': '{{secret:TOKEN}}' } }, policy).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
    expect(String((error as Error).message)).not.toContain('t0k');
    expect(service.requests).toEqual([]);
  });

  it('sends ordinary headers, and nothing that claims an origin, also after a redirect', async () => {
    const res = await egressFetch({ url: url('/bounce'), headers: { 'x-request-id': 'r-1', 'x-forwarding-note': 'kept', authorization: 'Bearer {{secret:TOKEN}}' } }, policy);
    expect(res).toMatchObject({ status: 200, body: 'ok' });
    expect(service.requests.map((r) => r.url)).toEqual(['/bounce', '/landed']);
    for (const { headers } of service.requests) {
      expect(headers).toMatchObject({ 'x-request-id': 'r-1', 'x-forwarding-note': 'kept', authorization: 'Bearer t0k' });
      const claims = Object.keys(headers).filter((name) => name === 'proxy' || name.startsWith('proxy-') || ORIGIN_CLAIMS.some((c) => c.toLowerCase() === name));
      expect(claims).toEqual([]);
    }
  });
});
