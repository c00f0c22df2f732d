export { knowledgeResolvers } from './resolvers.js';
export { knowledgeTypeDefs } from './sdl.js';
