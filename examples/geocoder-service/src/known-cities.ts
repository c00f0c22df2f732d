/**
 * Cities the geocoder is known to resolve: searching "<name>, <country>" (or city + country
 * structured) answers this place first, at these coordinates (checked by known-cities.test.ts
 * against the gazetteer). Seed data and tests can give customers these addresses and rely on them.
 * Names are as GeoNames spells them (English exonyms such as Munich, local ones such as Köln).
 */
export interface KnownCity {
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** First-level division as the geocoder names it; Singapore has none. */
  state?: string;
  lat: number;
  lon: number;
}

export const KNOWN_CITIES: readonly KnownCity[] = [
  { name: 'Paris', country: 'FR', state: 'Île-de-France', lat: 48.85341, lon: 2.3488 },
  { name: 'Lyon', country: 'FR', state: 'Auvergne-Rhône-Alpes', lat: 45.74906, lon: 4.84789 },
  { name: 'Berlin', country: 'DE', state: 'State of Berlin', lat: 52.52437, lon: 13.41053 },
  { name: 'Munich', country: 'DE', state: 'Bavaria', lat: 48.13743, lon: 11.57549 },
  { name: 'Hamburg', country: 'DE', state: 'Hamburg', lat: 53.55073, lon: 9.99302 },
  { name: 'Köln', country: 'DE', state: 'North Rhine-Westphalia', lat: 50.93333, lon: 6.95 },
  { name: 'London', country: 'GB', state: 'England', lat: 51.50853, lon: -0.12574 },
  { name: 'Manchester', country: 'GB', state: 'England', lat: 53.48095, lon: -2.23743 },
  { name: 'Zürich', country: 'CH', state: 'Zurich', lat: 47.36667, lon: 8.55 },
  { name: 'Geneva', country: 'CH', state: 'Geneva', lat: 46.20222, lon: 6.14569 },
  { name: 'Vienna', country: 'AT', state: 'Vienna', lat: 48.20849, lon: 16.37208 },
  { name: 'Amsterdam', country: 'NL', state: 'North Holland', lat: 52.37403, lon: 4.88969 },
  { name: 'Brussels', country: 'BE', state: 'Brussels Capital', lat: 50.85045, lon: 4.34878 },
  { name: 'Madrid', country: 'ES', state: 'Madrid', lat: 40.4165, lon: -3.70256 },
  { name: 'Barcelona', country: 'ES', state: 'Catalonia', lat: 41.38879, lon: 2.15899 },
  { name: 'Lisbon', country: 'PT', state: 'Lisbon', lat: 38.72509, lon: -9.1498 },
  { name: 'Rome', country: 'IT', state: 'Lazio', lat: 41.89193, lon: 12.51133 },
  { name: 'Milan', country: 'IT', state: 'Lombardy', lat: 45.46427, lon: 9.18951 },
  { name: 'Dublin', country: 'IE', state: 'Leinster', lat: 53.33306, lon: -6.24889 },
  { name: 'Copenhagen', country: 'DK', state: 'Capital Region', lat: 55.67594, lon: 12.56553 },
  { name: 'Stockholm', country: 'SE', state: 'Stockholm', lat: 59.32938, lon: 18.06871 },
  { name: 'Oslo', country: 'NO', state: 'Oslo', lat: 59.91273, lon: 10.74609 },
  { name: 'Warsaw', country: 'PL', state: 'Mazovia', lat: 52.22977, lon: 21.01178 },
  { name: 'Kraków', country: 'PL', state: 'Lesser Poland', lat: 50.06143, lon: 19.93658 },
  { name: 'Prague', country: 'CZ', state: 'Prague', lat: 50.08804, lon: 14.42076 },
  { name: 'New York City', country: 'US', state: 'New York', lat: 40.71427, lon: -74.00597 },
  { name: 'Chicago', country: 'US', state: 'Illinois', lat: 41.85003, lon: -87.65005 },
  { name: 'San Francisco', country: 'US', state: 'California', lat: 37.77493, lon: -122.41942 },
  { name: 'Seattle', country: 'US', state: 'Washington', lat: 47.60621, lon: -122.33207 },
  { name: 'Boston', country: 'US', state: 'Massachusetts', lat: 42.35843, lon: -71.05977 },
  { name: 'Austin', country: 'US', state: 'Texas', lat: 30.26715, lon: -97.74306 },
  { name: 'Toronto', country: 'CA', state: 'Ontario', lat: 43.70643, lon: -79.39864 },
  { name: 'Montréal', country: 'CA', state: 'Quebec', lat: 45.50884, lon: -73.58781 },
  { name: 'Vancouver', country: 'CA', state: 'British Columbia', lat: 49.24966, lon: -123.11934 },
  { name: 'Mexico City', country: 'MX', state: 'Mexico City', lat: 19.42847, lon: -99.12766 },
  { name: 'São Paulo', country: 'BR', state: 'São Paulo', lat: -23.5475, lon: -46.63611 },
  { name: 'Buenos Aires', country: 'AR', state: 'Buenos Aires F.D.', lat: -34.61315, lon: -58.37723 },
  { name: 'Tokyo', country: 'JP', state: 'Tokyo', lat: 35.6895, lon: 139.69171 },
  { name: 'Singapore', country: 'SG', lat: 1.28967, lon: 103.85007 },
  { name: 'Sydney', country: 'AU', state: 'New South Wales', lat: -33.86785, lon: 151.20732 },
  { name: 'Melbourne', country: 'AU', state: 'Victoria', lat: -37.814, lon: 144.96332 },
  { name: 'Auckland', country: 'NZ', state: 'Auckland', lat: -36.84853, lon: 174.76349 },
  { name: 'Cape Town', country: 'ZA', state: 'Western Cape', lat: -33.92584, lon: 18.42322 },
];
