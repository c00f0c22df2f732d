export { metricsResolvers } from './resolvers.js';
export { metricsTypeDefs } from './sdl.js';
