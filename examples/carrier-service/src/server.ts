import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminRoute } from './admin.js';
import { createFaults, type FaultStatus } from './faults.js';
import { checkUrl, credentialHeader, matchesCredential, objectWith, readJson, RequestError, type Answer } from './input.js';
import type { Journey, Scenario } from './journey.js';
import { createRateLimiter, type RateLimit } from './rate-limit.js';
import { SHIPFAST_BATCH_LIMIT, SHIPFAST_NUMBER, shipfastResult, type ShipFastResult } from './shipfast.js';
import { ShipmentBook, type CarrierName } from './shipment-book.js';
import { DEFAULT_EPOCH, parcellyShipment, TRACKING_NUMBER } from './shipments.js';
import { createWebhookDispatcher, type Subscription, type WebhookDelivery, type WebhookDuplicates } from './webhooks.js';

export interface CarrierServiceOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: this is a local simulation, not something to expose. */
  host?: string;
  /** Parcelly's bearer token; defaults to the CARRIER_TOKEN environment variable. */
  token?: string;
  /** ShipFast's API keys (X-Api-Key); defaults to CARRIER_SHIPFAST_KEYS (comma-separated). None: ShipFast refuses every request. */
  shipfastKeys?: string[];
  /** Guards /admin/* with `authorization: Bearer <adminToken>`; defaults to CARRIER_ADMIN_TOKEN. None: the admin API is open. */
  adminToken?: string;
  /** Added before every answer, to exercise a client's timeouts. */
  delayMs?: number;
  /** The simulation's clock; tests inject one to move time. */
  now?: () => Date;
  /**
   * Where derived (unregistered) journeys are anchored. Default: with an injected clock, its
   * time at start; otherwise DEFAULT_EPOCH, so shipmentFor() in the same process agrees.
   */
  epoch?: Date;
  /** Journey hours per real hour (60: an hour of a journey passes in a minute). Default 1. */
  speed?: number;
  /** Per API key; `false` turns metering off. Default 120 requests per 60 s. */
  rateLimit?: RateLimit | false;
  /** Share (0..1) of carrier requests answered 503 at random. Default 0. */
  failureRate?: number;
  /** Webhook subscribers from the start (more through POST /admin/subscriptions). */
  subscriptions?: Subscription[];
  /** How often the clock is checked for webhook-worthy events; 0: only on tick(). Default 1000. */
  tickMs?: number;
  /** Deliberate second deliveries, for receivers to prove idempotency. Default 'never'. */
  webhookDuplicates?: WebhookDuplicates;
  /** Per webhook POST. Default 5000. */
  webhookTimeoutMs?: number;
  /** Tries per webhook delivery. Default 3. */
  webhookAttempts?: number;
  /** Before the second try, doubling after. Default 500. */
  webhookRetryDelayMs?: number;
}

/** One request as the service saw it; credentials themselves are never kept. */
export interface CarrierRequest {
  method: string;
  path: string;
  status: number;
  /** Whether it carried a valid credential for its API. */
  authorized: boolean;
  userAgent: string | undefined;
  at: string;
}

export interface RegisterShipment {
  carrier: CarrierName;
  scenario: Scenario;
  /** Generated (PY… or SF… and ten digits) when absent. */
  trackingNumber?: string;
  /** How long ago (journey hours) the label was created; ignored for `delivered`. */
  ageHours?: number;
}

export interface CarrierService {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Every request answered so far, oldest first. */
  requests: CarrierRequest[];
  /** Every webhook POST so far, oldest first. */
  webhookDeliveries: WebhookDelivery[];
  /** Same as POST /admin/shipments; throws a RequestError for a taken number. */
  register(shipment: RegisterShipment): Journey;
  /** Same as POST /admin/faults: the next `count` carrier requests fail with `status`. */
  failNext(count: number, status?: FaultStatus): void;
  /** Same as POST /admin/subscriptions. */
  subscribe(subscription: Subscription): void;
  /** Same as POST /admin/tick: announces what happened since the last check. */
  tick(): Promise<WebhookDelivery[]>;
  close(): Promise<void>;
}

interface Seen {
  authorized: boolean;
}

