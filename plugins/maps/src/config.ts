import * as z from 'zod';

/** A place the business serves customers from (a store, a depot, a technician's base). */
const serviceLocation = z.object({
  name: z.string().trim().min(1).max(100).describe('What people call it, shown on the map'),
  lat: z.number().min(-90).max(90).describe('Latitude in decimal degrees (WGS 84)'),
  lon: z.number().min(-180).max(180).describe('Longitude in decimal degrees (WGS 84)'),
});

/**
 * What a tenant admin sets at install time. Mosaic checks it against the JSON Schema the build
 * derives from this, so rules JSON Schema cannot express (the URL scheme) are checked again
 * where the value is used.
 */
export const config = z.object({
  geocoderBaseUrl: z
    .url()
    .default('http://geocoder.maps.test:4300')
    .describe('Base URL of a Nominatim-compatible geocoder; its host must be one the installation granted egress to'),
  sendApiKey: z
    .boolean()
    .default(false)
    .describe('Send the GEOCODER_API_KEY secret as the x-api-key header (set the secret first)'),
  serviceLocations: z
    .array(serviceLocation)
    .max(200)
    .default([])
    .describe('The places customers are served from; a customer\'s nearest ones are listed with their distances'),
  maxLookupsPerCall: z
    .int()
    .min(1)
    .max(10)
    .default(8)
    .describe('New addresses geocoded in one request at most (the host allows 10 fetches per call); the rest follow on the next request'),
});

export type Config = z.output<typeof config>;
export type ServiceLocation = Config['serviceLocations'][number];
