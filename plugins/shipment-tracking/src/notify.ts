import type { PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { carrierName } from './lookup.js';
import { incidentOf, type IncidentKind, type TrackedParcel } from './shipment.js';
import { describe, type ParcelLink } from './store.js';

/**
 * The proactive note: when a parcel is delayed, cannot be delivered or is lost, the customer's
 * timeline gets one outbound interaction saying what happened, when it should now arrive and
 * what they can do. One per incident: the idempotency key names carrier, number and kind, so a
 * webhook delivered twice, a retried event or a webhook racing the fulfilment event write once.
 */

type Ctx = PluginContext<Config>;

export const incidentKey = (parcel: Pick<TrackedParcel, 'carrier' | 'trackingNumber'>, kind: IncidentKind): string =>
  `shipment-incident:${parcel.carrier}:${parcel.trackingNumber}:${kind}`;

const SUBJECTS: Record<IncidentKind, string> = {
  delay: 'Your parcel is delayed',
  'failed-delivery': 'We could not deliver your parcel',
  loss: 'Your parcel has been lost',
};

const ADVICE: Record<IncidentKind, string> = {
  delay: 'There is nothing you need to do: we are watching the parcel and will tell you if anything changes. If the new date does not work for you, reply to this message and we will find a solution.',
  'failed-delivery': 'The carrier will try again. Please make sure someone can take the parcel, or reply to this message to have it delivered to a neighbour or a pick-up point.',
  loss: 'We are sorry. Reply to this message and we will send a replacement or refund the order, whichever you prefer; you do not need to wait for the carrier.',
};

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
// Spelled out by hand: the sandbox's Intl data is not something a plugin should rely on.
export const day = (iso: string): string => {
  const d = new Date(iso);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};

export function noteFor(parcel: TrackedParcel, link: ParcelLink, kind: IncidentKind): { subject: string; body: string } {
  const latest = [...parcel.events].reverse().find((e) => incidentOf(e.status) === kind) ?? parcel.events.at(-1);
  const where = parcel.lastLocation ? ` Last seen: ${parcel.lastLocation.name}, ${parcel.lastLocation.country}.` : '';
  const eta = kind === 'loss' ? '' : parcel.eta ? ` New expected delivery: ${day(parcel.eta)}.` : ' The carrier has not given a new delivery date yet.';
  const body = [
    `Order ${link.orderNumber}, ${carrierName(parcel.carrier)} parcel ${parcel.trackingNumber}: ${latest?.description ?? SUBJECTS[kind]}.${where}${eta}`,
    ADVICE[kind],
  ].join('\n\n');
  return { subject: `${SUBJECTS[kind]} (order ${link.orderNumber})`, body };
}

/** Writes the note when the parcel is in an incident; true when one exists for it now. */
export async function notifyIncident(parcel: TrackedParcel, link: ParcelLink | null, ctx: Ctx): Promise<boolean> {
  const kind = incidentOf(parcel.status);
  if (!kind || !link) return false;
  const { subject, body } = noteFor(parcel, link, kind);
  try {
    await ctx.interactions.create({
      customerId: link.customerId,
      channel: ctx.config.notifyChannel,
      direction: 'OUTBOUND',
      subject,
      body,
      idempotencyKey: incidentKey(parcel, kind),
    });
    return true;
  } catch (error) {
    // A merged or deleted customer must not make the carrier retry forever; the log says why.
    ctx.log.warn('could not record the proactive note', { trackingNumber: parcel.trackingNumber, kind, error: describe(error) });
    return false;
  }
}