const DEFAULT_RATE_LIMIT: RateLimit = { limit: 120, windowSeconds: 60 };

/** Starts the simulated carriers; resolves once they are listening. */
export async function startCarrierService(options: CarrierServiceOptions = {}): Promise<CarrierService> {
  const token = options.token ?? process.env.CARRIER_TOKEN;
  if (!token) throw new Error('the carrier service needs a token: pass { token } or set CARRIER_TOKEN');
  const shipfastKeys = (options.shipfastKeys ?? (process.env.CARRIER_SHIPFAST_KEYS ?? '').split(',')).map((k) => k.trim()).filter(Boolean);
  const adminToken = options.adminToken ?? (process.env.CARRIER_ADMIN_TOKEN || undefined);
  const clock = options.now ?? (() => new Date());
  const now = () => clock().getTime();
  const epoch = options.epoch?.getTime() ?? (options.now ? now() : DEFAULT_EPOCH);
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error('speed must be a positive number');
  const failureRate = options.failureRate ?? 0;
  if (!(failureRate >= 0 && failureRate <= 1)) throw new Error('failureRate must be between 0 and 1');

  const book = new ShipmentBook(epoch, speed);
  const faults = createFaults(failureRate);
  const rateLimit = options.rateLimit === false ? null : createRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const webhooks = createWebhookDispatcher(book, now, {
    duplicates: options.webhookDuplicates ?? 'never',
    timeoutMs: options.webhookTimeoutMs ?? 5000,
    attempts: options.webhookAttempts ?? 3,
    retryDelayMs: options.webhookRetryDelayMs ?? 500,
  });
  for (const subscription of options.subscriptions ?? []) webhooks.subscribe(subscription);
  const requests: CarrierRequest[] = [];
  const delayMs = options.delayMs ?? 0;

  const register = ({ carrier, scenario, trackingNumber, ageHours }: RegisterShipment): Journey => {
    const journey = book.register(carrier, scenario, now(), { trackingNumber, ageMs: ((ageHours ?? 0) * 3_600_000) / speed });
    if (journey === 'exists') throw new RequestError(409, 'already_registered', `${carrier} already has a shipment ${trackingNumber}`, { field: 'trackingNumber' });
    if (journey === 'full') throw new RequestError(409, 'too_many_shipments', 'the simulator holds as many shipments as it will; restart it');
    return journey;
  };

  /** Past authentication, every carrier request is metered per key, then may fail on purpose. */
  const gate = (key: string) => {
    const decision = rateLimit?.(key, now());
    if (decision && !decision.allowed) {
      throw new RequestError(429, 'rate_limited', `more than the allowed requests in this window; retry in ${decision.retryAfterSeconds} s`,
        { headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    }
    const fault = faults.next();
    if (fault !== null) throw new RequestError(fault, fault === 503 ? 'unavailable' : 'server_error', 'the carrier failed to answer; try again later');
  };

  /** `seen.authorized` records, for the request log, whether the credential was right (also when a later check refuses). */
  async function parcelly(req: IncomingMessage, number: string, seen: Seen): Promise<Answer> {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') return [405, { error: 'method_not_allowed', message: 'use GET' }, { allow: 'GET, HEAD' }];
    seen.authorized = matchesCredential(credentialHeader(req, 'authorization'), [`Bearer ${token}`]);
    // Authentication before anything about the shipment, so an unauthenticated caller learns nothing.
    if (!seen.authorized) {
      return [401, { error: 'unauthorized', message: 'send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer realm="carrier"' }];
    }
    gate('parcelly');
    const trackingNumber = decoded(number).toUpperCase();
    if (!TRACKING_NUMBER.test(trackingNumber)) {
      return [400, { error: 'invalid_tracking_number', message: 'a tracking number is 8 to 40 letters and digits' }];
    }
    const journey = book.lookup('parcelly', trackingNumber, now());
    if (!journey) return [404, { error: 'not_found', message: `no shipment ${trackingNumber}` }];
    return [200, parcellyShipment(journey, now())];
  }

  async function shipfast(req: IncomingMessage, seen: Seen): Promise<Answer> {
    if (req.method !== 'POST') {
      req.resume();
      throw new RequestError(405, 'method_not_allowed', 'use POST with { "numbers": [...] }', { headers: { allow: 'POST' } });
    }
    const key = credentialHeader(req, 'x-api-key');
    const body = objectWith(await readJson(req), ['numbers']);
    const numbers = body.numbers;
    if (!Array.isArray(numbers) || numbers.length === 0 || numbers.length > SHIPFAST_BATCH_LIMIT
      || !numbers.every((n): n is string => typeof n === 'string' && n.length <= 64)) {
      throw new RequestError(400, 'invalid_field', `numbers must be 1 to ${SHIPFAST_BATCH_LIMIT} strings of at most 64 characters`, { field: 'numbers' });
    }
    seen.authorized = matchesCredential(key, shipfastKeys);
    if (!seen.authorized) {
      const message = shipfastKeys.length ? 'send a valid X-Api-Key header' : 'ShipFast has no API key configured (shipfastKeys or CARRIER_SHIPFAST_KEYS)';
      return [401, { error: { code: 'unauthorized', message } }];
    }
    gate(`shipfast:${key}`);
    const results = numbers.map((raw): ShipFastResult => {
      const number = raw.trim().toUpperCase();
      if (!SHIPFAST_NUMBER.test(number)) return { number: raw, found: false, reason: 'invalid_number' };
      const journey = book.lookup('shipfast', number, now());
      return journey ? shipfastResult(journey, now()) : { number, found: false, reason: 'unknown_number' };
    });
    return [200, { requested: numbers.length, results }];
  }

  async function route(req: IncomingMessage, seen: Seen): Promise<Answer> {
    const path = checkUrl(req);
    if (path === '/healthz') {
      req.resume();
      return [200, { ok: true }];
    }
    const parcellyPath = /^\/v1\/shipments\/([^/]+)$/.exec(path);
    if (parcellyPath) return parcelly(req, parcellyPath[1] ?? '', seen);
    if (path === '/api/track') return shipfast(req, seen);
    if (path.startsWith('/admin/')) {
      const answer = await adminRoute(req, path, { adminToken, register, faults, webhooks, now });
      seen.authorized = answer[0] !== 401;
      return answer;
    }
    req.resume();
    return [404, { error: 'not_found', message: `no route ${path}` }];
  }

  const server = createServer((req, res) => {
    const seen: Seen = { authorized: false };
    void route(req, seen).catch((error: unknown) => failure(error, req.url ?? '')).then(([status, body, headers]) => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status, authorized: seen.authorized, userAgent: req.headers['user-agent'], at: new Date(now()).toISOString() });
      setTimeout(() => send(res, status, body, headers), delayMs);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const tickMs = options.tickMs ?? 1000;
  const timer = tickMs > 0 ? setInterval(() => {
    if (webhooks.subscriptions.length) void webhooks.tick();
  }, tickMs) : undefined;
  timer?.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    webhookDeliveries: webhooks.deliveries,
    register,
    failNext: (count, status) => void faults.failNext(count, status),
    subscribe: (subscription) => void webhooks.subscribe(subscription),
    tick: () => webhooks.tick(),
    close: () => new Promise<void>((resolve, reject) => {
      clearInterval(timer);
      webhooks.stop();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

/** A refused request in the envelope of the API it was sent to: ShipFast nests its errors. */
function failure(error: unknown, url: string): Answer {
  const known = error instanceof RequestError ? error : new RequestError(500, 'server_error', 'the simulator failed; see its output');
  if (!(error instanceof RequestError)) console.error(error);
  const field = known.extra.field ? { field: known.extra.field } : {};
  const body = url.startsWith('/api/') ? { error: { code: known.code, message: known.message, ...field } } : { error: known.code, message: known.message, ...field };
  // An unread remainder of an oversized body would otherwise be taken for the next request.
  const close: Record<string, string> = known.status === 413 ? { connection: 'close' } : {};
  return [known.status, body, { ...known.extra.headers, ...close }];
}

/** Malformed escapes give '' (which no tracking number matches) rather than a thrown error. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : json);
}
