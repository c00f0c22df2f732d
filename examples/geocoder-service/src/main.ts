#!/usr/bin/env node
/**
 * Runs the simulated geocoder on its own: `npm run start -w @mosaic/example-geocoder`.
 * GEOCODER_PORT (default 4300), GEOCODER_HOST (default 127.0.0.1), GEOCODER_API_KEYS (comma-separated;
 * none: no key needed), GEOCODER_RATE_LIMIT (requests per second per caller, default 1, 0 = off),
 * GEOCODER_REVERSE_RADIUS_KM (default 50).
 */
import { startGeocoderService } from './server.js';

const started = performance.now();
const apiKeys = (process.env.GEOCODER_API_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k.length > 0);
const perSecond = Number(process.env.GEOCODER_RATE_LIMIT ?? 1);
if (!(perSecond >= 0)) throw new Error('GEOCODER_RATE_LIMIT is a number of requests per second, 0 for no limit');
const service = await startGeocoderService({
  port: Number(process.env.GEOCODER_PORT ?? 4300),
  host: process.env.GEOCODER_HOST ?? '127.0.0.1',
  apiKeys,
  rateLimit: perSecond === 0 ? false : { perSecond },
  reverseRadiusKm: Number(process.env.GEOCODER_REVERSE_RADIUS_KM ?? 50),
});
const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
console.log(`geocoder on ${service.url}: ${service.gazetteer.size} places, ready in ${Math.round(performance.now() - started)} ms, ${heapMb} MB heap`);
// A key the operator chose stays out of the terminal's scrollback.
const key = apiKeys.length > 0 ? ' -H "x-api-key: $GEOCODER_KEY"' : '';
console.log(`try: curl${key} '${service.url}/search?q=Zurich,+Switzerland&format=jsonv2&limit=1'`);

const stop = () => void service.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
