export { communityResolvers } from './resolvers.js';
export { communityTypeDefs } from './sdl.js';
