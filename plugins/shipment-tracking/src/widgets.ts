import { graphql, type Customer, type InputOf, type Order, type PluginContext, type Tone, type WidgetNode } from '@mosaic/sdk';
import type { Config } from './config.js';
import { carrierName, type ShipmentView } from './lookup.js';
import { day } from './notify.js';
import { pathOf, type ShipmentStatus } from './shipment.js';
import { hasShipped, shipmentsOfOrders } from './tracking.js';

type Ctx = PluginContext<Config>;

const LABELS: Record<ShipmentStatus, [string, Tone]> = {
  LABEL_CREATED: ['Label created', 'neutral'],
  IN_TRANSIT: ['In transit', 'info'],
  OUT_FOR_DELIVERY: ['Out for delivery', 'info'],
  DELIVERED: ['Delivered', 'success'],
  DELAYED: ['Delayed', 'warning'],
  DELIVERY_FAILED: ['Delivery attempt failed', 'warning'],
  LOST: ['Lost', 'danger'],
  UNKNOWN: ['Unknown', 'neutral'],
};

export const statusLabel = (status: ShipmentStatus): string => LABELS[status][0];

/** The portal's "where is my order": per parcel its status, expected day, route map and history. */
export async function renderWhereIsMyOrder({ order }: { order: Order }, ctx: Ctx): Promise<WidgetNode | null> {
  const [shipments = []] = await shipmentsOfOrders([order], ctx);
  if (!shipments.length) {
    if (!hasShipped(order)) return { type: 'card', title: 'Where is my order?', children: [{ type: 'text', text: 'Your order has not shipped yet; tracking appears here once it has.' }] };
    return null;
  }
  return { type: 'card', title: 'Where is my order?', children: shipments.slice(0, 3).map(parcelSection) };
}

function parcelSection(s: ShipmentView): WidgetNode {
  const [label, tone] = LABELS[s.status];
  const nodes: WidgetNode[] = [
    { type: 'stack', direction: 'horizontal', gap: 'small', children: [{ type: 'badge', text: label, tone }, { type: 'text', text: `${carrierName(s.carrier)} ${s.trackingNumber}` }] },
  ];
  const when = expected(s);
  if (when) nodes.push({ type: 'text', text: when });
  if (s.syncError) nodes.push({ type: 'text', text: s.syncError.message, tone: 'warning' });
  const map = mapOf(s);
  if (map) nodes.push(map);
  if (s.events.length) {
    nodes.push({
      type: 'timeline',
      // Newest first, the way people read a parcel's history.
      items: [...s.events].reverse().slice(0, 30).map((e) => ({
        at: e.at,
        title: e.description.slice(0, 200) || LABELS[e.status][0],
        ...(e.location && { description: `${e.location.name}, ${e.location.country}` }),
        tone: LABELS[e.status][1],
      })),
    });
  }
  return { type: 'stack', gap: 'medium', children: nodes };
}

function expected(s: ShipmentView): string | null {
  if (s.status === 'DELIVERED' && s.deliveredAt) return `Delivered on ${day(s.deliveredAt)}`;
  if (s.status === 'LOST') return null;
  return s.eta ? `Expected ${day(s.eta)}` : null;
}

/** The route so far as a line, with the hubs as markers and where it is now highlighted. */
function mapOf(s: ShipmentView): WidgetNode | null {
  const path = pathOf(s).slice(-2000);
  const markers: Array<{ lat: number; lon: number; label: string; tone?: Tone }> = [];
  for (const e of s.events) {
    if (e.location && !markers.some((m) => m.label === e.location!.name)) markers.push({ lat: e.location.lat, lon: e.location.lon, label: e.location.name.slice(0, 100) });
  }
  const now = s.lastLocation;
  if (now) {
    const i = markers.findIndex((m) => m.label === now.name);
    if (i >= 0) markers.splice(i, 1);
    markers.push({ lat: now.lat, lon: now.lon, label: `${now.name} (last seen)`.slice(0, 100), tone: LABELS[s.status][1] });
  }
  if (!markers.length && path.length < 2) return null;
  return {
    type: 'map',
    markers: markers.slice(-200),
    ...(path.length >= 2 && { polyline: path }),
    caption: `Route of ${carrierName(s.carrier)} parcel ${s.trackingNumber} so far`,
  };
}

/** What the shipments card reads of the customer: the host resolves it with the page, no host call. */
export const ShipmentsCardInput = graphql(`fragment ShipmentsCardInput on Customer {
  orders(first: 20) { edges { node { id orderNumber orderStatus } } }
}`);

/** The console's customer view: the customer's parcels on their way, problems first. */
export async function renderShipmentsCard(_target: { customer: Customer }, ctx: Ctx, input: InputOf<typeof ShipmentsCardInput>): Promise<WidgetNode | null> {
  const orders = input.orders.edges.map((e) => e.node);
  const lists = await shipmentsOfOrders(orders, ctx);
  const rows = orders.flatMap((o, i) => (lists[i] ?? []).map((s) => ({ order: o, s })));
  if (!rows.length) return { type: 'card', title: 'Shipments', children: [{ type: 'text', text: 'No shipped orders.' }] };
  const rank = (s: ShipmentView) => (LABELS[s.status][1] === 'danger' ? 0 : LABELS[s.status][1] === 'warning' ? 1 : s.status === 'DELIVERED' ? 3 : 2);
  rows.sort((a, b) => rank(a.s) - rank(b.s));
  const problems = rows.filter((r) => rank(r.s) < 2).length;
  const stale = rows.filter((r) => r.s.stale).length;
  const children: WidgetNode[] = [];
  if (problems) children.push({ type: 'badge', text: `${problems} need${problems === 1 ? 's' : ''} attention`, tone: 'warning' });
  children.push({
    type: 'table',
    columns: ['Order', 'Carrier', 'Tracking number', 'Status', 'Expected'],
    rows: rows.slice(0, 50).map(({ order, s }) => [order.orderNumber, carrierName(s.carrier), s.trackingNumber, statusLabel(s.status), s.status === 'DELIVERED' || !s.eta ? null : s.eta.slice(0, 10)]),
  });
  if (stale) children.push({ type: 'text', text: `${stale} shown as last known: the carrier could not be asked just now.`, tone: 'warning' });
  return { type: 'card', title: 'Shipments', children };
}
