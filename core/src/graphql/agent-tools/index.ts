export { agentToolsResolvers } from './resolvers.js';
export { agentToolsTypeDefs } from './sdl.js';
