import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverFetch } from './server-fetch.js';

/** A loopback port nothing listens on any more. */
const closedPort = () => new Promise<number>((resolve) => {
  const probe = createTcpServer().listen(0, '127.0.0.1', () => {
    const address = probe.address();
    probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
  });
});

describe('the fetch the libsql client uses on a server', () => {
  let server: Server;
  let url: string;
  const seen: { method?: string; path?: string; namespace?: string; type?: string; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method, path: req.url, namespace: req.headers['x-namespace-bin'] as string | undefined,
          type: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8'),
        });
        if (req.url === '/empty') return void res.writeHead(204).end();
        if (req.url === '/missing') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such namespace');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the request with the added header and hands back status, headers and body', async () => {
    const fetchWith = serverFetch({ 'x-namespace-bin': 'dF9h' });
    const res = await fetchWith(new Request(`${url}/v2/pipeline?x=1`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"requests":[]}',
    }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ echoed: '{"requests":[]}' });
    expect(seen.at(-1)).toEqual({ method: 'POST', path: '/v2/pipeline?x=1', namespace: 'dF9h', type: 'application/json', body: '{"requests":[]}' });

    const again = await fetchWith(`${url}/v2/pipeline`, { method: 'POST', body: 'streamed' });
    expect(new TextDecoder().decode(await again.arrayBuffer())).toBe('{"echoed":"streamed"}');
    expect(await new Response(again.body).text()).toBe('{"echoed":"streamed"}'); // a cursor reads the body as a stream

    const get = await fetchWith(`${url}/v3`, { method: 'GET' });
    expect(get.ok).toBe(true);
    expect(seen.at(-1)).toMatchObject({ method: 'GET', path: '/v3', namespace: 'dF9h', body: '' });
    const empty = await fetchWith(`${url}/empty`);
    expect([empty.status, empty.ok, empty.body]).toEqual([204, true, null]);
    const missing = await fetchWith(`${url}/missing`);
    expect([missing.status, missing.ok, await missing.text()]).toEqual([404, false, 'no such namespace']);
  });

  it('rejects with the socket error code when nothing listens', async () => {
    const closed = await closedPort();
    await expect(serverFetch({})(`http://127.0.0.1:${closed}/v2`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
