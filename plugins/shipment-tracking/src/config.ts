import * as z from 'zod';

/**
 * What a tenant admin sets at install time. Mosaic checks it against the JSON Schema the build
 * derives from this, so rules JSON Schema cannot express (the URL scheme) are checked again
 * where the value is used.
 */
export const config = z.object({
  parcellyBaseUrl: z
    .url()
    .default('http://parcelly.carrier.test:4100')
    .describe('Base URL of the Parcelly tracking API; its host must be one the installation granted egress to'),
  shipfastBaseUrl: z
    .url()
    .default('http://shipfast.carrier.test:4100')
    .describe('Base URL of the ShipFast tracking API; its host must be one the installation granted egress to'),
  freshnessSeconds: z
    .int()
    .min(0)
    .max(86_400)
    .default(300)
    .describe('How long a carrier answer is served from storage before the carrier is asked again (0: ask on every read)'),
  deriveTrackingNumbers: z
    .boolean()
    .default(true)
    .describe('Track a shipped order without an attached number under the Parcelly number printed from its order number (MC + its letters and digits)'),
  notifyChannel: z
    .enum(['EMAIL', 'SMS', 'PORTAL'])
    .default('EMAIL')
    .describe('The channel the proactive note about a delay, failed delivery or loss is recorded as sent on'),
});

export type Config = z.output<typeof config>;
