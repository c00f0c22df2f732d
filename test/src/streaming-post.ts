import { request } from 'node:http';

export interface StreamedAnswer {
  /** The status the server answered with, or null if it closed the connection without one. */
  status: number | null;
  body: string;
  /** How much of the body was written before the server answered or closed. */
  bytesSent: number;
}

/**
 * POSTs a body of up to `totalBytes` to `url` in chunks, as a client that does not say how long
 * it is (chunked) or that declares `declaredLength` up front, and stops writing as soon as the
 * server answers or closes: memory on both sides stays at one chunk.
 */
export function streamingPost(
  url: string,
  opts: { headers?: Record<string, string>; totalBytes: number; chunkBytes?: number; prefix?: string; declaredLength?: number },
): Promise<StreamedAnswer> {
  const chunk = Buffer.alloc(opts.chunkBytes ?? 64 * 1024, 'a');
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let settled = false;
    let answered = false;
    const finish = (answer: StreamedAnswer) => {
      if (!settled) {
        settled = true;
        resolve(answer);
      }
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (opts.declaredLength !== undefined) headers['content-length'] = String(opts.declaredLength);
    const req = request(url, { method: 'POST', headers });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => { finish({ status: res.statusCode ?? null, body, bytesSent }); req.destroy(); });
      res.on('error', () => finish({ status: res.statusCode ?? null, body, bytesSent }));
    });
    // A server that stops reading and closes makes writes fail: that is an answer too.
    req.on('error', (err) => (answered ? undefined : bytesSent > 0 ? finish({ status: null, body: String(err), bytesSent }) : reject(err)));
    req.on('close', () => finish({ status: null, body: '', bytesSent }));
    const pump = () => {
      if (bytesSent === 0 && opts.prefix) {
        req.write(opts.prefix);
        bytesSent += Buffer.byteLength(opts.prefix);
      }
      while (!answered && !req.destroyed && bytesSent < opts.totalBytes) {
        bytesSent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && !req.destroyed && bytesSent >= opts.totalBytes) req.end();
    };
    pump();
  });
}
