export { routingTypeDefs } from './sdl.js';
export { routingResolvers } from './resolvers.js';
