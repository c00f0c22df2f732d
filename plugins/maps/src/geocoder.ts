import type { PluginContext } from '@mosaic/sdk';
import { geocodeKey, normaliseAddress, type PostalAddress } from './address.js';
import type { Config } from './config.js';

/**
 * Addresses to coordinates through a Nominatim-compatible geocoder (structured search, one GET
 * per address), cached in the plugin's storage by normalised address. An address that changes
 * is a different key, so it is geocoded afresh; the old entry is dropped by the update events.
 * Written for Mosaic's per-call limits (100 host calls, 10 fetches): a page of many new
 * addresses is geocoded over several requests instead of failing as a whole.
 */

export type Precision = 'ADDRESS' | 'STREET' | 'POSTCODE' | 'CITY' | 'REGION' | 'COUNTRY';

/** The shape of Mosaic_Maps_Location. */
export interface GeoLocation {
  lat: number;
  lon: number;
  precision: Precision;
  /** Who placed it: the geocoder and what it matched, e.g. "geocoder: Paris, Île-de-France, France". */
  source: string;
}

/** What storage keeps per address; `location` null means the geocoder found nothing (also worth remembering). */
export interface GeocodeEntry {
  address: string;
  location: GeoLocation | null;
  geocodedAt: string;
}

/** `unavailable`: we could not ask this time (logged, not cached); the next request asks again. */
type Answer = { state: 'found'; location: GeoLocation } | { state: 'not_found' } | { state: 'unavailable' };
export type Geocode = Answer & {
  /** Asked of the geocoder in this call (not from the cache). */
  fetched?: boolean;
  /** When the geocoder gave this answer (absent when it could not be asked). */
  geocodedAt?: string;
};

/** Addresses one call looks up in storage (one `getMany`, whose limit is 100); the rest wait for a later request. */
const MAX_ADDRESSES = 50;

/**
 * Geocodes several addresses at once, each distinct address once; answers by normalised address.
 * `known`: entries already at hand (the subjects' own copies), read from the address cache no more.
 */
export async function geocodeAll(
  addresses: ReadonlyArray<PostalAddress | null | undefined>,
  ctx: PluginContext<Config>,
  known: ReadonlyMap<string, GeocodeEntry> = new Map(),
): Promise<Map<string, Geocode>> {
  const byNormalised = new Map<string, PostalAddress>();
  for (const a of addresses) if (a && !byNormalised.has(normaliseAddress(a))) byNormalised.set(normaliseAddress(a), a);
  const out = new Map<string, Geocode>();
  for (const normalised of byNormalised.keys()) {
    const entry = known.get(normalised);
    if (entry) out.set(normalised, geocodeOf(entry));
  }
  const distinct = [...byNormalised.keys()].filter((normalised) => !out.has(normalised));
  const readable = distinct.slice(0, MAX_ADDRESSES);
  const cached = await readEntries(readable, ctx);
  const missing: string[] = [];
  readable.forEach((normalised, i) => {
    const entry = cached[i];
    if (entry) out.set(normalised, geocodeOf(entry));
    else missing.push(normalised);
  });
  const budget = ctx.config.maxLookupsPerCall;
  const deferred = Math.max(0, missing.length - budget) + (distinct.length - readable.length);
  if (deferred > 0) ctx.log.info(`${deferred} addresses left to geocode on a later request (per-call limits)`, { deferred });
  await Promise.all(missing.slice(0, budget).map(async (normalised) => {
    out.set(normalised, { ...(await lookUp(normalised, byNormalised.get(normalised)!, ctx)), fetched: true });
  }));
  return out;
}

/** One address; `null` when it has none. */
export async function geocodeOne(address: PostalAddress | null | undefined, ctx: PluginContext<Config>): Promise<Geocode | null> {
  if (!address) return null;
  return (await geocodeAll([address], ctx)).get(normaliseAddress(address)) ?? { state: 'unavailable' };
}

const geocodeOf = (entry: GeocodeEntry): Geocode =>
  (entry.location ? { state: 'found', location: entry.location, geocodedAt: entry.geocodedAt } : { state: 'not_found', geocodedAt: entry.geocodedAt });

export const locationOf = (geocode: Geocode | null | undefined): GeoLocation | null => (geocode?.state === 'found' ? geocode.location : null);

/** The cached entry of each address, in order: one host call for all of them. */
async function readEntries(normalised: readonly string[], ctx: PluginContext<Config>): Promise<(GeocodeEntry | null)[]> {
  if (normalised.length === 0) return [];
  const entries = (await ctx.storage.getMany(normalised.map(geocodeKey))) as (GeocodeEntry | null)[];
  // A hashed key shared by another address is a miss, never someone else's coordinates.
  return entries.map((entry, i) => (entry && entry.address === normalised[i] ? entry : null));
}

