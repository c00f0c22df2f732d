/** The carriers' sorting hubs and depots: real cities with their real coordinates. */
export interface Hub {
  /** A short facility code, as carriers print on labels. */
  code: string;
  city: string;
  country: string;
  lat: number;
  lng: number;
}

export const HUBS: readonly Hub[] = [
  { code: 'RTM', city: 'Rotterdam', country: 'NL', lat: 51.9244, lng: 4.4777 },
  { code: 'ANR', city: 'Antwerp', country: 'BE', lat: 51.2194, lng: 4.4025 },
  { code: 'CGN', city: 'Cologne', country: 'DE', lat: 50.9375, lng: 6.9603 },
  { code: 'LEJ', city: 'Leipzig', country: 'DE', lat: 51.3397, lng: 12.3731 },
  { code: 'LYS', city: 'Lyon', country: 'FR', lat: 45.764, lng: 4.8357 },
  { code: 'MIL', city: 'Milan', country: 'IT', lat: 45.4642, lng: 9.19 },
  { code: 'VIE', city: 'Vienna', country: 'AT', lat: 48.2082, lng: 16.3738 },
  { code: 'MAD', city: 'Madrid', country: 'ES', lat: 40.4168, lng: -3.7038 },
  { code: 'CPH', city: 'Copenhagen', country: 'DK', lat: 55.6761, lng: 12.5683 },
  { code: 'WAW', city: 'Warsaw', country: 'PL', lat: 52.2297, lng: 21.0122 },
  { code: 'HAM', city: 'Hamburg', country: 'DE', lat: 53.5511, lng: 9.9937 },
  { code: 'PAR', city: 'Paris', country: 'FR', lat: 48.8566, lng: 2.3522 },
];
