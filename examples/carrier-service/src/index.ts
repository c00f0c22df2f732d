/**
 * A simulated parcel carrier ("Parcelly") on loopback: the outside service the example
 * shipment-tracking plugin calls through ctx.fetch. Real HTTP, deterministic data.
 */
export { startCarrierService } from './server.js';
export type { CarrierRequest, CarrierService, CarrierServiceOptions } from './server.js';
export { isUnknown, shipmentFor, TRACKING_NUMBER } from './shipments.js';
export type { Location, Shipment, ShipmentEvent, ShipmentStatus } from './shipments.js';
