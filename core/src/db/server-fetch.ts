import { Agent, request } from 'node:http';
import { request as requestTls, Agent as TlsAgent } from 'node:https';

/**
 * Kept-alive connections to libsql servers. Idle sockets do not hold the process open (Node
 * unrefs a pooled socket), and one the server closed (a restart) leaves the pool by itself.
 */
const agents = { http: new Agent({ keepAlive: true }), https: new TlsAgent({ keepAlive: true }) };

/** Statuses a Response must have no body with. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * An answer read whole, with what the libsql client asks of a Response: status, headers, the body
 * as JSON, text or bytes, and as a stream (cursors). An undici Response builds WHATWG streams
 * for each answer, which on small Hrana answers cost more CPU than the server took to make them.
 */
class BufferedResponse {
  readonly ok: boolean;
  #stream: ReadableStream<Uint8Array> | null | undefined;
  constructor(readonly status: number, readonly headers: Headers, readonly data: Buffer | null) {
    this.ok = status >= 200 && status < 300;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream === undefined) this.#stream = this.data ? new Blob([new Uint8Array(this.data)]).stream() : null;
    return this.#stream;
  }

  async text(): Promise<string> {
    return this.data ? this.data.toString('utf8') : '';
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const data = this.data ?? Buffer.alloc(0);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }
}

/**
 * The `fetch` the libsql client sends its Hrana requests with, on node:http with kept-alive
 * connections, adding `headers` (the namespace) to each. Global fetch (undici) built and parsed
 * each request through WHATWG streams: on a transaction of eight statements, eight requests in a
 * row, that CPU was a large part of a write's time on a busy machine. A socket error rejects with
 * Node's own error (its `code`, e.g. ECONNREFUSED, is what failures.ts recognises).
 */
export function serverFetch(headers: Record<string, string>): typeof fetch {
  return (async (input: Request | string | URL, init?: RequestInit) => {
    const req = input instanceof Request && init === undefined ? input : new Request(input, init);
    const url = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.from(await req.arrayBuffer());
    const sent: Record<string, string> = { ...Object.fromEntries(req.headers), ...headers };
    if (body) sent['content-length'] = String(body.length);
    const tls = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      const outgoing = (tls ? requestTls : request)({
        agent: tls ? agents.https : agents.http,
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: sent,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') responseHeaders.set(name, value);
          }
          const status = res.statusCode ?? 502;
          resolve(new BufferedResponse(status, responseHeaders, NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks)) as unknown as Response);
        });
        res.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }) as typeof fetch;
}
