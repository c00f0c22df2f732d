import { beforeAll, describe, expect, it } from 'vitest';
import { greatCircleKm, loadGazetteer, type Gazetteer } from './gazetteer.js';
import { EXONYMS } from './exonyms.js';
import { KNOWN_CITIES } from './known-cities.js';
import { normalise } from './normalise.js';
import { rateLimiter } from './rate-limit.js';
import { searchPlaces, type SearchQuery } from './search.js';

let gazetteer: Gazetteer;
beforeAll(() => {
  gazetteer = loadGazetteer();
});

const first = (query: Partial<SearchQuery>) => {
  const [place] = searchPlaces(gazetteer, { limit: 5, ...query });
  return place && `${place.name}/${place.state ?? ''}/${place.countryCode}`;
};

describe('normalise', () => {
  it('ignores case, accents, punctuation and letters NFD leaves whole', () => {
    expect(normalise('Zürich')).toBe('zurich');
    expect(normalise('  SÃO   Paulo ')).toBe('sao paulo');
    expect(normalise('Saint-Étienne')).toBe('saint etienne');
    expect(normalise('Łódź')).toBe('lodz');
    expect(normalise('St. Louis')).toBe('st louis');
    expect(normalise('Plain Name 12')).toBe('plain name 12');
  });
});

