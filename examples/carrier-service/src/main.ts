#!/usr/bin/env node
/**
 * Runs the simulated carrier on its own: `npm run start -w @mosaic/example-carrier`.
 * CARRIER_PORT (default 4100), CARRIER_HOST (default 127.0.0.1), CARRIER_TOKEN (default dev-carrier-token).
 */
import { startCarrierService } from './server.js';

const fromEnv = Boolean(process.env.CARRIER_TOKEN);
const token = process.env.CARRIER_TOKEN || 'dev-carrier-token';
const service = await startCarrierService({
  port: Number(process.env.CARRIER_PORT ?? 4100),
  host: process.env.CARRIER_HOST ?? '127.0.0.1',
  token,
});
console.log(`carrier service on ${service.url}`);
// A token the operator chose stays out of the terminal's scrollback.
const shown = fromEnv ? '$CARRIER_TOKEN' : token;
console.log(`try: curl -H "authorization: Bearer ${shown}" ${service.url}/v1/shipments/MCORD0000123`);

const stop = () => void service.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
