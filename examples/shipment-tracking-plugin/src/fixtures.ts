/** Test data for the plugin's tests (not part of the bundle: only src/index.ts and its imports are). */
import { shipmentFor } from '@mosaic/example-carrier';
import type { Order } from '@mosaic/sdk';
import type { RecordedResponses } from '@mosaic/sdk/testing';

export const CARRIER = 'https://carrier.example.test';
export const TOKEN = 'test-carrier-token';
export const FIELD = 'Order.example_shipmentTracking_shipment';
/** The plugin's own directory: the harness builds it and runs the bundle in the sandbox. */
export const PLUGIN_DIR = new URL('..', import.meta.url);

export const order = (id: string, orderNumber: string, orderStatus: Order['orderStatus'] = 'SHIPPED'): Order => ({
  id,
  orderNumber,
  orderStatus,
  currency: 'EUR',
  total: { amount: '42.00', currency: 'EUR' },
  totalCents: 4200,
  lines: [{
    sku: 'MUG-1', name: 'Mug', quantity: 2,
    unitPrice: { amount: '21.00', currency: 'EUR' }, lineTotal: { amount: '42.00', currency: 'EUR' }, unitPriceCents: 2100, lineTotalCents: 4200,
  }],
  customer: { id: 'customer-1' },
  placedAt: '2025-03-01T10:00:00Z',
});

export const shipmentUrl = (trackingNumber: string, base = CARRIER) => `${base}/v1/shipments/${trackingNumber}`;

/** Recorded answers of the carrier for these tracking numbers, as the simulated carrier gives them. */
export function carrierRecordings(numbers: string[], base = CARRIER): RecordedResponses {
  return Object.fromEntries(numbers.map((n) => [shipmentUrl(n, base), { json: shipmentFor(n) }]));
}