async function lookUp(normalised: string, address: PostalAddress, ctx: PluginContext<Config>): Promise<Geocode> {
  const url = searchUrl(address, ctx.config.geocoderBaseUrl);
  if (!url) {
    ctx.log.error('geocoderBaseUrl must be an http(s) URL', { geocoderBaseUrl: ctx.config.geocoderBaseUrl });
    return { state: 'unavailable' };
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  // The host fills in the secret after the request leaves the sandbox; the plugin never sees it.
  if (ctx.config.sendApiKey) headers['x-api-key'] = '{{secret:GEOCODER_API_KEY}}';
  let places: unknown;
  try {
    const response = await ctx.fetch(url, { headers });
    if (response.status === 401 || response.status === 403) {
      ctx.log.error('the geocoder refused our credentials; check the GEOCODER_API_KEY secret and sendApiKey', { status: response.status });
      return { state: 'unavailable' };
    }
    if (response.status !== 200) {
      ctx.log.warn('the geocoder answered with an error', { status: response.status, retryAfter: response.headers['retry-after'] ?? null });
      return { state: 'unavailable' };
    }
    places = await response.json();
  } catch (error) {
    ctx.log.warn('could not reach the geocoder', { error: describe(error) });
    return { state: 'unavailable' };
  }
  if (!Array.isArray(places)) {
    ctx.log.warn('the geocoder answered in an unexpected shape');
    return { state: 'unavailable' };
  }
  const location = places.length ? readPlace(places[0]) : null;
  if (places.length && !location) {
    ctx.log.warn('the geocoder answered in an unexpected shape');
    return { state: 'unavailable' };
  }
  const entry: GeocodeEntry = { address: normalised, location, geocodedAt: new Date().toISOString() };
  await ctx.storage.set(geocodeKey(normalised), entry as unknown as Parameters<typeof ctx.storage.set>[1]);
  return geocodeOf(entry);
}

/**
 * Nominatim's structured search for the address (street, city, state, postcode, country as an ISO
 * code), best match only; null when the base URL is not http(s).
 */
export function searchUrl(address: PostalAddress, baseUrl: string): string | null {
  if (!/^https?:\/\/[^/?#]+/i.test(baseUrl)) return null;
  const params: Array<[string, string | null | undefined]> = [
    ['street', address.line1],
    ['city', address.city],
    ['state', address.region],
    ['postalcode', address.postalCode],
    ['country', address.country],
    ['format', 'jsonv2'],
    ['limit', '1'],
    ['addressdetails', '1'],
  ];
  const query = params
    .filter((p): p is [string, string] => typeof p[1] === 'string' && p[1].trim() !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(value.trim())}`)
    .join('&');
  return `${baseUrl.replace(/\/+$/, '')}/search?${query}`;
}

/** A Nominatim place (json or jsonv2) as a location, or null when it is not one. */
export function readPlace(place: unknown): GeoLocation | null {
  if (place === null || typeof place !== 'object') return null;
  const p = place as Record<string, unknown>;
  // Nominatim sends coordinates as strings.
  const lat = Number(p.lat);
  const lon = Number(p.lon);
  if (typeof p.lat !== 'string' && typeof p.lat !== 'number') return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const name = typeof p.display_name === 'string' ? p.display_name : typeof p.name === 'string' ? p.name : 'unnamed place';
  return { lat, lon, precision: precisionOf(p), source: `geocoder: ${name}`.slice(0, 300) };
}

const ADDRESS_TYPES: Record<string, Precision> = {
  house: 'ADDRESS', building: 'ADDRESS', amenity: 'ADDRESS', shop: 'ADDRESS', office: 'ADDRESS',
  road: 'STREET', street: 'STREET',
  postcode: 'POSTCODE',
  city: 'CITY', town: 'CITY', village: 'CITY', hamlet: 'CITY', suburb: 'CITY', neighbourhood: 'CITY', quarter: 'CITY', municipality: 'CITY',
  county: 'REGION', state: 'REGION', region: 'REGION', province: 'REGION', state_district: 'REGION',
  country: 'COUNTRY',
};

/** How exact the match is: Nominatim's `addresstype`, else its `place_rank` (30 a house … 4 a country). */
function precisionOf(p: Record<string, unknown>): Precision {
  const byType = typeof p.addresstype === 'string' ? ADDRESS_TYPES[p.addresstype] : undefined;
  if (byType) return byType;
  const rank = typeof p.place_rank === 'number' ? p.place_rank : 16;
  if (rank >= 28) return 'ADDRESS';
  if (rank >= 26) return 'STREET';
  if (rank >= 12) return 'CITY';
  if (rank >= 5) return 'REGION';
  return 'COUNTRY';
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' ? `${e.code}: ${message}` : message;
}
