export { subscriptionResolvers } from './resolvers.js';
export { subscriptionTypeDefs } from './sdl.js';
export { endSubscriptionsOnDispose } from './end-on-dispose.js';
export { SubscriptionSlots, type SubscriptionLimits } from './slots.js';
