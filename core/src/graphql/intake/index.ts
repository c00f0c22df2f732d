export { intakeResolvers } from './resolvers.js';
export { intakeTypeDefs } from './sdl.js';
