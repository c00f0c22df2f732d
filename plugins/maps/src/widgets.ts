import type { Customer, Order, PluginContext, Tone, WidgetNode } from '@mosaic/sdk';
import type { PostalAddress } from './address.js';
import type { Config } from './config.js';
import { boundsOf, nearest } from './geo.js';
import { geocodeOne, type Geocode, type GeoLocation } from './geocoder.js';
import { buildRoute } from './route.js';
import { readRouteSnapshot } from './route-snapshot.js';

/**
 * The maps the host draws offline from these trees. A widget gets only its target (the customer,
 * the order), so the order's map takes shipment data from what the route field last saw.
 */

/** The console's customer sidebar: where the customer is and the nearest service locations. */
export async function renderCustomerMap({ customer }: { customer: Customer }, ctx: PluginContext<Config>): Promise<WidgetNode | null> {
  const placed = await place(customer.address, ctx);
  if (placed.location === null) return card([placed.notice]);
  const { location } = placed;
  const near = nearest(location, ctx.config.serviceLocations, 3);
  const markers = [
    { lat: location.lat, lon: location.lon, label: customer.name.slice(0, 100), tone: 'info' as const },
    ...near.map((s) => ({ lat: s.lat, lon: s.lon, label: `${s.name} · ${s.distanceKm} km`.slice(0, 100), tone: 'neutral' as const })),
  ];
  const children: WidgetNode[] = [{
    type: 'map',
    markers,
    ...bounded(markers),
    caption: caption(customer.address!, location),
  }];
  if (near.length) {
    children.push({ type: 'table', columns: ['Nearest service location', 'Distance'], rows: near.map((s) => [s.name, `${s.distanceKm} km`]) });
  }
  return card(children);
}

/** The portal's order page: the customer's address and, once shipment data was seen, the parcel's way. */
export async function renderOrderMap({ order }: { order: Order }, ctx: PluginContext<Config>): Promise<WidgetNode | null> {
  const customer = await ctx.customers.get(order.customer.id);
  const placed = await place(customer?.address ?? null, ctx);
  const shipments = await readRouteSnapshot(order.id, ctx);
  const route = buildRoute({ name: 'Delivery address', location: placed.location }, shipments);
  // Without a route nothing was placed, so the customer's notice says why.
  if (!route) return card(placed.location === null ? [placed.notice] : []);
  const markers = route.markers.map((m) => ({ lat: m.lat, lon: m.lon, label: m.label, tone: m.kind === 'CUSTOMER' ? 'info' as const : shipmentTone(m.status) }));
  const parts = [
    placed.location ? 'your delivery address' : null,
    route.markers.some((m) => m.kind === 'SHIPMENT') ? 'where your parcel was last seen' : null,
    route.path.length >= 2 ? 'the way it came' : null,
  ].filter(Boolean);
  const map: WidgetNode = {
    type: 'map',
    markers,
    ...(route.path.length >= 2 && { polyline: route.path }),
    ...(route.bounds && { bounds: route.bounds }),
    caption: `Shows ${parts.join(', ')}.`,
  };
  return card(placed.location === null ? [map, placed.notice] : [map]);
}

type Placed = { location: GeoLocation; notice?: undefined } | { location: null; notice: WidgetNode };

async function place(address: PostalAddress | null, ctx: PluginContext<Config>): Promise<Placed> {
  if (!address) return { location: null, notice: { type: 'text', text: 'No postal address on file.' } };
  const geocode: Geocode | null = await geocodeOne(address, ctx);
  if (geocode?.state === 'found') return { location: geocode.location };
  return geocode?.state === 'not_found'
    ? { location: null, notice: { type: 'text', text: `The geocoder does not know ${address.city}, ${address.country}.`.slice(0, 2000), tone: 'warning' } }
    : { location: null, notice: { type: 'text', text: 'The address could not be placed right now; try again in a moment.', tone: 'warning' } };
}

/** A parcel in trouble stands out; a delivered one is done; any other is on its way. */
function shipmentTone(status: string | null): Tone {
  if (status === 'DELAYED' || status === 'DELIVERY_FAILED' || status === 'LOST') return 'danger';
  return status === 'DELIVERED' ? 'success' : 'warning';
}

const card = (children: WidgetNode[]): WidgetNode => ({ type: 'card', title: 'Map', children });

function bounded(points: Array<{ lat: number; lon: number }>) {
  // A single point gets a zoom instead: a box around one city says little.
  if (points.length < 2) return { zoom: 10 };
  const bounds = boundsOf(points);
  return bounds ? { bounds } : {};
}

function caption(address: PostalAddress, location: GeoLocation): string {
  return `${address.city}, ${address.country}: placed at ${location.precision.toLowerCase()} precision.`.slice(0, 300);
}
