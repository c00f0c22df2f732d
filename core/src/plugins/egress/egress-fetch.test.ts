import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { egressFetch, type EgressPolicy } from './index.js';
import { fakeLookup, startServer, type TestServer } from './test-servers.js';

const SECRET = 's3cr3t-Tok/en value';

let carrier: TestServer;
let policy: EgressPolicy;

beforeAll(async () => {
  carrier = await startServer((req, res, body) => {
    if (req.url === '/echo-secret') {
      // Also in a header name when it may go there (a token).
      const auth = String(req.headers.authorization);
      res.writeHead(200, { 'x-echo': auth, ...(/^[\w-]+$/.test(auth) && { [`x-echo-${auth}`]: 'name' }) });
      res.end(`you sent ${req.headers.authorization}`);
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json', 'x-carrier': 'acme' });
    res.end(JSON.stringify({ method: req.method, body }));
  });
  policy = {
    allowedHosts: ['carrier.test'],
    allowPrivateHosts: ['carrier.test'],
    lookup: fakeLookup({ 'carrier.test': ['127.0.0.1'] }),
    secrets: { CARRIER_TOKEN: SECRET },
  };
});
afterAll(() => carrier.close());

const at = (path: string) => `http://carrier.test:${carrier.port}${path}`;
const last = () => carrier.requests.at(-1)!;

describe('egressFetch to an allowed host', () => {
  it('returns status, headers, body and final url', async () => {
    const res = await egressFetch({ url: at('/track?id=1') }, policy);
    expect(res.status).toBe(201);
    expect(res.headers['x-carrier']).toBe('acme');
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ method: 'GET', body: '' });
    expect(res.url).toBe(at('/track?id=1'));
    // Connected to the pinned address, but Host is still the name the plugin used.
    expect(last().headers.host).toBe(`carrier.test:${carrier.port}`);
    expect(last().headers['user-agent']).toBe('mosaic-plugin-egress/1');
  });

  it('sends method and body, and normalises a trailing dot and upper-case host', async () => {
    const res = await egressFetch(
      { url: `http://CARRIER.test.:${carrier.port}/orders`, method: 'post', headers: { 'content-type': 'text/plain' }, body: 'hi' },
      policy,
    );
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', body: 'hi' });
    expect(last().headers.host).toBe(`carrier.test:${carrier.port}`);
  });

  it('returns an empty body for HEAD', async () => {
    const res = await egressFetch({ url: at('/'), method: 'HEAD' }, policy);
    expect(res.status).toBe(201);
    expect(res.body).toBe('');
  });
});

