import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import diagnostics from 'node:diagnostics_channel';
import { egressConnectChannel, egressFetch, type EgressConnectEvent, type EgressPolicy } from './index.js';
import { fakeLookup, startServer, type TestServer } from './test-servers.js';

// The "internal service" an attacker wants: every test asserts it saw nothing.
let internal: TestServer;
beforeAll(async () => {
  internal = await startServer((_req, res) => res.end('internal secrets'));
});
afterAll(() => internal.close());
afterEach(() => {
  const seen = internal.requests.splice(0); // reset first, so one failure does not cascade
  expect(seen).toEqual([]);
});

const refused = (url: string, policy: EgressPolicy, code: string) =>
  expect(egressFetch({ url }, policy)).rejects.toMatchObject({ name: 'EgressError', code });

describe('allowlist', () => {
  it('refuses a host not in the allowlist before resolving or connecting', async () => {
    const lookup = fakeLookup({ 'internal.test': ['127.0.0.1'] });
    const policy = { allowedHosts: ['carrier.test'], allowPrivateHosts: ['internal.test'], lookup };
    await expect(egressFetch({ url: `http://internal.test:${internal.port}/` }, policy)).rejects.toMatchObject({
      code: 'EGRESS_HOST_NOT_ALLOWED',
      message: expect.stringContaining("host 'internal.test' is not in this plugin's allowed hosts"),
    });
    expect(lookup.calls).toEqual([]);
  });

  it('does not let allowPrivateHosts alone make a host reachable', async () => {
    const lookup = fakeLookup({ 'dev.test': ['127.0.0.1'] });
    await refused(`http://dev.test:${internal.port}/`, { allowedHosts: [], allowPrivateHosts: ['dev.test'], lookup }, 'EGRESS_HOST_NOT_ALLOWED');
  });

  it('refuses an IP literal that the allowlist does not name', async () => {
    await refused(`http://127.0.0.1:${internal.port}/`, { allowedHosts: ['carrier.test'] }, 'EGRESS_HOST_NOT_ALLOWED');
    await refused(`http://[::1]:${internal.port}/`, { allowedHosts: ['*.carrier.test'] }, 'EGRESS_HOST_NOT_ALLOWED');
  });
});

