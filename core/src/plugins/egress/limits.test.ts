import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { egressFetch, type EgressPolicy } from './index.js';
import { fakeLookup, startServer, type TestServer } from './test-servers.js';

const TEN_MB = 10 * 1024 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, 'x');

let server: TestServer;
let policy: EgressPolicy;
// What the /huge handler managed to write before the client went away.
const huge = { written: 0, finished: false, closed: Promise.resolve() };

/** Writes up to 10 MB without a content-length, respecting backpressure, until the peer leaves. */
function streamHuge(res: ServerResponse): void {
  huge.written = 0;
  huge.finished = false;
  huge.closed = new Promise((resolve) => res.on('close', () => resolve()));
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const pump = () => {
    while (huge.written < TEN_MB && !res.destroyed) {
      huge.written += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(() => { huge.finished = true; });
  };
  pump();
}

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/huge') return streamHuge(res);
    if (req.url === '/announced') {
      res.writeHead(200, { 'content-length': String(TEN_MB) });
      return res.end(Buffer.alloc(TEN_MB));
    }
    if (req.url === '/exact') return res.end(Buffer.alloc(64 * 1024, 'y'));
    if (req.url === '/slow-body') {
      res.writeHead(200);
      res.write('partial');
      return; // never ends
    }
    if (req.url === '/hang') return; // never answers
    res.end('ok');
  });
  policy = {
    allowedHosts: ['carrier.test', 'slowdns.test'],
    allowPrivateHosts: ['carrier.test', 'slowdns.test'],
    lookup: fakeLookup({ 'carrier.test': ['127.0.0.1'] }),
  };
});
afterAll(() => server.close());

const at = (path: string) => `http://carrier.test:${server.port}${path}`;

describe('response size cap', () => {
  it('aborts a 10 MB streamed response at a 64 KB cap and closes the connection', async () => {
    await expect(egressFetch({ url: at('/huge') }, { ...policy, maxResponseBytes: 64 * 1024 })).rejects.toMatchObject({
      code: 'EGRESS_TOO_LARGE',
      message: expect.stringContaining('limit of 65536 bytes'),
    });
    await huge.closed;
    expect(huge.finished).toBe(false);
    expect(huge.written).toBeLessThan(TEN_MB);
  });

  it('refuses a response whose content-length already exceeds the cap', async () => {
    await expect(egressFetch({ url: at('/announced') }, { ...policy, maxResponseBytes: 64 * 1024 })).rejects.toMatchObject({
      code: 'EGRESS_TOO_LARGE',
      message: expect.stringContaining(`announced ${TEN_MB} bytes`),
    });
  });

  it('accepts a body of exactly the cap', async () => {
    const res = await egressFetch({ url: at('/exact') }, { ...policy, maxResponseBytes: 64 * 1024 });
    expect(res.body.length).toBe(64 * 1024);
  });
});

describe('whole-request deadline', () => {
  it('times out a server that never answers', async () => {
    const started = Date.now();
    await expect(egressFetch({ url: at('/hang') }, { ...policy, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'EGRESS_TIMEOUT',
      message: expect.stringContaining('within 300 ms'),
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a body that never finishes', async () => {
    await expect(egressFetch({ url: at('/slow-body') }, { ...policy, timeoutMs: 300 })).rejects.toMatchObject({ code: 'EGRESS_TIMEOUT' });
  });

  it('counts DNS resolution against the deadline', async () => {
    const lookup = () => new Promise<never>(() => {});
    const started = Date.now();
    await expect(egressFetch({ url: 'http://slowdns.test/' }, { ...policy, lookup, timeoutMs: 200 })).rejects.toMatchObject({ code: 'EGRESS_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
