export * as accounts from './accounts.js';
/** Private notes with @mentions, notifications, tags, canned responses, macros, scheduled replies. */
export * as agentTools from './agent-tools/index.js';
export * as agents from './agents.js';
export * as cases from './cases.js';
export * as community from './community.js';
export * as communityForums from './community-forums.js';
export * as communityModeration from './community-moderation.js';
export * as communityPolls from './community-polls.js';
export * as communityTakePrivate from './community-take-private.js';
export * as customers from './customers.js';
/** Channels, inbound messages threaded into cases, identity resolution, replies on a case's channel, imports. */
export * as intake from './intake/index.js';
export * as interactions from './interactions.js';
export * as knowledge from './knowledge.js';
/** Knowledge search, versions, case links and deflection (domain/knowledge.ts keeps article CRUD). */
export * as knowledgeBase from './knowledge/index.js';
export * as orders from './orders.js';
export * as routing from './routing/index.js';
export * as sla from './sla/index.js';
export * as timeline from './timeline.js';
export type { Connection, PageArgs, PageInfo } from './pagination.js';