describe('https', () => {
  it('offers the hostname as TLS SNI while connecting to the pinned address', async () => {
    // No certificate needed: SNI arrives in the ClientHello, before the handshake fails.
    const names: string[] = [];
    const tls = createTlsServer({
      SNICallback: (name, cb) => {
        names.push(name);
        cb(new Error('no certificate in this test'));
      },
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = tls.address() as AddressInfo;
      const err = await egressFetch({ url: `https://carrier.test:${port}/` }, { ...policy, timeoutMs: 2000 }).catch((e) => e);
      expect(err).toMatchObject({ code: 'EGRESS_FAILED', message: expect.stringContaining(`request to https://carrier.test:${port} failed`) });
      expect(names).toEqual(['carrier.test']);
    } finally {
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});

describe('request validation', () => {
  it.each([
    ['not a url', 'not a valid absolute URL'],
    ['/relative', 'not a valid absolute URL'],
    ['ftp://carrier.test/file', "scheme 'ftp:' is not allowed"],
    ['file:///etc/passwd', "scheme 'file:' is not allowed"],
    ['http://user:pw@carrier.test/', 'must not contain credentials'],
    ['http://carrier.test/?k={{secret:CARRIER_TOKEN}}', 'only substituted in header values'],
  ])('refuses %j', async (url, message) => {
    const before = carrier.requests.length;
    await expect(egressFetch({ url }, policy)).rejects.toMatchObject({ code: 'EGRESS_BAD_REQUEST', message: expect.stringContaining(message) });
    expect(carrier.requests.length).toBe(before);
  });

  it.each([
    [{ host: 'internal.local' }, "'host' is controlled by the host"],
    [{ Host: 'internal.local' }, "'Host' is controlled by the host"],
    [{ 'transfer-encoding': 'chunked' }, 'controlled by the host'],
    [{ 'content-length': '5' }, 'controlled by the host'],
    [{ 'proxy-authorization': 'x' }, 'controlled by the host'],
    [{ 'x-a': 'line\r\nInjected: 1' }, 'line break'],
    [{ 'bad header': 'x' }, 'not a valid HTTP token'],
    [{ 'X-Dup': 'a', 'x-dup': 'b' }, 'given twice'],
  ])('refuses the header set %j', async (headers, message) => {
    await expect(egressFetch({ url: at('/'), headers }, policy)).rejects.toMatchObject({
      code: 'EGRESS_BAD_REQUEST',
      message: expect.stringContaining(message),
    });
  });

  it('refuses unsupported methods and a body on GET', async () => {
    await expect(egressFetch({ url: at('/'), method: 'TRACE' }, policy)).rejects.toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
    await expect(egressFetch({ url: at('/'), method: 'CONNECT' }, policy)).rejects.toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
    await expect(egressFetch({ url: at('/'), body: 'x' }, policy)).rejects.toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
  });

  it('strips hop-by-hop headers but passes cookie and ordinary headers', async () => {
    await egressFetch({ url: at('/'), headers: { te: 'trailers', upgrade: 'h2c', cookie: 'session=1', 'x-trace': 'abc' } }, policy);
    expect(last().headers.te).toBeUndefined();
    expect(last().headers.upgrade).toBeUndefined();
    expect(last().headers.cookie).toBe('session=1');
    expect(last().headers['x-trace']).toBe('abc');
  });
});

describe('secret injection', () => {
  it('substitutes a secret into a header value that reaches the server', async () => {
    await egressFetch({ url: at('/'), headers: { authorization: 'Bearer {{secret:CARRIER_TOKEN}}' } }, policy);
    expect(last().headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('never hands a secret back in response headers or url (the body is the remote\'s business)', async () => {
    const res = await egressFetch({ url: at('/echo-secret'), headers: { authorization: '{{secret:CARRIER_TOKEN}}' } }, policy);
    expect(res.headers['x-echo']).toBe('[redacted:CARRIER_TOKEN]');
    expect(JSON.stringify({ ...res, body: undefined })).not.toContain(SECRET);
    // Sent in a header name, which arrives lower-cased.
    const word = await egressFetch({ url: at('/echo-secret'), headers: { authorization: '{{secret:WORD}}' } }, { ...policy, secrets: { WORD: 'Tok3n-X' } });
    expect(word.headers['x-echo-[redacted:WORD]']).toBe('name');
    expect(JSON.stringify({ ...word, body: undefined }).toLowerCase()).not.toContain('tok3n-x');
    expect(res.body).toBe(`you sent ${SECRET}`);
  });

  it('names an unknown secret without leaking configured values and sends nothing', async () => {
    const before = carrier.requests.length;
    const err = await egressFetch({ url: at('/'), headers: { 'x-api-key': '{{secret:NOPE}}' } }, policy).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'EgressError', code: 'EGRESS_BAD_REQUEST', message: expect.stringContaining("'NOPE'") });
    expect(carrier.requests.length).toBe(before);
  });

  it('redacts a secret from every error message and stack', async () => {
    // A secret with a line break fails validation after substitution; the message must not quote it.
    const withBreak = { ...policy, secrets: { ...policy.secrets, BROKEN: `${SECRET}\r\nX: 1` } };
    const e1 = (await egressFetch({ url: at('/'), headers: { 'x-k': '{{secret:BROKEN}}' } }, withBreak).catch((e) => e)) as Error;
    expect(e1).toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
    // A message that would quote the secret (a plugin passing the secret as the URL host) is redacted.
    const e2 = (await egressFetch({ url: `http://${encodeURIComponent(SECRET)}.test/` }, policy).catch((e) => e)) as Error;
    for (const e of [e1, e2]) {
      expect(e.message).not.toContain(SECRET);
      expect(e.message).not.toContain(encodeURIComponent(SECRET));
      expect(String(e.stack)).not.toContain(SECRET);
    }
  });
});
