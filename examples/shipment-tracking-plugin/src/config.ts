import * as z from 'zod';

/**
 * What a tenant admin sets at install time. Mosaic checks it against the JSON Schema the build
 * derives from this (not against zod itself), so rules JSON Schema cannot express, like the URL
 * scheme, are checked again where the value is used.
 */
export const config = z.object({
  carrierBaseUrl: z
    .url()
    .default('https://carrier.example.test')
    .describe('Base URL of the carrier API; its host must be one the installation granted egress to'),
  cacheSeconds: z
    .int()
    .min(0)
    .max(86_400)
    .default(300)
    .describe('How long a carrier answer is reused before asking again (0 turns caching off)'),
});

export type Config = z.output<typeof config>;