describe('address rules on IP literals', () => {
  // Even when the plugin's allowlist names the literal, a non-public address is refused.
  it.each([
    '127.0.0.1', '[::1]', '[::ffff:7f00:1]', '[::7f00:1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::1]', '169.254.169.254',
    '[::ffff:a9fe:a9fe]', '[fe80::1]', '0.0.0.0', '[::]', '10.0.0.1', '192.168.0.1', '100.64.0.1', '[fd00::1]', '224.0.0.1',
    '255.255.255.255',
  ])('refuses http://%s', async (host) => {
    expect(new URL(`http://${host}/`).hostname).toBe(host);
    const lookup = fakeLookup({});
    await refused(`http://${host}:${internal.port}/`, { allowedHosts: [host], lookup }, 'EGRESS_ADDRESS_BLOCKED');
    expect(lookup.calls).toEqual([]);
  });

  // WHATWG URL parsing turns each of these into the address on the right. They are refused as
  // written, before any allowlist or address check: only the canonical spelling names an address.
  it.each([
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
    ['[0:0:0:0:0:ffff:127.0.0.1]', '[::ffff:7f00:1]'],
    ['[::127.0.0.1]', '[::7f00:1]'],
    ['[64:ff9b::127.0.0.1]', '[64:ff9b::7f00:1]'],
    ['[::ffff:169.254.169.254]', '[::ffff:a9fe:a9fe]'],
    ['0', '0.0.0.0'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
  ])('refuses http://%s, a spelling of %s', async (host, canonical) => {
    expect(new URL(`http://${host}/`).hostname).toBe(canonical);
    const lookup = fakeLookup({});
    await expect(egressFetch({ url: `http://${host}:${internal.port}/` }, { allowedHosts: [canonical], lookup })).rejects.toMatchObject({
      code: 'EGRESS_BAD_REQUEST',
      message: expect.stringContaining(`written another way; write an IP address in its canonical form, ${canonical}`),
    });
    expect(lookup.calls).toEqual([]);
  });

  it('allows a private literal only when the operator lists it in allowPrivateHosts', async () => {
    const res = await egressFetch(
      { url: `http://127.0.0.1:${internal.port}/` },
      { allowedHosts: ['127.0.0.1'], allowPrivateHosts: ['127.0.0.1'] },
    );
    expect(res.body).toBe('internal secrets');
    internal.requests.length = 0; // this one was meant to get through
  });

  it.each(['169.254.169.254', '0.0.0.0', '[::]', '[fe80::1]'])(
    'never allows %s, not even for allowPrivateHosts',
    async (host) => {
      await refused(`http://${host}:${internal.port}/`, { allowedHosts: [host], allowPrivateHosts: [host] }, 'EGRESS_ADDRESS_BLOCKED');
    },
  );
});

describe('address rules after DNS', () => {
  it('refuses an allowed name that resolves to loopback', async () => {
    const lookup = fakeLookup({ 'evil.test': ['127.0.0.1'] });
    await expect(egressFetch({ url: `http://evil.test:${internal.port}/` }, { allowedHosts: ['evil.test'], lookup })).rejects.toMatchObject({
      code: 'EGRESS_ADDRESS_BLOCKED',
      message: "host 'evil.test' resolves to an address that is not public (loopback); plugins may only reach public internet addresses",
    });
  });

  it.each([
    [['93.184.215.14', '127.0.0.1']],
    [['127.0.0.1', '93.184.215.14']],
    [['2606:4700::1', '::ffff:127.0.0.1']],
    [['93.184.215.14', '169.254.169.254']],
    [['93.184.215.14', '10.0.0.7']],
  ])('refuses a name resolving to public and non-public addresses %j', async (addresses) => {
    const lookup = fakeLookup({ 'mixed.test': addresses });
    await refused(`http://mixed.test:${internal.port}/`, { allowedHosts: ['mixed.test'], lookup }, 'EGRESS_ADDRESS_BLOCKED');
  });

  it('refuses a wildcard-allowed name that resolves to the metadata address', async () => {
    const lookup = fakeLookup({ 'meta.cloud.test': ['169.254.169.254'] });
    await refused('http://meta.cloud.test/latest/meta-data/', { allowedHosts: ['*.cloud.test'], lookup }, 'EGRESS_ADDRESS_BLOCKED');
  });

  it('refuses localhost through the real resolver', async () => {
    await refused(`http://localhost:${internal.port}/`, { allowedHosts: ['localhost'] }, 'EGRESS_ADDRESS_BLOCKED');
  });

  it('reports a name that does not resolve as EGRESS_FAILED', async () => {
    await expect(egressFetch({ url: 'http://nowhere.test/' }, { allowedHosts: ['nowhere.test'], lookup: fakeLookup({}) })).rejects.toMatchObject({
      code: 'EGRESS_FAILED',
      message: "could not resolve host 'nowhere.test' (ENOTFOUND)",
    });
  });
});

describe('DNS rebinding: the socket goes to the vetted address', () => {
  const events: EgressConnectEvent[] = [];
  const onConnect = (e: unknown) => events.push(e as EgressConnectEvent);
  beforeAll(() => diagnostics.subscribe(egressConnectChannel.name, onConnect));
  afterAll(() => diagnostics.unsubscribe(egressConnectChannel.name, onConnect));
  afterEach(() => { events.length = 0; });

  it('resolves once and connects to the public answer, never to a later loopback answer', async () => {
    const answers = [['93.184.215.14'], ['127.0.0.1']];
    const lookup = fakeLookup({ 'rebind.test': () => answers.shift() ?? ['127.0.0.1'] });
    // The public address is not ours, so the outcome of that connection depends on the network;
    // what matters is where it went and that loopback was never tried.
    await egressFetch({ url: `http://rebind.test:${internal.port}/` }, { allowedHosts: ['rebind.test'], lookup, timeoutMs: 500 }).catch(() => undefined);
    expect(lookup.calls).toEqual(['rebind.test']);
    expect(events).toEqual([{ hostname: 'rebind.test', addresses: [{ address: '93.184.215.14', family: 4 }] }]);
  });

  it('serves from the vetted loopback address while a rebound answer points elsewhere', async () => {
    // Two servers on the same port: 127.0.0.1 (vetted) and 127.0.0.2 (the rebound answer).
    const vetted = await startServer((_req, res) => res.end('vetted'), '127.0.0.1');
    const rebound = await startServer((_req, res) => res.end('rebound'), '127.0.0.2', vetted.port);
    try {
      const answers = [['127.0.0.1']];
      const lookup = fakeLookup({ 'rebind.test': () => answers.shift() ?? ['127.0.0.2'] });
      const policy = { allowedHosts: ['rebind.test'], allowPrivateHosts: ['rebind.test'], lookup };
      const res = await egressFetch({ url: `http://rebind.test:${vetted.port}/` }, policy);
      expect(res.body).toBe('vetted');
      expect(lookup.calls).toEqual(['rebind.test']);
      expect(rebound.requests).toEqual([]);
      expect(events.map((e) => e.addresses)).toEqual([[{ address: '127.0.0.1', family: 4 }]]);
    } finally {
      await Promise.all([vetted.close(), rebound.close()]);
    }
  });
});
