import { createHash, createHmac, randomUUID } from 'node:crypto';
import { viewAt, type JourneyEvent } from './journey.js';
import { shipfastState } from './shipfast.js';
import type { CarrierName, ShipmentBook, TrackedShipment } from './shipment-book.js';
import { parcellyStatus } from './shipments.js';

/**
 * Status webhooks: as the clock passes a shipment's next event, each subscriber gets a signed
 * POST, signed the way Mosaic's inbound webhooks expect (examples/README.md, "Inbound webhooks").
 */

export interface Subscription {
  /** Where to POST, e.g. a plugin's inbound webhook URL. */
  url: string;
  /** The HMAC key: the secret the receiving installation was given. */
  secret: string;
  /** Only this carrier's shipments; every carrier's when absent. */
  carrier?: CarrierName;
}

export interface WebhookBody {
  /** The same for every delivery of one event (duplicates and retries): deduplicate on it. */
  eventId: string;
  /** Different for every POST, so a deliberate duplicate is not a replay of the same signed request. */
  deliveryId: string;
  carrier: CarrierName;
  trackingNumber: string;
  /** In the carrier's own vocabulary (Parcelly's statuses, ShipFast's states). */
  status: string;
  description: string;
  /** ISO 8601, UTC. */
  occurredAt: string;
  /** The expected delivery announced with the event (ISO 8601), or null. */
  estimatedDelivery: string | null;
}

/** One POST as the service made it. */
export interface WebhookDelivery {
  url: string;
  eventId: string;
  deliveryId: string;
  attempt: number;
  /** A deliberate second delivery of the same event. */
  duplicate: boolean;
  /** The receiver's status; 0 when it could not be reached. */
  status: number;
  error?: string;
}

/** `delivered`: send each delivered event twice; `always`: every event twice. */
export type WebhookDuplicates = 'never' | 'delivered' | 'always';

export interface WebhookOptions {
  duplicates: WebhookDuplicates;
  timeoutMs: number;
  /** Tries per delivery: after a network error, a timeout, 408, 429 or 5xx it is signed anew and sent again. */
  attempts: number;
  /** Before the second try; doubles each time. */
  retryDelayMs: number;
}

export const SIGNATURE_HEADER = 'x-mosaic-signature';
export const TIMESTAMP_HEADER = 'x-mosaic-timestamp';

/** `sha256=<hex>`: HMAC-SHA256, keyed with the secret, of `<timestamp>.` and the body bytes. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Stable across restarts, so a receiver deduplicates whatever the service remembers. */
const eventIdOf = (carrier: CarrierName, trackingNumber: string, event: JourneyEvent) =>
  `evt_${createHash('sha256').update(`${carrier}|${trackingNumber}|${event.milestone}|${event.at}`).digest('hex').slice(0, 24)}`;

const statusIn = (carrier: CarrierName, event: JourneyEvent): string =>
  carrier === 'parcelly' ? parcellyStatus(event.milestone) : shipfastState(event.milestone);

export function createWebhookDispatcher(book: ShipmentBook, now: () => number, options: WebhookOptions) {
  const subscriptions: Subscription[] = [];
  const deliveries: WebhookDelivery[] = [];
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  /** Events that happened since the last check, for every subscriber that wants them. */
  async function announce(): Promise<WebhookDelivery[]> {
    const at = now();
    const due: Array<{ shipment: TrackedShipment; event: JourneyEvent }> = [];
    for (const shipment of book.tracked()) {
      for (const event of viewAt(shipment.journey, at).events) {
        if (event.at > shipment.announcedThrough) due.push({ shipment, event });
      }
      shipment.announcedThrough = Math.max(shipment.announcedThrough, at);
    }
    const made: WebhookDelivery[] = [];
    for (const { shipment, event } of due) {
      for (const subscription of subscriptions) {
        if (subscription.carrier && subscription.carrier !== shipment.carrier) continue;
        const twice = options.duplicates === 'always' || (options.duplicates === 'delivered' && event.milestone === 'delivered');
        made.push(...await deliver(subscription, shipment, event, false));
        if (twice) made.push(...await deliver(subscription, shipment, event, true));
      }
    }
    return made;
  }

  async function deliver(subscription: Subscription, { carrier, journey }: TrackedShipment, event: JourneyEvent, duplicate: boolean) {
    const payload: WebhookBody = {
      eventId: eventIdOf(carrier, journey.trackingNumber, event),
      deliveryId: randomUUID(),
      carrier,
      trackingNumber: journey.trackingNumber,
      status: statusIn(carrier, event),
      description: event.description,
      occurredAt: new Date(event.at).toISOString(),
      estimatedDelivery: event.eta === null ? null : new Date(event.eta).toISOString(),
    };
    const body = JSON.stringify(payload);
    const made: WebhookDelivery[] = [];
    for (let attempt = 1; attempt <= options.attempts && !stopped; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * 2 ** (attempt - 2)));
      // Signed with the real time on every try: receivers check it against their own clock
      // and refuse a signed request seen before.
      const timestamp = Math.floor(Date.now() / 1000);
      const record: WebhookDelivery = { url: subscription.url, eventId: payload.eventId, deliveryId: payload.deliveryId, attempt, duplicate, status: 0 };
      try {
        const res = await fetch(subscription.url, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'mosaic-example-carrier/1',
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signWebhook(subscription.secret, timestamp, body),
          },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await res.body?.cancel();
        record.status = res.status;
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      made.push(record);
      deliveries.push(record);
      if (!retryable(record.status)) break;
    }
    return made;
  }

  return {
    subscriptions,
    /** Every POST made so far, oldest first. */
    deliveries,
    subscribe(subscription: Subscription): number {
      subscriptions.push(subscription);
      return subscriptions.length;
    },
    /** No more tries once the service closes. */
    stop(): void {
      stopped = true;
    },
    /** Checks for new events now; resolves with the POSTs it made. Checks never overlap. */
    tick(): Promise<WebhookDelivery[]> {
      const next = running.then(announce, announce);
      running = next.catch(() => undefined);
      return next;
    },
  };
}

const retryable = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

