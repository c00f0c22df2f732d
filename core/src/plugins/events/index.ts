/**
 * Plugin events (DESIGN.md decision 7): the dispatcher fans outbox rows out to subscribed
 * plugins and delivers them with retries, backoff and a dead-letter list; inbound webhooks reach
 * a plugin only after their signature (over the raw body) checks out, once per signed request.
 * Handlers get the event id as idempotency key: it is the same on every retry and replay, and
 * delivery is at least once.
 */
export { DEFAULT_LEASE_MS, EventDispatcher, type DeliverEvent, type EventDispatcherOptions } from './dispatcher.js';
export { exponentialBackoff, type Backoff, type BackoffOptions } from './backoff.js';
export type { DeliveredEvent } from './deliveries.js';
export { DEFAULT_DEAD_LETTERS, MAX_DEAD_LETTERS, type DeadLetter } from './dead-letters.js';
export type { PurgedInstallation } from './retention.js';
export { ManifestCache } from './subscriptions.js';
export {
  DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook, verifyWebhookSignature, type SignatureCheck,
} from './webhook-signature.js';
export {
  DEFAULT_MAX_WEBHOOK_BODY_BYTES, handleInboundWebhook,
  type InboundWebhookDeps, type InboundWebhookRequest, type RunWebhook, type WebhookResult,
} from './inbound-webhook.js';
