import type { IncomingMessage } from 'node:http';
import { FAULT_STATUSES, type Faults } from './faults.js';
import { credentialHeader, matchesCredential, numberField, objectWith, oneOf, readJson, RequestError, required, stringField, type Answer } from './input.js';
import { SCENARIOS, viewAt, type Journey } from './journey.js';
import type { RegisterShipment } from './server.js';
import { SHIPFAST_NUMBER } from './shipfast.js';
import { CARRIERS } from './shipment-book.js';
import { TRACKING_NUMBER } from './shipments.js';
import type { createWebhookDispatcher } from './webhooks.js';

/**
 * The test and demo controls: register shipments with a scenario, force failures, subscribe
 * webhook receivers and check the clock now. Every route is a POST with a JSON body.
 */

export interface AdminContext {
  adminToken: string | undefined;
  register(shipment: RegisterShipment): Journey;
  faults: Faults;
  webhooks: ReturnType<typeof createWebhookDispatcher>;
  now(): number;
}

const ROUTES = ['/admin/shipments', '/admin/faults', '/admin/subscriptions', '/admin/tick'];

export async function adminRoute(req: IncomingMessage, path: string, ctx: AdminContext): Promise<Answer> {
  if (!ROUTES.includes(path)) {
    req.resume();
    return [404, { error: 'not_found', message: `no route ${path}; the admin API has ${ROUTES.join(', ')}` }];
  }
  if (req.method !== 'POST') {
    req.resume();
    return [405, { error: 'method_not_allowed', message: 'use POST' }, { allow: 'POST' }];
  }
  const authorization = credentialHeader(req, 'authorization');
  if (ctx.adminToken !== undefined && !matchesCredential(authorization, [`Bearer ${ctx.adminToken}`])) {
    req.resume();
    return [401, { error: 'unauthorized', message: 'send Authorization: Bearer <admin token>' }, { 'www-authenticate': 'Bearer realm="carrier-admin"' }];
  }
  if (path === '/admin/tick') {
    req.resume();
    const deliveries = await ctx.webhooks.tick();
    return [200, { deliveries }];
  }
  const body = await readJson(req);
  if (path === '/admin/shipments') return registerShipment(body, ctx);
  if (path === '/admin/faults') {
    const fields = objectWith(body, ['count', 'status']);
    const count = required(numberField(fields, 'count', { min: 1, max: 1000, integer: true }), 'count');
    const pending = ctx.faults.failNext(count, oneOf(fields, 'status', FAULT_STATUSES));
    return [200, { pending }];
  }
  const fields = objectWith(body, ['url', 'secret', 'carrier']);
  const url = required(stringField(fields, 'url', { max: 2048, pattern: /^https?:\/\/[^\s]+$/, describe: 'must be an http(s) URL of at most 2048 characters' }), 'url');
  if (!URL.canParse(url)) throw new RequestError(400, 'invalid_field', 'url must be an http(s) URL of at most 2048 characters', { field: 'url' });
  const secret = required(stringField(fields, 'secret', { max: 256, describe: 'must be 1 to 256 printable ASCII characters' }), 'secret');
  const carrier = oneOf(fields, 'carrier', CARRIERS);
  const count = ctx.webhooks.subscribe({ url, secret, ...(carrier ? { carrier } : {}) });
  return [201, { subscriptions: count, url, carrier: carrier ?? null }];
}

function registerShipment(body: unknown, ctx: AdminContext): Answer {
  const fields = objectWith(body, ['carrier', 'scenario', 'trackingNumber', 'ageHours']);
  const carrier = required(oneOf(fields, 'carrier', CARRIERS), 'carrier');
  const scenario = required(oneOf(fields, 'scenario', SCENARIOS), 'scenario');
  const trackingNumber = carrier === 'parcelly'
    ? stringField(fields, 'trackingNumber', { max: 40, pattern: TRACKING_NUMBER, describe: 'must be 8 to 40 upper-case letters and digits' })
    : stringField(fields, 'trackingNumber', { max: 22, pattern: SHIPFAST_NUMBER, describe: 'must be SF and 8 to 20 digits' });
  const ageHours = numberField(fields, 'ageHours', { min: 0, max: 720 });
  const journey = ctx.register({ carrier, scenario, trackingNumber, ageHours });
  const view = viewAt(journey, ctx.now());
  return [201, {
    carrier,
    trackingNumber: journey.trackingNumber,
    scenario,
    createdAt: new Date(journey.events[0]!.at).toISOString(),
    estimatedDelivery: view.eta === null ? null : new Date(view.eta).toISOString(),
    events: journey.events.length,
  }];
}
