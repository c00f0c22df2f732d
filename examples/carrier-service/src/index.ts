/**
 * Simulated parcel carriers on loopback ("Parcelly" and "ShipFast", two different API shapes):
 * the outside services the example shipment-tracking plugin calls through ctx.fetch, with
 * journeys that progress on a clock, rate limits, failures on demand and signed webhooks.
 */
export { startCarrierService } from './server.js';
export type { CarrierRequest, CarrierService, CarrierServiceOptions, RegisterShipment } from './server.js';
export { DEFAULT_EPOCH, isUnknown, parcellyShipment, shipmentFor, TRACKING_NUMBER } from './shipments.js';
export type { Location, Shipment, ShipmentEvent, ShipmentStatus } from './shipments.js';
export { SHIPFAST_BATCH_LIMIT, SHIPFAST_NUMBER, shipfastResult } from './shipfast.js';
export type { ShipFastCheckpoint, ShipFastFacility, ShipFastResult, ShipFastState } from './shipfast.js';
export { derivedJourney, planJourney, SCENARIOS, startJourney, viewAt } from './journey.js';
export type { Journey, JourneyEvent, JourneyView, Milestone, Scenario } from './journey.js';
export { HUBS } from './hubs.js';
export type { Hub } from './hubs.js';
export { CARRIERS } from './shipment-book.js';
export type { CarrierName } from './shipment-book.js';
export { FAULT_STATUSES } from './faults.js';
export type { FaultStatus } from './faults.js';
export type { RateLimit } from './rate-limit.js';
export { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhooks.js';
export type { Subscription, WebhookBody, WebhookDelivery, WebhookDuplicates } from './webhooks.js';
export { RequestError } from './input.js';
