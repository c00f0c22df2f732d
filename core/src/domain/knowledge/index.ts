/** The knowledge base beyond plain article CRUD (domain/knowledge.ts): access, search, versions, case links, deflection. */
export * from './access.js';
export * from './case-links.js';
export * from './deflection.js';
export * from './fts-query.js';
export { countVote, recomputeHelpfulnessStatement, wilsonLowerBound } from './helpfulness.js';
export * from './language.js';
export * from './search.js';
export * from './versions.js';
