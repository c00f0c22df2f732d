export { subscriptionResolvers } from './resolvers.js';
export { subscriptionTypeDefs } from './sdl.js';
export { SubscriptionSlots, type SubscriptionLimits } from './slots.js';
