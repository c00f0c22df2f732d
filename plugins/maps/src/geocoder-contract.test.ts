import { KNOWN_CITIES, loadGazetteer, startGeocoderService, type GeocoderService } from '@mosaic/example-geocoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address } from './fixtures.js';
import { readPlace, searchUrl } from './geocoder.js';

// The plugin's request and its reading of the answer, against the simulated geocoder over HTTP:
// every city the demo's customers live in is found at city precision from a full street address.
describe('the geocoder contract', () => {
  let geocoder: GeocoderService;
  beforeAll(async () => {
    geocoder = await startGeocoderService({ gazetteer: loadGazetteer(), rateLimit: false });
  });
  afterAll(async () => {
    await geocoder.close();
  });

  it('places each known city from a street address with its postal code', async () => {
    for (const c of KNOWN_CITIES) {
      const res = await fetch(searchUrl(address('1 Main Street', c.name, c.country, '1000'), geocoder.url)!);
      expect(res.status, c.name).toBe(200);
      const places = await res.json() as unknown[];
      expect(readPlace(places[0]), c.name).toEqual({ lat: c.lat, lon: c.lon, precision: 'CITY', source: expect.stringContaining('geocoder: ') });
    }
  });

  it('gets an empty list for a city the gazetteer lacks, and refuses a base URL that is not http(s)', async () => {
    const res = await fetch(searchUrl(address('1 Main Street', 'Atlantis', 'FR'), geocoder.url)!);
    expect(await res.json()).toEqual([]);
    expect(searchUrl(address('x', 'Paris', 'FR'), 'ftp://geocoder.maps.test')).toBeNull();
    expect(searchUrl(address('x', 'Paris', 'FR'), 'http://geocoder.maps.test:4300/')).toBe(
      'http://geocoder.maps.test:4300/search?street=x&city=Paris&country=FR&format=jsonv2&limit=1&addressdetails=1',
    );
  });

  it('reads precision from Nominatim\'s addresstype or place_rank', () => {
    const place = (extra: Record<string, unknown>) => ({ lat: '1.5', lon: '2.5', display_name: 'X', ...extra });
    expect(readPlace(place({ addresstype: 'house' }))?.precision).toBe('ADDRESS');
    expect(readPlace(place({ addresstype: 'road' }))?.precision).toBe('STREET');
    expect(readPlace(place({ addresstype: 'postcode' }))?.precision).toBe('POSTCODE');
    expect(readPlace(place({ addresstype: 'town' }))?.precision).toBe('CITY');
    expect(readPlace(place({ addresstype: 'state' }))?.precision).toBe('REGION');
    expect(readPlace(place({ addresstype: 'country' }))?.precision).toBe('COUNTRY');
    expect(readPlace(place({ place_rank: 30 }))?.precision).toBe('ADDRESS');
    expect(readPlace(place({ place_rank: 4 }))?.precision).toBe('COUNTRY');
    expect(readPlace(place({}))).toEqual({ lat: 1.5, lon: 2.5, precision: 'CITY', source: 'geocoder: X' });
    for (const bad of [null, 'x', { lat: 'north', lon: '1' }, { lat: '91', lon: '0' }, { lon: '0' }]) expect(readPlace(bad)).toBeNull();
  });
});
