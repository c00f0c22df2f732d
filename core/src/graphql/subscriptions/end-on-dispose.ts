import type { Plugin } from 'graphql-yoga';
import type { SubscriptionSlots } from './slots.js';

/**
 * Ends the server's open subscriptions when yoga is disposed (the HTTP server closing): an SSE
 * stream otherwise keeps its connection, and with it the closing server, open for ever.
 */
export function endSubscriptionsOnDispose(slots: SubscriptionSlots): Plugin {
  return { onDispose: () => slots.endAll() };
}
