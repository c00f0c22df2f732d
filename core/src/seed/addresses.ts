/**
 * Postal addresses for seeded customers and accounts: real streets with their postal codes in a
 * dozen well-known cities, so a map or a geocoder has something true to find. Drawn from a stream
 * of their own (`SeedContext.places`), so adding them left every other seeded value as it was.
 */
import type { PostalAddress } from '../db/tenant-schema.js';
import type { Rng } from './rng.js';

/** Where the house number goes: `12 Baker Street`, `Friedrichstraße 12`, `Calle Mayor, 12`, `1-2-3 Marunouchi`. */
type Style = 'number-first' | 'number-last' | 'number-after-comma' | 'chome';

interface City {
  city: string;
  region: string | null;
  country: string;
  style: Style;
  /** Streets with a postal code of theirs. */
  streets: readonly (readonly [street: string, postalCode: string])[];
  /** Second lines as they are written there. */
  units: readonly string[];
}

export const SEED_CITIES: readonly City[] = [
  {
    city: 'Paris', region: null, country: 'FR', style: 'number-first',
    streets: [['Rue de Rivoli', '75004'], ['Boulevard Haussmann', '75009'], ['Rue Oberkampf', '75011'], ['Rue de la Roquette', '75011'], ['Avenue des Champs-Élysées', '75008'], ['Rue du Bac', '75007']],
    units: ['Bâtiment B', '3e étage', 'Escalier A'],
  },
  {
    city: 'Berlin', region: null, country: 'DE', style: 'number-last',
    streets: [['Friedrichstraße', '10117'], ['Torstraße', '10119'], ['Kurfürstendamm', '10719'], ['Oranienstraße', '10999'], ['Karl-Marx-Allee', '10243'], ['Kastanienallee', '10435']],
    units: ['Hinterhaus', '3. OG', 'Aufgang B'],
  },
  {
    city: 'London', region: null, country: 'GB', style: 'number-first',
    streets: [['Baker Street', 'NW1 6XE'], ['Old Street', 'EC1V 9HL'], ['Brick Lane', 'E1 6RF'], ['Upper Street', 'N1 0PN'], ['Borough High Street', 'SE1 1LB'], ['Charing Cross Road', 'WC2H 0EP']],
    units: ['Flat 4', 'Flat 12', 'Second Floor'],
  },
  {
    city: 'Madrid', region: 'Madrid', country: 'ES', style: 'number-after-comma',
    streets: [['Calle de Alcalá', '28014'], ['Gran Vía', '28013'], ['Calle de Serrano', '28001'], ['Calle Mayor', '28013'], ['Paseo de la Castellana', '28046'], ['Calle de Fuencarral', '28004']],
    units: ['3º B', '1º izquierda', 'Bajo'],
  },
  {
    city: 'Amsterdam', region: null, country: 'NL', style: 'number-last',
    streets: [['Prinsengracht', '1016 GV'], ['Keizersgracht', '1015 CJ'], ['Damrak', '1012 LG'], ['Kalverstraat', '1012 NX'], ['Ferdinand Bolstraat', '1072 LA'], ['Haarlemmerstraat', '1013 EP']],
    units: ['2 hoog', 'huis', '3 hoog'],
  },
  {
    city: 'New York', region: 'NY', country: 'US', style: 'number-first',
    streets: [['Broadway', '10012'], ['Fifth Avenue', '10118'], ['West 34th Street', '10001'], ['Bleecker Street', '10014'], ['Lexington Avenue', '10022'], ['Park Avenue South', '10016']],
    units: ['Suite 400', 'Apt 5B', 'Floor 12'],
  },
  {
    city: 'San Francisco', region: 'CA', country: 'US', style: 'number-first',
    streets: [['Market Street', '94103'], ['Mission Street', '94105'], ['Valencia Street', '94110'], ['Howard Street', '94107'], ['Castro Street', '94114'], ['Haight Street', '94117']],
    units: ['Suite 200', 'Apt 3', 'Floor 5'],
  },
  {
    city: 'Toronto', region: 'ON', country: 'CA', style: 'number-first',
    streets: [['King Street West', 'M5V 1J5'], ['Queen Street West', 'M6J 1H4'], ['Yonge Street', 'M4W 2L7'], ['Bloor Street West', 'M5S 1M8'], ['Spadina Avenue', 'M5T 2C2'], ['Front Street West', 'M5J 2X2']],
    units: ['Suite 1100', 'Unit 7', 'Apt 802'],
  },
  {
    city: 'São Paulo', region: 'SP', country: 'BR', style: 'number-after-comma',
    streets: [['Avenida Paulista', '01310-100'], ['Rua Augusta', '01305-100'], ['Rua Oscar Freire', '01426-001'], ['Avenida Brigadeiro Faria Lima', '01452-000'], ['Rua da Consolação', '01302-000'], ['Rua Haddock Lobo', '01414-001']],
    units: ['Conjunto 12', 'Apto 81', '5º andar'],
  },
  {
    city: 'Tokyo', region: 'Tokyo', country: 'JP', style: 'chome',
    streets: [['Marunouchi, Chiyoda-ku', '100-0005'], ['Ginza, Chuo-ku', '104-0061'], ['Shibuya, Shibuya-ku', '150-0002'], ['Nishi-Shinjuku, Shinjuku-ku', '160-0023'], ['Roppongi, Minato-ku', '106-0032'], ['Asakusa, Taito-ku', '111-0032']],
    units: ['Floor 8', 'Room 301', 'Floor 15'],
  },
  {
    city: 'Sydney', region: 'NSW', country: 'AU', style: 'number-first',
    streets: [['George Street', '2000'], ['Pitt Street', '2000'], ['Oxford Street', '2010'], ['Crown Street', '2010'], ['King Street', '2042'], ['Military Road', '2089']],
    units: ['Level 12', 'Unit 4', 'Suite 3'],
  },
  {
    city: 'Zürich', region: 'ZH', country: 'CH', style: 'number-last',
    streets: [['Bahnhofstrasse', '8001'], ['Limmatquai', '8001'], ['Langstrasse', '8004'], ['Hardstrasse', '8005'], ['Seefeldstrasse', '8008'], ['Universitätstrasse', '8006']],
    units: ['2. Stock', 'Postfach', '4. OG'],
  },
];

function firstLine(style: Style, street: string, rng: Rng): string {
  switch (style) {
    case 'number-first':
      return `${rng.int(1, 480)} ${street}`;
    case 'number-last':
      return `${street} ${rng.int(1, 180)}`;
    case 'number-after-comma':
      return `${street}, ${rng.int(1, 1800)}`;
    case 'chome':
      return `${rng.int(1, 6)}-${rng.int(1, 20)}-${rng.int(1, 12)} ${street}`;
  }
}

/** One address in one of SEED_CITIES; about a fifth have a second line. */
export function seedAddress(rng: Rng): PostalAddress {
  const place = rng.pick(SEED_CITIES);
  const [street, postalCode] = rng.pick(place.streets);
  const line1 = firstLine(place.style, street, rng);
  const line2 = rng.chance(0.2) ? rng.pick(place.units) : null;
  return { line1, line2, city: place.city, region: place.region, postalCode, country: place.country };
}
