import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isUnknown, shipmentFor, TRACKING_NUMBER } from './shipments.js';

export interface CarrierServiceOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: this is a local simulation, not something to expose. */
  host?: string;
  /** The bearer token clients must send; defaults to the CARRIER_TOKEN environment variable. */
  token?: string;
  /** Added before every answer, to exercise a client's timeouts. */
  delayMs?: number;
}

/** One request as the service saw it; the token itself is never kept. */
export interface CarrierRequest {
  method: string;
  path: string;
  status: number;
  /** Whether it carried the right bearer token. */
  authorized: boolean;
  userAgent: string | undefined;
  at: string;
}

export interface CarrierService {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Every request answered so far, oldest first. */
  requests: CarrierRequest[];
  close(): Promise<void>;
}

const SHIPMENT_PATH = /^\/v1\/shipments\/([^/]+)$/;

/** Starts the simulated carrier API; resolves once it is listening. */
export async function startCarrierService(options: CarrierServiceOptions = {}): Promise<CarrierService> {
  const token = options.token ?? process.env.CARRIER_TOKEN;
  if (!token) throw new Error('the carrier service needs a token: pass { token } or set CARRIER_TOKEN');
  const expected = Buffer.from(`Bearer ${token}`);
  const requests: CarrierRequest[] = [];
  const delayMs = options.delayMs ?? 0;

  const server = createServer((req, res) => {
    const authorized = isAuthorized(req.headers.authorization, expected);
    const [status, body, headers] = route(req, authorized);
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status,
      authorized,
      userAgent: req.headers['user-agent'],
      at: new Date().toISOString(),
    });
    setTimeout(() => send(res, status, body, headers), delayMs);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

type Answer = [status: number, body: unknown, headers?: Record<string, string>];

function route(req: IncomingMessage, authorized: boolean): Answer {
  const path = new URL(req.url ?? '/', 'http://carrier').pathname;
  if (path === '/healthz') return [200, { ok: true }];
  const match = SHIPMENT_PATH.exec(path);
  if (!match) return [404, { error: 'not_found', message: `no route ${path}` }];
  if (req.method !== 'GET' && req.method !== 'HEAD') return [405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' }];
  // Authentication before anything about the shipment, so an unauthenticated caller learns nothing.
  if (!authorized) {
    return [401, { error: 'unauthorized', message: 'send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer realm="carrier"' }];
  }
  const trackingNumber = decoded(match[1] ?? '').toUpperCase();
  if (!TRACKING_NUMBER.test(trackingNumber)) {
    return [400, { error: 'invalid_tracking_number', message: 'a tracking number is 8 to 40 letters and digits' }];
  }
  if (isUnknown(trackingNumber)) return [404, { error: 'not_found', message: `no shipment ${trackingNumber}` }];
  return [200, shipmentFor(trackingNumber)];
}

/** Malformed escapes give '' (which no tracking number matches) rather than a thrown error. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function isAuthorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : json);
}
