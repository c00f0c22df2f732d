/**
 * Other names of a few large cities, which GeoNames' main name does not cover: the data has one
 * name per place (Köln, Munich, Vienna), while addresses are written either way (Cologne, München,
 * Wien). A short list, not a full alternate-names table: [other name, GeoNames name, country].
 * A search by one of these names ranks the listed city before places really called so (Cologne IT).
 */
export const EXONYMS: ReadonlyArray<readonly [string, string, string]> = [
  ['Cologne', 'Köln', 'DE'], ['München', 'Munich', 'DE'], ['Nürnberg', 'Nuremberg', 'DE'],
  ['Wien', 'Vienna', 'AT'], ['Genève', 'Geneva', 'CH'], ['Genf', 'Geneva', 'CH'],
  ['Milano', 'Milan', 'IT'], ['Roma', 'Rome', 'IT'], ['Napoli', 'Naples', 'IT'], ['Firenze', 'Florence', 'IT'],
  ['Venezia', 'Venice', 'IT'], ['Torino', 'Turin', 'IT'], ['Praha', 'Prague', 'CZ'], ['Lisboa', 'Lisbon', 'PT'],
  ['Warszawa', 'Warsaw', 'PL'], ['Bruxelles', 'Brussels', 'BE'], ['Brussel', 'Brussels', 'BE'], ['Antwerpen', 'Antwerp', 'BE'],
  ['København', 'Copenhagen', 'DK'], ['Den Haag', 'The Hague', 'NL'], ['Athina', 'Athens', 'GR'], ['Moskva', 'Moscow', 'RU'],
  ['New York', 'New York City', 'US'],
];
