import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressFetch, type EgressPolicy } from './index.js';
import { fakeLookup, startServer, type TestServer } from './test-servers.js';

const SECRET = 'tok-4f9/Zq secret';

let carrier: TestServer; // allowed (private-allowed test host 'carrier.test'); redirects on demand
let partner: TestServer; // a second allowed origin ('partner.test')
let internal: TestServer; // must never be reached
let policy: EgressPolicy;

beforeAll(async () => {
  internal = await startServer((_req, res) => res.end('internal'));
  partner = await startServer((req, res, body) => res.end(JSON.stringify({ method: req.method, body })));
  carrier = await startServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const to = url.searchParams.get('to');
    const status = Number(url.searchParams.get('status') ?? 302);
    if (url.pathname === '/redirect' && to) {
      res.writeHead(status, { location: to.replace('$SECRET', String(req.headers.authorization)) });
      return res.end('moving');
    }
    const loop = /^\/loop\/(\d+)$/.exec(url.pathname);
    if (loop) {
      res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` });
      return res.end();
    }
    res.end(`final ${url.pathname}`);
  });
  policy = {
    allowedHosts: ['carrier.test', 'partner.test', 'elsewhere.test'],
    allowPrivateHosts: ['carrier.test', 'partner.test'],
    lookup: fakeLookup({ 'carrier.test': ['127.0.0.1'], 'partner.test': ['127.0.0.1'], 'elsewhere.test': ['127.0.0.1'] }),
    secrets: { TOKEN: SECRET },
  };
});
afterAll(() => Promise.all([carrier.close(), partner.close(), internal.close()]));

const redirect = (to: string, status = 302) =>
  `http://carrier.test:${carrier.port}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

describe('redirects', () => {
  it('follows a same-host redirect and reports the final url', async () => {
    const res = await egressFetch({ url: redirect('/done') }, policy);
    expect(res).toMatchObject({ status: 200, body: 'final /done', url: `http://carrier.test:${carrier.port}/done` });
  });

  it('refuses a redirect to a loopback literal; the second server sees no request', async () => {
    const to = `http://127.0.0.1:${internal.port}/`;
    await expect(egressFetch({ url: redirect(to) }, policy)).rejects.toMatchObject({ code: 'EGRESS_HOST_NOT_ALLOWED' });
    // Even if a careless allowlist names the literal, the address rule still holds.
    await expect(egressFetch({ url: redirect(to) }, { ...policy, allowedHosts: [...policy.allowedHosts, '127.0.0.1'] })).rejects.toMatchObject({
      code: 'EGRESS_ADDRESS_BLOCKED',
    });
    // A disguised spelling is refused as written, even where the operator allows the canonical address.
    const loopbackAllowed = { ...policy, allowedHosts: [...policy.allowedHosts, '127.0.0.1'], allowPrivateHosts: ['carrier.test', '127.0.0.1'] };
    for (const spelling of ['2130706433', '0x7f000001', '127.1', '0177.0.0.1', '127.0.0.1.']) {
      await expect(egressFetch({ url: redirect(`http://${spelling}:${internal.port}/`, 307) }, loopbackAllowed)).rejects.toMatchObject({
        code: 'EGRESS_BAD_REQUEST',
        message: expect.stringMatching(/^redirect URL host refused: .* canonical form, 127\.0\.0\.1$/),
      });
      await expect(egressFetch({ url: redirect(`//${spelling}:${internal.port}/`, 307) }, loopbackAllowed)).rejects.toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
    }
    expect(internal.requests).toEqual([]);
  });

  it('refuses a redirect to an allowed name that resolves to loopback without the dev exemption', async () => {
    await expect(egressFetch({ url: redirect(`http://elsewhere.test:${internal.port}/`) }, policy)).rejects.toMatchObject({
      code: 'EGRESS_ADDRESS_BLOCKED',
    });
    expect(internal.requests).toEqual([]);
  });

  it('refuses a redirect to a host that is not allowed', async () => {
    await expect(egressFetch({ url: redirect('https://attacker.example/steal') }, policy)).rejects.toMatchObject({
      code: 'EGRESS_HOST_NOT_ALLOWED',
      message: expect.stringContaining("'attacker.example'"),
    });
  });

  it('refuses a redirect to a non-http scheme', async () => {
    await expect(egressFetch({ url: redirect('file:///etc/passwd') }, policy)).rejects.toMatchObject({
      code: 'EGRESS_BAD_REQUEST',
      message: expect.stringContaining("redirect URL scheme 'file:'"),
    });
  });

  it('stops a chain longer than maxRedirects', async () => {
    const before = carrier.requests.length;
    await expect(egressFetch({ url: `http://carrier.test:${carrier.port}/loop/0` }, policy)).rejects.toMatchObject({
      code: 'EGRESS_TOO_MANY_REDIRECTS',
      message: expect.stringContaining('stopped after 3 redirect(s)'),
    });
    expect(carrier.requests.length - before).toBe(4); // the original + 3 followed hops
    await expect(egressFetch({ url: redirect('/x') }, { ...policy, maxRedirects: 0 })).rejects.toMatchObject({ code: 'EGRESS_TOO_MANY_REDIRECTS' });
  });

  it('allows a chain of exactly maxRedirects', async () => {
    const hop3 = redirect(redirect(redirect('/end')));
    const res = await egressFetch({ url: hop3 }, policy);
    expect(res.body).toBe('final /end');
  });

  it('turns POST into GET on 303 and drops the body; keeps both on 307', async () => {
    const to = `http://partner.test:${partner.port}/`;
    const post = { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } };
    const r303 = await egressFetch({ url: redirect(to, 303), ...post }, policy);
    expect(JSON.parse(r303.body)).toEqual({ method: 'GET', body: '' });
    expect(partner.requests.at(-1)!.headers['content-type']).toBeUndefined();
    const r307 = await egressFetch({ url: redirect(to, 307), ...post }, policy);
    expect(JSON.parse(r307.body)).toEqual({ method: 'POST', body: 'payload' });
  });

  it('drops secret-bearing and credential headers on a cross-host redirect, keeps them same-host', async () => {
    const headers = { authorization: 'Bearer {{secret:TOKEN}}', 'x-api-key': '{{secret:TOKEN}}', cookie: 'a=1', 'x-plain': 'kept' };
    await egressFetch({ url: redirect(`http://partner.test:${partner.port}/`), headers }, policy);
    const seen = partner.requests.at(-1)!.headers;
    expect(seen.authorization).toBeUndefined();
    expect(seen['x-api-key']).toBeUndefined();
    expect(seen.cookie).toBeUndefined();
    expect(seen['x-plain']).toBe('kept');

    await egressFetch({ url: redirect('/same'), headers }, policy);
    expect(carrier.requests.at(-1)!.headers['x-api-key']).toBe(SECRET);
  });

  it('redacts a secret the server echoes into a refused redirect location', async () => {
    const headers = { authorization: '{{secret:TOKEN}}' };
    const err = (await egressFetch({ url: redirect('http://elsewhere.invalid/?leak=$SECRET'), headers }, policy).catch((e) => e)) as Error;
    expect(err).toMatchObject({ code: 'EGRESS_HOST_NOT_ALLOWED' });
    const tooMany = (await egressFetch({ url: redirect('/?leak=$SECRET'), headers }, { ...policy, maxRedirects: 0 }).catch((e) => e)) as Error;
    expect(tooMany).toMatchObject({ code: 'EGRESS_TOO_MANY_REDIRECTS', message: expect.stringContaining('[redacted:TOKEN]') });
    for (const e of [err, tooMany]) {
      expect(e.message).not.toContain(SECRET);
      expect(e.message).not.toContain(encodeURIComponent(SECRET));
      expect(String(e.stack)).not.toContain(SECRET);
    }
  });

  it('redacts a secret in the final url after a same-origin redirect echoed it', async () => {
    const res = await egressFetch({ url: redirect('/next?leak=$SECRET'), headers: { authorization: '{{secret:TOKEN}}' } }, policy);
    expect(res.url).toContain('[redacted:TOKEN]');
    expect(res.url).not.toContain(encodeURI(SECRET));
  });
});
