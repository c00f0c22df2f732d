#!/usr/bin/env node
/**
 * Runs the simulated carriers on their own: `npm run start -w @mosaic/example-carrier`.
 * Every setting comes from the environment; the README lists them.
 */
import { startCarrierService } from './server.js';
import type { WebhookDuplicates } from './webhooks.js';

const env = process.env;

/** A number from the environment, or the default; a malformed one stops start-up with its name. */
function numberFrom(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got '${raw}'`);
  return value;
}

const DUPLICATES: readonly WebhookDuplicates[] = ['never', 'delivered', 'always'];
const duplicates = (env.CARRIER_WEBHOOK_DUPLICATES || 'never') as WebhookDuplicates;
if (!DUPLICATES.includes(duplicates)) throw new Error(`CARRIER_WEBHOOK_DUPLICATES must be one of ${DUPLICATES.join(', ')}`);

const tokenFromEnv = Boolean(env.CARRIER_TOKEN);
const token = env.CARRIER_TOKEN || 'dev-carrier-token';
const keysFromEnv = Boolean(env.CARRIER_SHIPFAST_KEYS);
const shipfastKeys = (env.CARRIER_SHIPFAST_KEYS || 'dev-shipfast-key').split(',').map((k) => k.trim()).filter(Boolean);
const rateLimit = numberFrom('CARRIER_RATE_LIMIT', 120);
const webhookUrl = env.CARRIER_WEBHOOK_URL;
if (webhookUrl && !env.CARRIER_WEBHOOK_SECRET) throw new Error('CARRIER_WEBHOOK_URL needs CARRIER_WEBHOOK_SECRET (the secret the receiving installation was given)');

const service = await startCarrierService({
  port: numberFrom('CARRIER_PORT', 4100),
  host: env.CARRIER_HOST || '127.0.0.1',
  token,
  shipfastKeys,
  speed: numberFrom('CARRIER_SPEED', 1),
  rateLimit: rateLimit > 0 ? { limit: rateLimit, windowSeconds: numberFrom('CARRIER_RATE_WINDOW_SECONDS', 60) } : false,
  failureRate: numberFrom('CARRIER_FAILURE_RATE', 0),
  tickMs: numberFrom('CARRIER_TICK_MS', 1000),
  webhookDuplicates: duplicates,
  subscriptions: webhookUrl ? [{ url: webhookUrl, secret: env.CARRIER_WEBHOOK_SECRET! }] : [],
});
console.log(`carrier service (Parcelly and ShipFast) on ${service.url}`);
// Credentials the operator chose stay out of the terminal's scrollback.
const shownToken = tokenFromEnv ? '$CARRIER_TOKEN' : token;
const shownKey = keysFromEnv ? '<a key from $CARRIER_SHIPFAST_KEYS>' : shipfastKeys[0];
console.log(`try: curl -H "authorization: Bearer ${shownToken}" ${service.url}/v1/shipments/MCORD0000123`);
console.log(`     curl -H "x-api-key: ${shownKey}" -H "content-type: application/json" -d '{"numbers":["SF0000012345"]}' ${service.url}/api/track`);
if (webhookUrl) console.log(`status webhooks go to ${webhookUrl}`);

const stop = () => void service.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
