import type { Order, PluginContext, Tone, WidgetNode } from '@mosaic/sdk';
import { lookupShipments, type Shipment, type ShipmentStatus } from './carrier.js';
import type { Config } from './config.js';
import { hasShipment, trackingNumberFor } from './tracking.js';

const LABELS: Record<ShipmentStatus, [string, Tone]> = {
  LABEL_CREATED: ['Label created', 'neutral'],
  IN_TRANSIT: ['In transit', 'info'],
  OUT_FOR_DELIVERY: ['Out for delivery', 'info'],
  DELIVERED: ['Delivered', 'success'],
  EXCEPTION: ['Delivery problem', 'danger'],
  UNKNOWN: ['Unknown', 'neutral'],
};

export const statusLabel = (status: ShipmentStatus): string => LABELS[status][0];

/** The console's order sidebar card: status, where the parcel is, and how it got there. */
export async function renderShipmentCard({ order }: { order: Order }, ctx: PluginContext<Config>): Promise<WidgetNode | null> {
  if (!hasShipment(order)) return null;
  const trackingNumber = trackingNumberFor(order);
  const lookup = (await lookupShipments([trackingNumber], ctx)).get(trackingNumber);
  const refresh: WidgetNode = { type: 'button', label: 'Refresh tracking', action: 'refreshTracking', input: { orderId: order.id }, variant: 'secondary' };
  if (lookup?.state !== 'found') {
    const text = lookup?.state === 'unknown'
      ? `The carrier has no parcel ${trackingNumber} yet.`
      : 'The carrier could not be reached; try again in a moment.';
    return { type: 'card', title: 'Shipment', children: [{ type: 'text', text, tone: 'warning' }, refresh] };
  }
  return { type: 'card', title: 'Shipment', children: [...details(lookup.shipment), refresh] };
}

function details(s: Shipment): WidgetNode[] {
  const [label, tone] = LABELS[s.status];
  const headline: WidgetNode[] = [{ type: 'badge', text: label, tone }];
  if (s.eta) headline.push({ type: 'text', text: `${s.status === 'DELIVERED' ? 'Delivered' : 'Expected'} ${s.eta.slice(0, 10)}` });
  const nodes: WidgetNode[] = [
    { type: 'stack', direction: 'horizontal', gap: 'small', children: headline },
    {
      type: 'keyValue',
      items: [
        { label: 'Carrier', value: s.carrier },
        { label: 'Tracking number', value: s.trackingNumber },
        ...(s.lastLocation ? [{ label: 'Last seen', value: `${s.lastLocation.city}, ${s.lastLocation.country}` }] : []),
      ],
    },
  ];
  const stops = route(s);
  if (stops.length) nodes.push({ type: 'map', markers: stops, zoom: 5 });
  if (s.events.length) {
    nodes.push({
      type: 'timeline',
      // Newest first, the way people read a parcel's history.
      items: [...s.events].reverse().map((e) => ({
        at: e.at,
        title: e.description,
        ...(e.location && { description: `${e.location.city}, ${e.location.country}` }),
        tone: LABELS[e.status][1],
      })),
    });
  }
  return nodes;
}

/** One marker per place the parcel passed, in order; the current one says so. */
function route(s: Shipment): Array<{ lat: number; lon: number; label: string }> {
  const seen = new Map<string, { lat: number; lon: number; label: string }>();
  for (const e of s.events) if (e.location) seen.set(e.location.city, { lat: e.location.lat, lon: e.location.lng, label: e.location.city });
  const last = s.lastLocation;
  if (last) seen.set(last.city, { lat: last.lat, lon: last.lng, label: `${last.city} (now)` });
  return [...seen.values()];
}
