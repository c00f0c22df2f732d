import { describe, expect, it } from 'vitest';
import { HarnessError } from './test-errors.js';
import { createFetchCapability, NOT_RECORDED, type FetchOptions, type RecordedFetch } from './test-fetch.js';

function fetcher(overrides: Partial<FetchOptions> = {}) {
  const seen: RecordedFetch[] = [];
  const fetch = createFetchCapability({
    pluginId: 'acme.tracking',
    grantedEgress: ['api.carrier.example', '*.maps.example'],
    secrets: { TOKEN: 's3cret' },
    responses: {
      'https://api.carrier.example/t/1': { json: { ok: true } },
      'POST https://api.carrier.example/t': (req) => ({ status: 201, body: `got ${req.body}`, headers: { 'X-Id': '7' } }),
      'https://tiles.maps.example/z': { error: 'EGRESS_TIMEOUT' },
    },
    limits: { maxFetchesPerCall: 3, maxFetchBytesPerCall: 1000, maxResponseBytes: 100 },
    record: (f) => seen.push(f),
    ...overrides,
  });
  return { fetch, seen };
}

const refusal = (code: string, message?: string | RegExp) => expect.objectContaining({ code, ...(message && { message: expect.stringMatching(message) }) });

describe('harness fetch', () => {
  it('answers from recordings, filling secrets into headers as the request leaves', async () => {
    const { fetch, seen } = fetcher();
    expect(await fetch({ url: 'https://api.carrier.example/t/1', headers: { authorization: 'Bearer {{secret:TOKEN}}' } }))
      .toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
    expect(await fetch({ url: 'https://api.carrier.example/t', method: 'post', body: 'x' }))
      .toEqual({ status: 201, headers: { 'x-id': '7' }, body: 'got x' });
    expect(seen).toEqual([
      { method: 'GET', url: 'https://api.carrier.example/t/1', headers: { authorization: 'Bearer s3cret', 'user-agent': 'mosaic-plugin-egress/1' }, recorded: true, status: 200 },
      { method: 'POST', url: 'https://api.carrier.example/t', headers: { 'user-agent': 'mosaic-plugin-egress/1' }, body: 'x', recorded: true, status: 201 },
    ]);
  });

  it('refuses ungranted hosts before anything else, like core egress', async () => {
    const { fetch, seen } = fetcher();
    await expect(fetch({ url: 'https://evil.example/x', headers: { a: '{{secret:NOPE}}' } }))
      .rejects.toEqual(refusal('EGRESS_HOST_NOT_ALLOWED', /^host 'evil\.example' is not in this plugin's allowed hosts/));
    await expect(fetch({ url: 'https://maps.example/' })).rejects.toEqual(refusal('EGRESS_HOST_NOT_ALLOWED'));
    expect(seen).toEqual([]);
    const none = fetcher({ grantedEgress: [] }).fetch;
    await expect(none({ url: 'https://api.carrier.example/t/1' })).rejects.toEqual(refusal('FORBIDDEN', /was granted no egress hosts/));
  });

  it('matches wildcards below the domain and replays recorded failures', async () => {
    const { fetch, seen } = fetcher();
    await expect(fetch({ url: 'https://tiles.maps.example/z' })).rejects.toEqual(refusal('EGRESS_TIMEOUT'));
    expect(seen[0]).toMatchObject({ recorded: true, error: { code: 'EGRESS_TIMEOUT' } });
  });

  it('fails an unrecorded URL with a message naming it', async () => {
    const { fetch, seen } = fetcher();
    await expect(fetch({ url: 'https://api.carrier.example/t/2' }))
      .rejects.toEqual(refusal(NOT_RECORDED, 'no recorded response for GET https://api.carrier.example/t/2'));
    // A recording keyed by method answers that method only; one keyed by URL answers any.
    await expect(fetch({ url: 'https://api.carrier.example/t' })).rejects.toEqual(refusal(NOT_RECORDED));
    expect(await fetch({ url: 'https://api.carrier.example/t/1', method: 'DELETE' })).toMatchObject({ status: 200 });
    expect(seen.map((f) => f.recorded)).toEqual([false, false, true]);
  });

  it('refuses what core refuses: bad URLs, unknown secrets, host-owned headers, GET bodies', async () => {
    const { fetch } = fetcher();
    await expect(fetch({ url: 'ftp://api.carrier.example/' })).rejects.toEqual(refusal('EGRESS_BAD_REQUEST', /scheme 'ftp:'/));
    await expect(fetch({ url: 'https://api.carrier.example/{{secret:TOKEN}}' })).rejects.toEqual(refusal('EGRESS_BAD_REQUEST', /placeholder/));
    await expect(fetch({ url: 'https://api.carrier.example/t/1', headers: { x: '{{secret:OTHER}}' } }))
      .rejects.toEqual(refusal('EGRESS_BAD_REQUEST', "refers to secret 'OTHER'"));
    await expect(fetch({ url: 'https://api.carrier.example/t/1', headers: { Host: 'x' } })).rejects.toEqual(refusal('EGRESS_BAD_REQUEST', /controlled by the host/));
    await expect(fetch({ url: 'https://api.carrier.example/t/1', body: 'x' })).rejects.toEqual(refusal('EGRESS_BAD_REQUEST', 'a GET request cannot have a body'));
  });

  it('reads the URL host as core does: an IP address only in canonical form, names compared canonically', async () => {
    const { fetch, seen } = fetcher({
      grantedEgress: ['127.0.0.1', 'api.carrier.example'],
      responses: { 'http://127.0.0.1/x': { body: 'ok' }, 'https://api.carrier.example/t/1': { body: 'ok' } },
    });
    for (const host of ['0x7f000001', '2130706433', '0177.0.0.1', '127.1', '0x7f.1', '127.0.0.0x1', '127.0.0.1.', '%31%32%37.0.0.1']) {
      await expect(fetch({ url: `http://${host}/x` })).rejects.toEqual(refusal('EGRESS_BAD_REQUEST', /written another way; write an IP address in its canonical form, 127\.0\.0\.1/));
    }
    await expect(fetch({ url: 'http://[::ffff:7f00:1]/x' })).rejects.toEqual(refusal('EGRESS_HOST_NOT_ALLOWED'));
    expect(seen).toEqual([]);
    expect(await fetch({ url: 'http://127.0.0.1/x' })).toMatchObject({ status: 200 });
    expect(await fetch({ url: 'https://API.Carrier.Example./t/1' })).toMatchObject({ status: 200 });
  });

  it.each(['Proxy', 'Proxy-Authorization', 'Forwarded', 'Via', 'X-Forwarded-For', 'x-forwarded-proto', 'X-Real-IP', 'True-Client-IP'])(
    'refuses the header %s, as core does',
    async (name) => {
      const { fetch, seen } = fetcher();
      await expect(fetch({ url: 'https://api.carrier.example/t/1', headers: { [name]: '127.0.0.1' } })).rejects.toEqual(refusal('EGRESS_BAD_REQUEST', `header '${name}'`));
      expect(seen).toEqual([]);
    },
  );

  it('holds each call to core\'s fetch count and byte limits', async () => {
    const { fetch } = fetcher();
    for (let i = 0; i < 3; i++) await fetch({ url: 'https://api.carrier.example/t/1' });
    await expect(fetch({ url: 'https://api.carrier.example/t/1' })).rejects.toEqual(refusal('LIMIT_EXCEEDED', 'at most 3 times per call'));
    const big = fetcher({ responses: { 'https://api.carrier.example/big': { body: 'x'.repeat(101) } } }).fetch;
    await expect(big({ url: 'https://api.carrier.example/big' })).rejects.toEqual(refusal('EGRESS_TOO_LARGE'));
  });

  it('rejects recordings that are not absolute URLs', () => {
    expect(() => fetcher({ responses: { '/relative': { json: 1 } } })).toThrow(HarnessError);
  });
});
