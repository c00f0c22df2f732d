// The operator's development allowance (allowPrivateHosts) names one loopback address; a plugin
// must reach it through that canonical spelling only, never through another way of writing it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { egressFetch, type EgressPolicy } from './index.js';
import { fakeLookup, startServer, type TestServer } from './test-servers.js';

let listener: TestServer;
beforeAll(async () => {
  listener = await startServer((_req, res) => res.end('loopback service'));
});
afterAll(() => listener.close());
afterEach(() => {
  listener.requests.length = 0;
});

const devPolicy: EgressPolicy = { allowedHosts: ['127.0.0.1'], allowPrivateHosts: ['127.0.0.1'], lookup: fakeLookup({}) };

// Each parses (WHATWG URL) to 127.0.0.1 or an IPv6 form of it.
const SPELLINGS = [
  '0x7f000001', '2130706433', '017700000001', '0177.0.0.1', '127.1', '0x7f.1', '127.0.0.0x1', '0x7f.0.0.1',
  '127.0.0.1.', '%31%32%37.0.0.1', '１２７.０.０.１', '127.000.000.001',
];
const IPV6_FORMS = ['[::ffff:7f00:1]', '[::ffff:127.0.0.1]', '[0:0:0:0:0:ffff:7f00:1]', '[::1]', '[0:0::1]', '[::7f00:1]'];

describe('egress guard with allowPrivateHosts = 127.0.0.1, against a real loopback listener', () => {
  it('lets a request to exactly the canonical allowed host through', async () => {
    const res = await egressFetch({ url: `http://127.0.0.1:${listener.port}/ok` }, devPolicy);
    expect(res).toMatchObject({ status: 200, body: 'loopback service' });
    expect(listener.requests.map((r) => r.url)).toEqual(['/ok']);
  });

  it.each(SPELLINGS)('refuses the spelling %j and the listener sees nothing', async (host) => {
    await expect(egressFetch({ url: `http://${host}:${listener.port}/` }, devPolicy)).rejects.toMatchObject({
      code: 'EGRESS_BAD_REQUEST',
      message: expect.stringContaining('written another way; write an IP address in its canonical form, 127.0.0.1'),
    });
    expect(listener.requests).toEqual([]);
  });

  it.each(IPV6_FORMS)('refuses the IPv6 form %j, which the allowance does not name', async (host) => {
    await expect(egressFetch({ url: `http://${host}:${listener.port}/` }, devPolicy)).rejects.toMatchObject({
      code: expect.stringMatching(/^EGRESS_(BAD_REQUEST|HOST_NOT_ALLOWED)$/),
    });
    // Even when the plugin's grant names the canonical IPv6 form, the allowance for 127.0.0.1 does not cover it.
    if (new URL(`http://${host}/`).hostname === host) {
      await expect(egressFetch({ url: `http://${host}:${listener.port}/` }, { ...devPolicy, allowedHosts: ['127.0.0.1', host] })).rejects.toMatchObject({
        code: 'EGRESS_ADDRESS_BLOCKED',
      });
    }
    expect(listener.requests).toEqual([]);
  });

  it('refuses the same spellings when they arrive as a redirect from the allowed host', async () => {
    const bouncer = await startServer((req, res) => {
      res.writeHead(302, { location: decodeURIComponent(req.url!.slice(1)) });
      res.end();
    });
    try {
      const policy = { ...devPolicy, allowedHosts: ['bounce.test', '127.0.0.1'], allowPrivateHosts: ['bounce.test', '127.0.0.1'], lookup: fakeLookup({ 'bounce.test': ['127.0.0.1'] }) };
      // A Location header is ASCII; the full-width spelling cannot be sent in one.
      const ascii = SPELLINGS.filter((host) => /^[\x21-\x7e]+$/.test(host));
      for (const host of ascii) {
        const to = encodeURIComponent(`http://${host}:${listener.port}/`);
        await expect(egressFetch({ url: `http://bounce.test:${bouncer.port}/${to}` }, policy)).rejects.toMatchObject({ code: 'EGRESS_BAD_REQUEST' });
      }
      expect(bouncer.requests).toHaveLength(ascii.length);
    } finally {
      await bouncer.close();
    }
    expect(listener.requests).toEqual([]);
  });

  it('refuses a grant that names the address another way (e.g. stored before this rule), even for the canonical URL', async () => {
    for (const grant of ['0x7f000001', '2130706433', '127.1']) {
      await expect(egressFetch({ url: `http://127.0.0.1:${listener.port}/` }, { ...devPolicy, allowedHosts: [grant] })).rejects.toMatchObject({
        code: 'EGRESS_BAD_REQUEST',
        message: expect.stringContaining(`'${grant}' is the IP address 127.0.0.1 written another way`),
      });
    }
    expect(listener.requests).toEqual([]);
  });

  it('refuses an operator allowance that names the address another way', async () => {
    await expect(egressFetch({ url: `http://127.0.0.1:${listener.port}/` }, { ...devPolicy, allowPrivateHosts: ['0x7f000001'] })).rejects.toMatchObject({
      code: 'EGRESS_BAD_REQUEST',
      message: expect.stringContaining('canonical form, 127.0.0.1'),
    });
    expect(listener.requests).toEqual([]);
  });

  it('compares names canonically on both sides: case, trailing dot and IDN do not matter', async () => {
    const lookup = fakeLookup({ 'dev.test': ['127.0.0.1'], 'xn--bcher-kva.test': ['127.0.0.1'] });
    const policy = { allowedHosts: ['Dev.Test', 'bücher.test'], allowPrivateHosts: ['DEV.test.', 'BÜCHER.test'], lookup };
    expect(await egressFetch({ url: `http://dev.TEST.:${listener.port}/a` }, policy)).toMatchObject({ status: 200, url: `http://dev.test:${listener.port}/a` });
    expect(await egressFetch({ url: `http://Bücher.test:${listener.port}/b` }, policy)).toMatchObject({ status: 200 });
    expect(listener.requests.map((r) => [r.url, r.headers.host])).toEqual([
      ['/a', `dev.test:${listener.port}`],
      ['/b', `xn--bcher-kva.test:${listener.port}`],
    ]);
    // A name allowed for private addresses does not extend to the address it resolves to.
    await expect(egressFetch({ url: `http://127.0.0.1:${listener.port}/` }, { ...policy, allowedHosts: ['dev.test', '127.0.0.1'] })).rejects.toMatchObject({
      code: 'EGRESS_ADDRESS_BLOCKED',
    });
    expect(listener.requests).toHaveLength(2);
  });
});
