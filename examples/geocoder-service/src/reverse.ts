import { greatCircleKm, type Gazetteer, type Place } from './gazetteer.js';
import { normalise } from './normalise.js';

/**
 * Reverse geocoding at city level: the nearest place, unless it is a district GeoNames lists
 * under its city's name ("Zürich (Kreis 1) / Lindenhof", "Paris 04 Hôtel-de-Ville"), in which case
 * the city it belongs to, as Nominatim names the city at zoom 10.
 */

// How far a district may lie from the city it is named after.
const DISTRICT_KM = 20;

export function reverseGeocode(gazetteer: Gazetteer, lat: number, lon: number, maxKm: number): Place | undefined {
  const nearest = gazetteer.nearest(lat, lon, maxKm);
  return nearest && cityOf(gazetteer, gazetteer.place(nearest.index));
}

/** Climbs "Zürich (Kreis 1) / Lindenhof" → "Zürich (Kreis 1)" → "Zürich". */
function cityOf(gazetteer: Gazetteer, place: Place): Place {
  for (let current = place; ;) {
    const parent = namedAfter(gazetteer, current);
    if (!parent) return current;
    current = parent;
  }
}

/** The nearby place whose name is the longest whole-word beginning of this one's. */
function namedAfter(gazetteer: Gazetteer, place: Place): Place | undefined {
  const words = normalise(place.name).split(' ');
  for (let length = words.length - 1; length >= 1; length--) {
    const city = gazetteer.named(words.slice(0, length).join(' '))
      .map((index) => gazetteer.place(index))
      .find((candidate) => candidate.countryCode === place.countryCode && greatCircleKm(candidate.lat, candidate.lon, place.lat, place.lon) <= DISTRICT_KM);
    if (city) return city;
  }
  return undefined;
}