describe('the gazetteer', () => {
  it('loads every place with coordinates in range', () => {
    expect(gazetteer.size).toBeGreaterThan(100_000);
    for (let i = 0; i < gazetteer.size; i += 997) {
      const place = gazetteer.place(i);
      expect(Math.abs(place.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(place.lon)).toBeLessThanOrEqual(180);
      expect(place.countryCode).toMatch(/^[A-Z]{2}$/);
    }
    expect(() => gazetteer.place(gazetteer.size)).toThrow(RangeError);
  });

  it('names countries through ICU in several languages, and the usual aliases', () => {
    const { codeFor, nameOf } = gazetteer.countries;
    expect(['Switzerland', 'Schweiz', 'Suisse', 'ch', 'CH'].map(codeFor)).toEqual(['CH', 'CH', 'CH', 'CH', 'CH']);
    expect(['USA', 'United States', 'UK', 'Deutschland', 'Brasil', 'Espana'].map(codeFor)).toEqual(['US', 'US', 'GB', 'DE', 'BR', 'ES']);
    expect(codeFor('Atlantis')).toBeUndefined();
    expect(codeFor('zz')).toBeUndefined();
    expect(nameOf('DE')).toBe('Germany');
    expect(nameOf('DE', 'de')).toBe('Deutschland');
    expect(nameOf('DE', 'not a language!')).toBe('Germany');
  });

  it('finds the nearest place by great-circle distance, across the antimeridian, and nothing at sea', () => {
    const zurich = gazetteer.nearest(47.3667, 8.55, 50)!;
    expect(gazetteer.place(zurich.index).name).toBe('Zürich');
    expect(zurich.km).toBeLessThan(0.1);
    // Fiji's Taveuni lies on 180°: a point just east of it must still find places just west.
    const fiji = gazetteer.nearest(-16.8, -179.99, 100);
    expect(fiji && gazetteer.place(fiji.index).countryCode).toBe('FJ');
    expect(gazetteer.nearest(0, -150, 50)).toBeUndefined();
    expect(gazetteer.nearest(89.9, 0, 50)).toBeUndefined();
    expect(greatCircleKm(48.85341, 2.3488, 51.50853, -0.12574)).toBeCloseTo(343.5, 0);
  });
});

describe('searchPlaces', () => {
  it('matches names case- and accent-insensitively', () => {
    expect(first({ text: 'Zürich' })).toBe('Zürich/Zurich/CH');
    expect(first({ text: 'ZURICH' })).toBe('Zürich/Zurich/CH');
    expect(first({ text: 'Sao Paulo' })).toBe('São Paulo/São Paulo/BR');
    expect(first({ text: 'lodz' })).toBe('Łódź/Łódź Voivodeship/PL');
  });

  it('finds the city in an address with street, house number and postcode', () => {
    expect(first({ text: '12 Rue de Rivoli, Paris, France' })).toBe('Paris/Île-de-France/FR');
    expect(first({ text: 'Bahnhofstrasse 5, 8001 Zürich, Schweiz' })).toBe('Zürich/Zurich/CH');
    expect(first({ text: '75001 Paris' })).toBe('Paris/Île-de-France/FR');
    expect(first({ text: '12 Rue de Rivoli Paris' })).toBe('Paris/Île-de-France/FR');
    expect(first({ text: 'Paris France' })).toBe('Paris/Île-de-France/FR');
    expect(first({ text: 'Berlin DE' })).toBe('Berlin/State of Berlin/DE');
  });

  it('ranks the prominent namesake first, and lets a state or country decide', () => {
    expect(first({ text: 'Paris' })).toBe('Paris/Île-de-France/FR');
    expect(first({ text: 'London' })).toBe('London/England/GB');
    expect(first({ text: 'Paris, Texas' })).toBe('Paris/Texas/US');
    expect(first({ text: 'Springfield, IL' })).toBe('Springfield/Illinois/US');
    expect(first({ text: 'Springfield, Illinois, USA' })).toBe('Springfield/Illinois/US');
    // Georgia is also a country (GE) with no Atlanta: the part is then read as the US state.
    expect(first({ text: 'Atlanta, Georgia' })).toBe('Atlanta/Georgia/US');
    expect(first({ text: 'London, Canada' })).toBe('London/Ontario/CA');
    // …but a country with no such city is not dropped for a namesake elsewhere.
    expect(searchPlaces(gazetteer, { text: 'Lyon, Germany', limit: 5 })).toEqual([]);
  });

  it('filters by countrycodes always, and by a structured country', () => {
    expect(first({ text: 'Paris', countryCodes: ['CA'] })).toBe('Paris/Ontario/CA');
    expect(searchPlaces(gazetteer, { text: 'Zürich', countryCodes: ['DE'], limit: 5 })).toEqual([]);
    expect(first({ city: 'London', country: 'CA' })).toBe('London/Ontario/CA');
    expect(first({ city: 'springfield', state: 'Missouri' })).toBe('Springfield/Missouri/US');
    expect(searchPlaces(gazetteer, { city: 'Paris', country: 'Atlantis', limit: 5 })).toEqual([]);
    expect(searchPlaces(gazetteer, { country: 'France', limit: 5 })).toEqual([]);
  });

  it('knows a few large cities by their other names, before places really called so', () => {
    expect(first({ text: 'Cologne' })).toBe('Köln/North Rhine-Westphalia/DE');
    expect(first({ text: 'Cologne, Germany' })).toBe('Köln/North Rhine-Westphalia/DE');
    expect(first({ text: 'Cologne, Italy' })).toBe('Cologne/Lombardy/IT');
    expect(first({ city: 'münchen', country: 'DE' })).toBe('Munich/Bavaria/DE');
    for (const [other, name, country] of EXONYMS) {
      const [place] = searchPlaces(gazetteer, { text: other, limit: 1 });
      expect({ other, name: place?.name, country: place?.countryCode }).toEqual({ other, name, country });
    }
  });

  it('falls back to names that start with the query, after exact ones', () => {
    const frankfurts = searchPlaces(gazetteer, { text: 'Frankfurt, Germany', limit: 5 }).map((p) => p.name);
    expect(frankfurts).toEqual(['Frankfurt am Main', 'Frankfurt (Oder)']);
    expect(first({ text: 'New York' })).toBe('New York City/New York/US');
    expect(searchPlaces(gazetteer, { text: 'xyzzy plugh', limit: 5 })).toEqual([]);
  });

  it('answers at most limit places, in the same order every time', () => {
    const places = searchPlaces(gazetteer, { text: 'Springfield', limit: 7 });
    expect(places).toHaveLength(7);
    expect(new Set(places.map((p) => p.index)).size).toBe(7);
    expect(searchPlaces(gazetteer, { text: 'springfield', limit: 7 })).toEqual(places);
  });

  it('resolves every KNOWN_CITIES entry to that place, free text and structured', () => {
    for (const city of KNOWN_CITIES) {
      const country = gazetteer.countries.nameOf(city.country);
      for (const query of [{ text: `${city.name}, ${country}` }, { text: `${city.name}, ${city.country}` }, { city: city.name, country: city.country }]) {
        const [place] = searchPlaces(gazetteer, { limit: 1, ...query });
        expect({ query, name: place?.name, country: place?.countryCode, state: place?.state, lat: place?.lat, lon: place?.lon })
          .toEqual({ query, name: city.name, country: city.country, state: city.state, lat: city.lat, lon: city.lon });
      }
    }
  });
});

describe('rateLimiter', () => {
  it('lets one request a second through per caller and says how long to wait', () => {
    const limiter = rateLimiter({ perSecond: 1 });
    expect(limiter.take('a', 1_000)).toBe(0);
    expect(limiter.take('a', 1_400)).toBe(1);
    expect(limiter.take('b', 1_400)).toBe(0);
    expect(limiter.take('a', 2_000)).toBe(0);
  });

  it('allows bursts and slower rates', () => {
    const limiter = rateLimiter({ perSecond: 0.25, burst: 2 });
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0, 4]);
    expect(limiter.take('a', 4_000)).toBe(0);
    expect(() => rateLimiter({ perSecond: 0 })).toThrow(RangeError);
  });
});
