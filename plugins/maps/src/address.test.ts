import { describe, expect, it } from 'vitest';
import { geocodeKey, normaliseAddress } from './address.js';
import { PARIS } from './fixtures.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('normaliseAddress', () => {
  it('is the same for the same address written with other case, spacing or compatibility characters', () => {
    const shouted = { ...PARIS, line1: '  12   RUE DE RIVOLI ', city: 'PARIS', postalCode: '７５００４' };
    expect(normaliseAddress(shouted)).toBe(normaliseAddress(PARIS));
    expect(normaliseAddress(PARIS)).toBe('12 rue de rivoli||75004|paris||fr');
  });

  it('differs when any part changes, so a changed address misses the cache', () => {
    const base = normaliseAddress(PARIS);
    for (const change of [{ line1: '14 Rue de Rivoli' }, { line2: 'Apt 3' }, { postalCode: '75001' }, { city: 'Lyon' }, { region: 'IDF' }, { country: 'BE' }]) {
      expect(normaliseAddress({ ...PARIS, ...change })).not.toBe(base);
    }
  });
});

describe('geocodeKey', () => {
  it('is the readable address when short, a hash within the storage key limit when long', () => {
    expect(geocodeKey(normaliseAddress(PARIS))).toBe('geocode:12 rue de rivoli||75004|paris||fr');
    const long = normaliseAddress({ ...PARIS, line1: 'é'.repeat(200), line2: '街'.repeat(200) });
    const key = geocodeKey(long);
    expect(key).toMatch(/^geocode:#[0-9a-f]{16}$/);
    expect(bytes(key)).toBeLessThanOrEqual(500);
    expect(geocodeKey(long)).toBe(key);
    expect(geocodeKey(`${long}x`)).not.toBe(key);
  });
});
