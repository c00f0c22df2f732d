import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGazetteer, type Gazetteer } from './gazetteer.js';
import { LICENCE, toNominatim } from './nominatim.js';
import { BadRequest, reverseRequest, searchRequest } from './params.js';
import { rateLimiter, type RateLimit } from './rate-limit.js';
import { reverseGeocode } from './reverse.js';
import { searchPlaces } from './search.js';

export interface GeocoderServiceOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: this is a local simulation, not something to expose. */
  host?: string;
  /** When given, /search and /reverse need one of these in `x-api-key` or `?key=`. */
  apiKeys?: readonly string[];
  /** Per API key (or client address without keys); Nominatim's 1 request/s by default; false for none. */
  rateLimit?: RateLimit | false;
  /** /reverse answers "Unable to geocode" when no city is this close; 50 km by default. */
  reverseRadiusKm?: number;
  /** An already loaded gazetteer, so several services (e.g. in one test file) load it once. */
  gazetteer?: Gazetteer;
}

/** One request as the service saw it; API keys are never kept. */
export interface GeocoderRequest {
  method: string;
  /** Path and query, without `key`. */
  path: string;
  status: number;
  /** Whether it carried an API key the service accepted. */
  keyed: boolean;
  userAgent: string | undefined;
  at: string;
}

export interface GeocoderService {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  gazetteer: Gazetteer;
  /** The latest requests (at most 1000), oldest first. */
  requests: GeocoderRequest[];
  close(): Promise<void>;
}

const MAX_RECORDED = 1000;

type Answer = [status: number, body: unknown, headers?: Record<string, string>];

/** Starts the simulated geocoder; resolves once it is listening (loading the gazetteer takes ~0.5 s). */
export async function startGeocoderService(options: GeocoderServiceOptions = {}): Promise<GeocoderService> {
  const gazetteer = options.gazetteer ?? loadGazetteer();
  const keys = (options.apiKeys ?? []).map(digest);
  const limiter = options.rateLimit === false ? undefined : rateLimiter(options.rateLimit ?? { perSecond: 1 });
  const reverseRadiusKm = options.reverseRadiusKm ?? 50;
  if (!(reverseRadiusKm > 0 && reverseRadiusKm <= 1000)) throw new RangeError('reverseRadiusKm is more than 0 and at most 1000');
  const requests: GeocoderRequest[] = [];

  const answer = (req: IncomingMessage, url: URL, key: string | undefined, keyed: boolean): Answer => {
    const path = url.pathname.replace(/\.php$/, '').replace(/\/+$/, '') || '/';
    if (path === '/status' || path === '/healthz') {
      return [200, { status: 0, message: 'OK', places: gazetteer.size, licence: LICENCE }];
    }
    if (path !== '/search' && path !== '/reverse') {
      return [404, error('NOT_FOUND', `no route ${url.pathname}: try /search, /reverse or /status`)];
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return [405, error('METHOD_NOT_ALLOWED', 'use GET'), { allow: 'GET, HEAD' }];
    }
    if (keys.length > 0 && key === undefined) {
      return [401, error('API_KEY_REQUIRED', 'send your API key in the x-api-key header or the key parameter')];
    }
    if (keys.length > 0 && !keyed) return [401, error('INVALID_API_KEY', 'this API key is not known; check it for typos')];
    const wait = limiter?.take(key !== undefined ? `key ${digest(key).toString('hex')}` : `address ${req.socket.remoteAddress}`);
    if (wait) {
      return [429, error('RATE_LIMITED', `too many requests: wait ${wait} s (the policy allows ${policy(options.rateLimit)})`), { 'retry-after': String(wait) }];
    }
    const acceptLanguage = req.headers['accept-language'];
    try {
      if (path === '/search') {
        const { query, rendering } = searchRequest(url.searchParams, acceptLanguage);
        return [200, searchPlaces(gazetteer, query).map((place) => toNominatim(gazetteer, place, rendering))];
      }
      const { lat, lon, rendering } = reverseRequest(url.searchParams, acceptLanguage);
      const place = reverseGeocode(gazetteer, lat, lon, reverseRadiusKm);
      // Nominatim answers 200 with this body when there is nothing to name.
      if (!place) return [200, { error: 'Unable to geocode' }];
      return [200, toNominatim(gazetteer, place, rendering)];
    } catch (err) {
      if (err instanceof BadRequest) return [400, error(err.code, err.message)];
      throw err;
    }
  };

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://geocoder');
    } catch {
      send(res, 400, error('INVALID_URL', 'the request target is not a valid path'));
      return;
    }
    const key = apiKeyOf(req, url);
    const keyed = key !== undefined && keys.some((k) => timingSafeEqual(k, digest(key)));
    let status: number;
    let body: unknown;
    let headers: Record<string, string> | undefined;
    try {
      [status, body, headers] = answer(req, url, key, keyed);
    } catch {
      [status, body] = [500, error('INTERNAL', 'the geocoder failed on this request')];
    }
    url.searchParams.delete('key');
    requests.push({
      method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, status, keyed,
      userAgent: req.headers['user-agent'], at: new Date().toISOString(),
    });
    if (requests.length > MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);
    send(res, status, body, headers);
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
    gazetteer,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

function apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-api-key'];
  const value = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('key') ?? undefined;
  return value === undefined || value === '' ? undefined : value;
}

// Keys are compared (and remembered by the rate limiter) as digests: equal length, constant time.
const digest = (key: string) => createHash('sha256').update(key).digest();

const policy = (limit: RateLimit | false | undefined) =>
  limit ? `${limit.perSecond} request(s) per second${limit.burst ? `, bursts of ${limit.burst}` : ''}` : '1 request per second';

function error(code: string, message: string) {
  return { error: { code, message } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    // Nominatim allows browser callers; a maps mash-up may call it from a page.
    'access-control-allow-origin': '*',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : json);
}
