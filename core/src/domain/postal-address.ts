/**
 * A postal address on a customer or an account, as the API and plugins give it: validated here
 * once, stored as one JSON column (`PostalAddress` in db/tenant-schema.ts).
 */
import { z } from 'zod';
import type { PostalAddress } from '../db/tenant-schema.js';

export type { PostalAddress };

/**
 * The officially assigned ISO 3166-1 alpha-2 codes (249). Listed rather than asked of
 * Intl.DisplayNames, which also names UK, EU, XK and withdrawn codes that are not countries here.
 */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT ' +
    'BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ' +
    'ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT ' +
    'HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS ' +
    'LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI ' +
    'NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG ' +
    'SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' '),
);

export const POSTAL_ADDRESS_LIMITS = { line: 200, city: 100, region: 100, postalCode: 16 } as const;

// The platform's text rule already refuses control characters; an address line is also one line.
const oneLine = (max: number) => z.string().trim().max(max).regex(/^[^\t\n\r\u2028\u2029]*$/, 'must be a single line');
const required = (max: number) => oneLine(max).min(1, 'must not be empty');
// Left out, null and blank all mean "none".
const optional = (max: number) => oneLine(max).nullish().transform((v) => (v ? v : null));

export const postalAddressInput = z.strictObject({
  line1: required(POSTAL_ADDRESS_LIMITS.line),
  line2: optional(POSTAL_ADDRESS_LIMITS.line),
  city: required(POSTAL_ADDRESS_LIMITS.city),
  region: optional(POSTAL_ADDRESS_LIMITS.region),
  // Letters, digits, spaces and hyphens cover the world's formats: SW1A 1AA, 1012 AB, 01310-100, 100-0001.
  postalCode: optional(POSTAL_ADDRESS_LIMITS.postalCode)
    .refine((v) => v === null || /^[A-Za-z0-9]([A-Za-z0-9 -]*[A-Za-z0-9])?$/.test(v), 'letters, digits, spaces and hyphens only'),
  country: z.string().trim().toUpperCase()
    .refine((c) => COUNTRY_CODES.has(c), 'must be an ISO 3166-1 alpha-2 country code, such as FR, DE or US'),
}).transform((a): PostalAddress => a);
