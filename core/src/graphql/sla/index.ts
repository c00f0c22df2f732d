export { slaResolvers } from './resolvers.js';
export { slaTypeDefs } from './sdl.js';
