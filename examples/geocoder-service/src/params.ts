import type { Format, Rendering } from './nominatim.js';
import { MAX_PARTS, type SearchQuery } from './search.js';

/**
 * Reading and checking query parameters. Every refusal is a 400 with a stable code and a message
 * saying what to send instead; unknown parameters are ignored, as Nominatim does.
 */

export class BadRequest extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export const MAX_TEXT_LENGTH = 256;
export const MAX_LIMIT = 50;
const DEFAULT_LIMIT = 10;
// Structured fields Nominatim knows; street, postalcode and amenity are accepted but cannot narrow a city.
const STRUCTURED = ['street', 'city', 'county', 'state', 'country', 'postalcode', 'amenity'] as const;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const LANGUAGE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;

export interface SearchRequest { query: SearchQuery; rendering: Rendering }
export interface ReverseRequest { lat: number; lon: number; rendering: Rendering }

export function searchRequest(params: URLSearchParams, acceptLanguage: string | undefined): SearchRequest {
  const q = text(params, 'q');
  const fields = Object.fromEntries(STRUCTURED.map((name) => [name, text(params, name)]));
  const structured = STRUCTURED.some((name) => fields[name] !== undefined);
  if (q !== undefined && structured) {
    throw new BadRequest('MIXED_QUERY', 'send either q (free text) or structured fields (city, country, …), not both');
  }
  if (q === undefined && !structured) {
    throw new BadRequest('MISSING_QUERY', 'send q (free text) or at least one of street, city, county, state, country, postalcode');
  }
  if (q !== undefined && q.split(',').filter((part) => part.trim().length > 0).length > MAX_PARTS) {
    throw new BadRequest('TOO_MANY_PARTS', `q has at most ${MAX_PARTS} comma-separated parts (street, city, state, country, …)`);
  }
  const countryCodes = list(params, 'countrycodes');
  for (const code of countryCodes) {
    if (!/^[a-z]{2}$/i.test(code)) {
      throw new BadRequest('INVALID_COUNTRYCODES', 'countrycodes is a comma-separated list of two-letter ISO 3166-1 codes, e.g. de,ch');
    }
  }
  return {
    query: {
      ...(q !== undefined ? { text: q } : {}),
      ...(fields.city !== undefined ? { city: fields.city } : {}),
      ...(fields.county !== undefined ? { county: fields.county } : {}),
      ...(fields.state !== undefined ? { state: fields.state } : {}),
      ...(fields.country !== undefined ? { country: fields.country } : {}),
      countryCodes: countryCodes.map((c) => c.toUpperCase()),
      limit: limit(params),
    },
    rendering: rendering(params, acceptLanguage),
  };
}

export function reverseRequest(params: URLSearchParams, acceptLanguage: string | undefined): ReverseRequest {
  const lat = coordinate(params, 'lat', 90);
  const lon = coordinate(params, 'lon', 180);
  const zoom = single(params, 'zoom');
  if (zoom !== undefined && !(/^\d{1,2}$/.test(zoom) && Number(zoom) <= 18)) {
    throw new BadRequest('INVALID_ZOOM', 'zoom is a whole number from 0 to 18 (answers are always city-level here)');
  }
  return { lat, lon, rendering: rendering(params, acceptLanguage) };
}

function rendering(params: URLSearchParams, acceptLanguage: string | undefined): Rendering {
  const format = single(params, 'format') ?? 'json';
  if (format !== 'json' && format !== 'jsonv2') {
    throw new BadRequest('UNSUPPORTED_FORMAT', 'format must be json or jsonv2 (xml, geojson and geocodejson are not simulated)');
  }
  const details = single(params, 'addressdetails') ?? '1';
  if (details !== '0' && details !== '1') throw new BadRequest('INVALID_ADDRESSDETAILS', 'addressdetails is 0 or 1');
  return { format: format as Format, addressDetails: details === '1', language: language(single(params, 'accept-language') ?? acceptLanguage) };
}

/** The first language of an accept-language value ("de-CH,de;q=0.9" → "de-CH"); English otherwise. */
function language(value: string | undefined): string {
  const first = value?.split(',')[0]?.split(';')[0]?.trim() ?? '';
  return LANGUAGE.test(first) ? first : 'en';
}

function limit(params: URLSearchParams): number {
  const value = single(params, 'limit');
  if (value === undefined) return DEFAULT_LIMIT;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) throw new BadRequest('INVALID_LIMIT', `limit is a whole number from 1 to ${MAX_LIMIT}`);
  return n;
}

function coordinate(params: URLSearchParams, name: 'lat' | 'lon', bound: number): number {
  const value = single(params, name);
  if (value === undefined || value.trim() === '') throw new BadRequest('MISSING_COORDINATES', 'send both lat and lon, in decimal degrees');
  const n = DECIMAL.test(value) && value.length <= 32 ? Number(value) : NaN;
  if (!(Math.abs(n) <= bound)) {
    throw new BadRequest('INVALID_COORDINATES', `${name} is a decimal number of degrees from -${bound} to ${bound}`);
  }
  return n;
}

/** A free-text value: trimmed, at most 256 characters, no control characters; blank is absent. */
function text(params: URLSearchParams, name: string): string | undefined {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (value.length > MAX_TEXT_LENGTH) throw new BadRequest('QUERY_TOO_LONG', `${name} is at most ${MAX_TEXT_LENGTH} characters`);
  if (CONTROL.test(value)) throw new BadRequest('INVALID_CHARACTERS', `${name} must not contain control characters (tabs, line breaks, …)`);
  return value.trim() || undefined;
}

function list(params: URLSearchParams, name: string): string[] {
  return (single(params, name) ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new BadRequest('DUPLICATE_PARAMETER', `send ${name} once`);
  return values[0];
}
