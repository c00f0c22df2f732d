/** Test data for the plugin's tests (not part of the bundle: only src/index.ts and its imports are). */
import type { GeocoderService } from '@mosaic/example-geocoder';
import type { Customer, Order } from '@mosaic/sdk';
import type { OutboundRequest, RecordedResponses } from '@mosaic/sdk/testing';
import type { PostalAddress } from './address.js';
import { searchUrl } from './geocoder.js';

/** The config's default base URL: what the plugin asks when the installation sets none. */
export const GEOCODER = 'http://geocoder.maps.test:4300';
/** The plugin's own directory: the harness builds it and runs the bundle in the sandbox. */
export const PLUGIN_DIR = new URL('..', import.meta.url);

export const address = (line1: string, city: string, country: string, postalCode: string | null = null): PostalAddress => ({
  line1, line2: null, city, region: null, postalCode, country,
});

export const PARIS = address('12 Rue de Rivoli', 'Paris', 'FR', '75004');
export const LYON = address('3 Place Bellecour', 'Lyon', 'FR', '69002');
export const LONDON = address('221B Baker Street', 'London', 'GB', 'NW1 6XE');
export const BERLIN = address('Unter den Linden 1', 'Berlin', 'DE', '10117');
export const NOWHERE = address('1 Main Street', 'Atlantis', 'FR');

export const customer = (id: string, addr: PostalAddress | null, name = `Customer ${id}`): Customer => ({
  id,
  name,
  email: `${id}@example.com`,
  phone: null,
  status: 'ACTIVE',
  account: null,
  address: addr,
  mergedInto: null,
  identities: [],
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
});

export const order = (id: string, placedBy: Customer, extra: Record<string, unknown> = {}): Order & { customer: Customer } => ({
  id,
  orderNumber: `ORD-${id}`,
  orderStatus: 'SHIPPED',
  currency: 'EUR',
  total: { amount: '42.00', currency: 'EUR' },
  totalCents: 4200,
  lines: [],
  // The declared input selects fields of the customer, so the test's parent carries them.
  customer: placedBy,
  placedAt: '2025-03-01T10:00:00Z',
  ...extra,
});

/**
 * Recordings answered by the simulated geocoder over real HTTP: the request the plugin made
 * (to geocoder.maps.test) is replayed against the running service, so the plugin reads the
 * simulator's real Nominatim answers without the harness touching the network itself.
 */
export function viaSimulator(service: GeocoderService, addresses: readonly PostalAddress[], base = GEOCODER): RecordedResponses {
  const forward = async (request: OutboundRequest) => {
    const target = request.url.replace(base, service.url);
    const { 'user-agent': _agent, ...headers } = request.headers;
    const res = await fetch(target, { headers });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  };
  return Object.fromEntries(addresses.map((a) => [searchUrl(a, base)!, forward]));
}

export const urlFor = (a: PostalAddress, base = GEOCODER) => searchUrl(a, base)!;
