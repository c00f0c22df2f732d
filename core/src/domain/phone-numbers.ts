import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * A phone number in E.164 (`+4930123456`), read in international form (`+49…`, `0049…` with a
 * region) or, with `region`, in that region's national form (`030 123456`). Null when it is
 * not a possible number, so the caller can answer with a coded error.
 */
export function e164(raw: string, region?: string | null): string | null {
  const parsed = parsePhoneNumberFromString(raw, (region ?? undefined) as CountryCode | undefined);
  return parsed?.isPossible() ? parsed.number : null;
}

/**
 * How a PHONE identity is stored: E.164 when the number reads as one, so "+49 30 1234567" and
 * "+49301234567" are one identity and a call or SMS from either finds its customer; as typed
 * otherwise (a national number without a region cannot be placed).
 */
export const phoneIdentity = (raw: string): string => e164(raw) ?? raw;
