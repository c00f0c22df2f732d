import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readDevHosts } from './dev-hosts.js';
import { egressFetch, type EgressPolicy } from './index.js';
import { fakeLookup, startServer, type TestServer } from './test-servers.js';

// A simulated outside service on loopback, reached under its real (.test) name through the mapping.
let carrier: TestServer;
// A second loopback service; reaching it is the attack in the refusal tests.
let internal: TestServer;
beforeAll(async () => {
  internal = await startServer((_req, res) => res.end('internal'));
  carrier = await startServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to) {
      res.writeHead(302, { location: to });
      return res.end();
    }
    res.end(`carrier ${url.pathname} host=${req.headers.host}`);
  });
});
afterAll(() => Promise.all([carrier.close(), internal.close()]));
afterEach(() => {
  const seen = internal.requests.splice(0);
  expect(seen).toEqual([]);
});

const mapped = { 'parcelly.carrier.test': '127.0.0.1', 'internal.test': '127.0.0.1' };

describe('MOSAIC_EGRESS_DEV_HOSTS mapping', () => {
  it('reaches a real loopback listener through a mapped name, without DNS and without allowPrivateHosts', async () => {
    const lookup = fakeLookup({});
    const policy: EgressPolicy = { allowedHosts: ['parcelly.carrier.test'], devHosts: mapped, lookup };
    const res = await egressFetch({ url: `http://parcelly.carrier.test:${carrier.port}/v1/x` }, policy);
    expect(res).toMatchObject({ status: 200, body: `carrier /v1/x host=parcelly.carrier.test:${carrier.port}` });
    expect(lookup.calls).toEqual([]);
  });

  it('still requires the installation to have been granted the mapped name', async () => {
    const lookup = fakeLookup({});
    await expect(egressFetch({ url: `http://internal.test:${internal.port}/` }, { allowedHosts: ['parcelly.carrier.test'], devHosts: mapped, lookup }))
      .rejects.toMatchObject({ code: 'EGRESS_HOST_NOT_ALLOWED' });
    expect(lookup.calls).toEqual([]);
  });

  it('leaves an unmapped name to DNS and the address rules as before', async () => {
    const lookup = fakeLookup({ 'other.test': ['127.0.0.1'] });
    const policy: EgressPolicy = { allowedHosts: ['other.test', 'missing.test'], devHosts: mapped, lookup };
    await expect(egressFetch({ url: `http://other.test:${internal.port}/` }, policy)).rejects.toMatchObject({ code: 'EGRESS_ADDRESS_BLOCKED' });
    await expect(egressFetch({ url: `http://missing.test:${internal.port}/` }, policy)).rejects.toMatchObject({
      code: 'EGRESS_FAILED', message: expect.stringContaining("could not resolve host 'missing.test'"),
    });
    expect(lookup.calls).toEqual(['other.test', 'missing.test']);
  });

  it('checks a redirect hop to a mapped name like any other: refused when not granted, followed when granted', async () => {
    const lookup = fakeLookup({});
    const to = encodeURIComponent(`http://internal.test:${internal.port}/`);
    const url = `http://parcelly.carrier.test:${carrier.port}/redirect?to=${to}`;
    await expect(egressFetch({ url }, { allowedHosts: ['parcelly.carrier.test'], devHosts: mapped, lookup })).rejects.toMatchObject({
      code: 'EGRESS_HOST_NOT_ALLOWED', message: expect.stringContaining('reached by a redirect from'),
    });
    const back = encodeURIComponent(`http://parcelly.carrier.test:${carrier.port}/after`);
    const res = await egressFetch({ url: `http://parcelly.carrier.test:${carrier.port}/redirect?to=${back}` }, { allowedHosts: ['parcelly.carrier.test'], devHosts: mapped, lookup });
    expect(res).toMatchObject({ status: 200, body: expect.stringContaining('carrier /after') });
    expect(lookup.calls).toEqual([]);
  });

  it('refuses a policy whose mapping names anything but loopback, before any connection', async () => {
    await expect(egressFetch({ url: `http://parcelly.carrier.test:${carrier.port}/` }, { allowedHosts: ['parcelly.carrier.test'], devHosts: { 'parcelly.carrier.test': '10.0.0.1' } }))
      .rejects.toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
    expect(carrier.requests.splice(0).filter((r) => r.url === '/')).toEqual([]);
  });
});

describe('readDevHosts', () => {
  it('reads names in canonical form and loopback addresses', () => {
    expect(readDevHosts(' Parcelly.Carrier.Test.=127.0.0.1 , geocoder.maps.test=127.0.0.2,v6.test=[::1],w.test=::1')).toEqual({
      hosts: { 'parcelly.carrier.test': '127.0.0.1', 'geocoder.maps.test': '127.0.0.2', 'v6.test': '::1', 'w.test': '::1' },
      problems: [],
    });
    expect(readDevHosts('')).toEqual({ hosts: {}, problems: [] });
  });

  it.each([
    ['a.test=10.0.0.1', "a.test: '10.0.0.1' is not a loopback address"],
    ['a.test=169.254.169.254', 'is not a loopback address'],
    ['a.test=0.0.0.0', 'is not a loopback address'],
    ['a.test=8.8.8.8', 'is not a loopback address'],
    ['a.test=::ffff:127.0.0.1', 'is not a loopback address'],
    ['a.test=0x7f000001', 'is not a loopback address'],
    ['a.test=127.1', 'is not a loopback address'],
    ['a.test=localhost', 'is not a loopback address'],
    ['exa%2emple.com=127.0.0.1', 'exa%2emple.com'],
    ['*.carrier.test=127.0.0.1', '*.carrier.test'],
    ['127.0.0.1=127.0.0.1', 'is an IP address'],
    ['a.test=127.0.0.1,A.TEST=127.0.0.2', "'a.test' is mapped twice"],
    ['a.test', 'is not name=address'],
    ['a.test=127.0.0.1=x', 'is not name=address'],
  ])('refuses %s', (list, problem) => {
    const { problems } = readDevHosts(list);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});
