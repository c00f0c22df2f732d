export * as accounts from './accounts.js';
export * as agents from './agents.js';
export * as cases from './cases.js';
export * as community from './community.js';
export * as customers from './customers.js';
export * as interactions from './interactions.js';
export * as knowledge from './knowledge.js';
/** Knowledge search, versions, case links and deflection (domain/knowledge.ts keeps article CRUD). */
export * as knowledgeBase from './knowledge/index.js';
export * as orders from './orders.js';
export * as routing from './routing/index.js';
export * as sla from './sla/index.js';
export * as timeline from './timeline.js';
export type { Connection, PageArgs, PageInfo } from './pagination.js';
