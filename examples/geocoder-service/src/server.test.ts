import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGazetteer, type Gazetteer } from './gazetteer.js';
import type { NominatimPlace } from './nominatim.js';
import { startGeocoderService, type GeocoderService } from './server.js';

// One gazetteer for every service in this file: loading it is the slow part (~0.5 s).
let gazetteer: Gazetteer;
let geocoder: GeocoderService;
beforeAll(async () => {
  gazetteer = loadGazetteer();
  geocoder = await startGeocoderService({ gazetteer, rateLimit: false });
});
afterAll(() => geocoder.close());

const get = (path: string, headers: Record<string, string> = {}, service = geocoder) => fetch(`${service.url}${path}`, { headers });
const search = async (query: string) => {
  const res = await get(`/search?${query}`);
  expect(res.status).toBe(200);
  return await res.json() as NominatimPlace[];
};
const refused = async (path: string, status: number, code: string, service = geocoder) => {
  const res = await get(path, {}, service);
  expect({ path, status: res.status, body: await res.json() }).toMatchObject({ path, status, body: { error: { code, message: expect.any(String) } } });
};

describe('GET /search', () => {
  it('answers free text in Nominatim JSON, at city precision', async () => {
    const [paris, ...rest] = await search('q=12+Rue+de+Rivoli,+Paris,+France&format=json');
    expect(rest).toEqual([]);
    expect(paris).toEqual({
      place_id: expect.any(Number),
      licence: expect.stringContaining('GeoNames'),
      lat: '48.85341',
      lon: '2.3488',
      class: 'place',
      type: 'city',
      place_rank: 16,
      importance: expect.any(Number),
      addresstype: 'city',
      name: 'Paris',
      display_name: 'Paris, Île-de-France, France',
      address: { city: 'Paris', county: 'Paris', state: 'Île-de-France', country: 'France', country_code: 'fr' },
      boundingbox: ['48.80841', '48.89841', '2.3038', '2.3938'],
    });
    expect(paris!.address).not.toHaveProperty('road');
    expect(paris!.importance).toBeGreaterThan(0.5);
    expect(paris!.importance).toBeLessThanOrEqual(1);
  });

  it('answers structured queries; jsonv2 says category instead of class', async () => {
    const [zurich] = await search('city=zurich&country=Switzerland&street=Bahnhofstrasse+1&postalcode=8001&format=jsonv2');
    expect(zurich).toMatchObject({ name: 'Zürich', category: 'place', type: 'city', address: { county: 'Bezirk Zürich', country_code: 'ch' } });
    expect(zurich).not.toHaveProperty('class');
  });

  it('matches without accents and ranks the prominent namesake first', async () => {
    const [saoPaulo] = await search('q=Sao+Paulo');
    expect(saoPaulo).toMatchObject({ name: 'São Paulo', address: { country_code: 'br' } });
    const parises = await search('q=paris&limit=5');
    expect(parises.map((p) => p.address?.country_code)).toEqual(['fr', ...parises.slice(1).map((p) => p.address?.country_code)]);
    expect(parises.map((p) => p.importance)).toEqual([...parises.map((p) => p.importance)].sort((a, b) => b - a));
  });

  it('keeps to countrycodes', async () => {
    const places = await search('q=Paris&countrycodes=us,ca&limit=50');
    expect(places.length).toBeGreaterThan(5);
    expect(new Set(places.map((p) => p.address?.country_code))).toEqual(new Set(['us', 'ca']));
    expect(await search('q=Zürich&countrycodes=de')).toEqual([]);
  });

  it('answers at most limit places (10 without one), and [] for unknown places', async () => {
    expect(await search('q=Springfield&limit=3')).toHaveLength(3);
    expect(await search('q=Springfield')).toHaveLength(10);
    expect(await search('q=Nowhere+Special+Xyzzy')).toEqual([]);
  });

  it('leaves out the address with addressdetails=0 and names countries in accept-language', async () => {
    const [plain] = await search('q=Berlin&addressdetails=0');
    expect(plain).not.toHaveProperty('address');
    const german = await get('/search?q=Zürich', { 'accept-language': 'de-CH,de;q=0.9' });
    expect((await german.json() as NominatimPlace[])[0]?.address?.country).toBe('Schweiz');
    const [french] = await search('q=Zürich&accept-language=fr');
    expect(french?.display_name).toBe('Zürich, Bezirk Zürich, Zurich, Suisse');
  });

  it('refuses bad input with 400 and a stable code', async () => {
    await refused(`/search?q=${'a'.repeat(257)}`, 400, 'QUERY_TOO_LONG');
    await refused(`/search?city=${'a'.repeat(257)}`, 400, 'QUERY_TOO_LONG');
    await refused('/search?q=Paris%0Abcc', 400, 'INVALID_CHARACTERS');
    await refused('/search?q=Paris%00', 400, 'INVALID_CHARACTERS');
    await refused('/search?q=Paris&city=Paris', 400, 'MIXED_QUERY');
    await refused('/search', 400, 'MISSING_QUERY');
    await refused('/search?q=%20%20', 400, 'MISSING_QUERY');
    for (const limit of ['0', '51', '-1', '1.5', 'ten', '']) await refused(`/search?q=Paris&limit=${limit}`, 400, 'INVALID_LIMIT');
    await refused('/search?q=Paris&countrycodes=fra', 400, 'INVALID_COUNTRYCODES');
    await refused('/search?q=Paris&format=xml', 400, 'UNSUPPORTED_FORMAT');
    await refused('/search?q=Paris&addressdetails=yes', 400, 'INVALID_ADDRESSDETAILS');
    await refused('/search?q=Paris&q=Berlin', 400, 'DUPLICATE_PARAMETER');
    await refused(`/search?q=${Array(11).fill('la').join(',')}`, 400, 'TOO_MANY_PARTS');
    // The longest allowed queries still answer, and quickly (each part is looked up).
    expect(await search(`q=${'a'.repeat(256)}`)).toEqual([]);
    const started = performance.now();
    expect((await search(`q=${encodeURIComponent('villa,ciudad,colonia,san juan,santa maria,san jose,nueva,puerto,bad,sankt')}&limit=50`)).length).toBe(50);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('GET /reverse', () => {
  it('answers the nearest city as one Nominatim place', async () => {
    const res = await get('/reverse?lat=47.3769&lon=8.5417&format=json');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Zürich', type: 'city', lat: '47.36667', lon: '8.55', address: { city: 'Zürich', country_code: 'ch' } });
    const paris = await (await get('/reverse?lat=48.8606&lon=2.3376')).json() as NominatimPlace;
    expect(paris).toMatchObject({ name: 'Paris', lat: '48.85341', address: { country_code: 'fr' } });
    const sydney = await (await get('/reverse?lat=-33.8688&lon=151.2093&format=jsonv2')).json() as NominatimPlace;
    expect(sydney.address?.country_code).toBe('au');
    expect(sydney.category).toBe('place');
  });

  it('says "Unable to geocode" far from any city, as Nominatim does', async () => {
    const res = await get('/reverse?lat=0&lon=-150');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ error: 'Unable to geocode' });
  });

  it('refuses missing, malformed and out-of-range coordinates', async () => {
    await refused('/reverse?lat=47.3', 400, 'MISSING_COORDINATES');
    await refused('/reverse?lon=8.5', 400, 'MISSING_COORDINATES');
    for (const [lat, lon] of [['91', '0'], ['-90.5', '0'], ['0', '180.01'], ['abc', '0'], ['1e2', '0'], ['0x10', '0'], ['NaN', '0'], ['Infinity', '0'], ['0', ' 5']]) {
      await refused(`/reverse?lat=${encodeURIComponent(lat!)}&lon=${encodeURIComponent(lon!)}`, 400, 'INVALID_COORDINATES');
    }
    await refused('/reverse?lat=1&lon=1&zoom=19', 400, 'INVALID_ZOOM');
    expect((await get('/reverse?lat=-90&lon=180')).status).toBe(200);
  });
});

describe('routes', () => {
  it('answers /status, 404 for other paths and 405 for other methods', async () => {
    expect(await (await get('/status')).json()).toMatchObject({ status: 0, message: 'OK', places: gazetteer.size });
    await refused('/lookup?osm_ids=R146656', 404, 'NOT_FOUND');
    const post = await fetch(`${geocoder.url}/search?q=Paris`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await get('/search.php?q=Paris&limit=1')).status).toBe(200);
  });
});

describe('API keys and the rate limit', () => {
  let keyed: GeocoderService;
  beforeAll(async () => {
    // One request per 5 s: slow enough that a busy machine cannot refill a bucket between requests.
    keyed = await startGeocoderService({ gazetteer, apiKeys: ['key-one', 'key-two', 'key-three'], rateLimit: { perSecond: 0.2 } });
  });
  afterAll(() => keyed.close());

  it('needs a known key in x-api-key or ?key=, before anything else', async () => {
    await refused('/search?q=Paris', 401, 'API_KEY_REQUIRED', keyed);
    await refused('/search?q=Paris&key=key-four', 401, 'INVALID_API_KEY', keyed);
    await refused(`/search?q=${'a'.repeat(300)}`, 401, 'API_KEY_REQUIRED', keyed);
    expect((await get('/search?q=Paris', { 'x-api-key': 'key-one' }, keyed)).status).toBe(200);
    expect((await get('/status', {}, keyed)).status).toBe(200);
  });

  it('answers 429 with Retry-After past the rate per key, and counts keys apart', async () => {
    expect((await get('/search?q=Lyon&key=key-two', {}, keyed)).status).toBe(200);
    const limited = await get('/search?q=Lyon&key=key-two', {}, keyed);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // Each key has its own allowance.
    expect((await get('/reverse?lat=45.75&lon=4.85', { 'x-api-key': 'key-three' }, keyed)).status).toBe(200);
  });

  it('records requests without the key', async () => {
    await get('/search?q=Lyon&key=key-one&limit=1', {}, keyed);
    const last = keyed.requests.at(-1)!;
    expect(last).toMatchObject({ method: 'GET', path: '/search?q=Lyon&limit=1', keyed: true });
    expect(JSON.stringify(keyed.requests)).not.toMatch(/key-(one|two|three|four)/);
  });
});

describe('startGeocoderService', () => {
  it('limits by client address without keys, and frees its port on close', async () => {
    const service = await startGeocoderService({ gazetteer, rateLimit: { perSecond: 0.1, burst: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/search?q=Oslo', {}, service)).status);
    expect(statuses).toEqual([200, 200, 429]);
    await service.close();
    await expect(fetch(`${service.url}/status`)).rejects.toThrow();
  });

  it('refuses a nonsensical reverse radius', async () => {
    await expect(startGeocoderService({ gazetteer, reverseRadiusKm: 0 })).rejects.toThrow(RangeError);
  });
});
