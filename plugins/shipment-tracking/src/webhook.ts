import type { PluginContext, WebhookRequest, WebhookResponse } from '@mosaic/sdk';
import * as z from 'zod';
import type { Config } from './config.js';
import { notifyIncident } from './notify.js';
import { parcellyStatus } from './parcelly.js';
import { MAX_EVENTS, type Carrier, type ParcelRef, type TrackedParcel, type TrackingEvent } from './shipment.js';
import { shipfastStatus } from './shipfast.js';
import { readLink, readParcel, writeParcel } from './store.js';

/**
 * A carrier's status push. The host has checked its signature (CARRIER_WEBHOOK_SECRET) before
 * this runs. The update is folded into the stored parcel, so applying the same event twice
 * changes nothing, and an incident gets its proactive note (once, by its idempotency key).
 */

type Ctx = PluginContext<Config>;

const instant = z.iso.datetime({ offset: true });
const body = z.object({
  eventId: z.string().min(1).max(200),
  deliveryId: z.string().max(200).optional(),
  carrier: z.enum(['parcelly', 'shipfast']),
  trackingNumber: z.string().regex(/^[A-Za-z0-9]{8,40}$/),
  status: z.string().min(1).max(50),
  description: z.string().max(1000).default(''),
  occurredAt: instant,
  estimatedDelivery: instant.nullable().optional(),
});

const refused = (code: string, message: string): WebhookResponse => ({ status: 400, body: { error: { code, message } } });

export async function handleCarrierWebhook(request: WebhookRequest, ctx: Ctx): Promise<WebhookResponse> {
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    return refused('INVALID_JSON', 'the body is not JSON');
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refused('INVALID_BODY', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  const update = parsed.data;
  const carrier: Carrier = update.carrier === 'parcelly' ? 'PARCELLY' : 'SHIPFAST';
  const ref: ParcelRef = { carrier, trackingNumber: update.trackingNumber.toUpperCase() };
  const event: TrackingEvent = {
    at: update.occurredAt,
    status: carrier === 'PARCELLY' ? parcellyStatus(update.status, null, update.description) : shipfastStatus(update.status),
    description: update.description,
    location: null,
  };
  const [stored, link] = await Promise.all([readParcel(ctx, ref), readLink(ctx, ref)]);
  const parcel = foldEvent(stored?.parcel ?? null, ref, event, update.estimatedDelivery ?? null);
  // The carrier's own clock is when it said so; the freshness window still decides when to ask it again.
  await writeParcel(ctx, ref, { parcel, checkedAt: stored?.checkedAt ?? update.occurredAt });
  const notified = await notifyIncident(parcel, link, ctx);
  ctx.log.info('carrier status applied', { trackingNumber: ref.trackingNumber, status: parcel.status, eventId: update.eventId, notified });
  return { status: 200, body: { ok: true, status: parcel.status, tracked: link !== null } };
}

/** The parcel with one more event: a newer one moves its status and ETA, an older or repeated one does not. */
export function foldEvent(parcel: TrackedParcel | null, ref: ParcelRef, event: TrackingEvent, eta: string | null): TrackedParcel {
  const base: TrackedParcel = parcel ?? { ...ref, status: 'UNKNOWN', eta: null, deliveredAt: null, lastLocation: null, events: [] };
  if (base.events.some((e) => e.at === event.at && e.status === event.status)) return base;
  const events = [...base.events, event].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-MAX_EVENTS);
  const newest = events.at(-1) === event;
  if (!newest) return { ...base, events };
  return {
    ...base,
    events,
    status: event.status,
    eta: event.status === 'DELIVERED' ? event.at : eta,
    deliveredAt: event.status === 'DELIVERED' ? event.at : base.deliveredAt,
  };
}
