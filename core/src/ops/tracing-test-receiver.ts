import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as a test reads it: ids, name and attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  /** OTLP status: code 2 is an error. */
  status?: { code?: number; message?: string };
  service: unknown;
  /** Nanoseconds since the epoch, as decimal strings (OTLP JSON). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Span events, their attributes flattened like the span's. */
  events: { name: string; attributes: Record<string, unknown> }[];
}

interface OtlpValue { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean }
interface OtlpAttribute { key: string; value: OtlpValue }

const valueOf = (v: OtlpValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue;
const flatten = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map((a) => [a.key, valueOf(a.value)]));

/**
 * A collector on loopback for tests: keeps every span POSTed to /v1/traces as the OTLP/HTTP
 * JSON exporter sends them, and lists every request it got.
 */
export async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; requests: string[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: (Omit<ReceivedSpan, 'attributes' | 'service' | 'events'> & {
            attributes: OtlpAttribute[]; events?: { name: string; attributes?: OtlpAttribute[] }[];
          })[] }[] }[];
        };
        for (const rs of body.resourceSpans) {
          const service = flatten(rs.resource.attributes)['service.name'];
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              const events = (s.events ?? []).map((e) => ({ name: e.name, attributes: flatten(e.attributes) }));
              spans.push({ ...s, attributes: flatten(s.attributes), service, events });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, requests, close: () => new Promise((r) => server.close(() => r())) };
}
