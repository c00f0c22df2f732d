/**
 * The customer 360 model. One copy of these tables exists per tenant, in that tenant's own
 * database, so no row here carries a tenant id: isolation is the database boundary itself.
 * Every list the API pages through has an index ending in `id` so keyset cursors never scan.
 */
import type { PostalAddress } from '@mosaic/sdk';
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';

const ts = (name: string) => integer(name, { mode: 'timestamp_ms' });

export const CHANNELS = ['EMAIL', 'CHAT', 'PHONE', 'SMS', 'SOCIAL', 'PORTAL', 'VIDEO'] as const;
export const DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export const CUSTOMER_STATUSES = ['ACTIVE', 'MERGED'] as const;
export const IDENTITY_KINDS = ['EMAIL', 'PHONE', 'SOCIAL'] as const;
export const CASE_STATUSES = ['NEW', 'OPEN', 'PENDING', 'SOLVED', 'CLOSED'] as const;
export const CASE_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export const ORDER_STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'] as const;
/**
 * Who may read a knowledge article: DRAFT its author and admins, INTERNAL agents too, PUBLIC
 * everyone (portal visitors included).
 */
export const ARTICLE_VISIBILITIES = ['DRAFT', 'INTERNAL', 'PUBLIC'] as const;
export const AGENT_STATUSES = ['ONLINE', 'AWAY', 'OFFLINE'] as const;

/**
 * A postal address, stored as one JSON column exactly as the API's PostalAddress type returns it
 * (validated by domain/postal-address.ts).
 */
export type { PostalAddress };

export const accounts = sqliteTable('accounts', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  domain: text('domain'),
  tier: text('tier'),
  address: text('address', { mode: 'json' }).$type<PostalAddress>(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [index('accounts_created_idx').on(t.createdAt, t.id), index('accounts_name_idx').on(t.name, t.id)]);

export const customers = sqliteTable('customers', {
  id: text('id').primaryKey(),
  accountId: text('account_id').references(() => accounts.id),
  name: text('name').notNull(),
  email: text('email'),
  phone: text('phone'),
  status: text('status', { enum: CUSTOMER_STATUSES }).notNull().default('ACTIVE'),
  mergedIntoId: text('merged_into_id'),
  address: text('address', { mode: 'json' }).$type<PostalAddress>(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  index('customers_created_idx').on(t.createdAt, t.id),
  index('customers_name_idx').on(t.name, t.id),
  index('customers_account_idx').on(t.accountId, t.createdAt, t.id),
  index('customers_email_idx').on(t.email),
]);

/** Every handle a customer is known by; unique per tenant so one email maps to one customer. */
export const identities = sqliteTable('identities', {
  id: text('id').primaryKey(),
  customerId: text('customer_id').notNull().references(() => customers.id),
  kind: text('kind', { enum: IDENTITY_KINDS }).notNull(),
  value: text('value').notNull(),
  provider: text('provider'),
  verified: integer('verified', { mode: 'boolean' }).notNull().default(false),
  createdAt: ts('created_at').notNull(),
}, (t) => [
  uniqueIndex('identities_kind_value_uq').on(t.kind, t.value),
  index('identities_customer_idx').on(t.customerId),
]);

export const agents = sqliteTable('agents', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  /** Deprecated form of presence, kept in step with it (AVAILABLE shows as ONLINE, BUSY as AWAY). */
  status: text('status', { enum: AGENT_STATUSES }).notNull().default('OFFLINE'),
  /** Capacity units; a case takes its channel's weight (routing). */
  capacity: integer('capacity').notNull().default(5),
  createdAt: ts('created_at').notNull(),
  /** Routing presence; null on rows written before it existed, which follow `status`. */
  presence: text('presence', { enum: ['AVAILABLE', 'BUSY', 'AWAY', 'OFFLINE'] }),
  presenceSince: ts('presence_since'),
  /** When the agent last received work or became available: the longest idle is offered first. */
  idleSince: ts('idle_since'),
}, (t) => [uniqueIndex('agents_email_uq').on(t.email), index('agents_created_idx').on(t.createdAt, t.id)]);

export const agentSkills = sqliteTable('agent_skills', {
  agentId: text('agent_id').notNull().references(() => agents.id),
  skill: text('skill').notNull(),
  level: integer('level').notNull().default(1),
}, (t) => [primaryKey({ columns: [t.agentId, t.skill] })]);

export const queues = sqliteTable('queues', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  requiredSkill: text('required_skill'),
  createdAt: ts('created_at').notNull(),
}, (t) => [uniqueIndex('queues_name_uq').on(t.name), index('queues_created_idx').on(t.createdAt, t.id)]);

export const cases = sqliteTable('cases', {
  id: text('id').primaryKey(),
  number: integer('number').notNull(),
  customerId: text('customer_id').notNull().references(() => customers.id),
  subject: text('subject').notNull(),
  description: text('description'),
  status: text('status', { enum: CASE_STATUSES }).notNull().default('NEW'),
  priority: text('priority', { enum: CASE_PRIORITIES }).notNull().default('NORMAL'),
  channel: text('channel', { enum: CHANNELS }),
  queueId: text('queue_id').references(() => queues.id),
  assigneeId: text('assignee_id').references(() => agents.id),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  /**
   * When the case last became SOLVED or CLOSED; null while open. Kept by a trigger on status,
   * so every write path (API, macros, intake, plugins) records it alike.
   */
  solvedAt: ts('solved_at'),
}, (t) => [
  uniqueIndex('cases_number_uq').on(t.number),
  index('cases_solved_idx').on(t.solvedAt),
  index('cases_created_idx').on(t.createdAt, t.id),
  index('cases_customer_idx').on(t.customerId, t.createdAt, t.id),
  index('cases_status_idx').on(t.status, t.createdAt, t.id),
  index('cases_assignee_idx').on(t.assigneeId, t.createdAt, t.id),
  index('cases_queue_idx').on(t.queueId, t.createdAt, t.id),
]);

export const interactions = sqliteTable('interactions', {
  id: text('id').primaryKey(),
  customerId: text('customer_id').notNull().references(() => customers.id),
  caseId: text('case_id').references(() => cases.id),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  direction: text('direction', { enum: DIRECTIONS }).notNull(),
  subject: text('subject'),
  body: text('body').notNull(),
  agentId: text('agent_id').references(() => agents.id),
  occurredAt: ts('occurred_at').notNull(),
  createdAt: ts('created_at').notNull(),
  /** The plugin installation that wrote it (ctx.interactions.create); null for API writes. */
  sourceInstallationId: text('source_installation_id'),
  /** The installation's key for "write this once"; unique per installation (NULLs never collide). */
  idempotencyKey: text('idempotency_key'),
}, (t) => [
  index('interactions_customer_idx').on(t.customerId, t.occurredAt, t.id),
  index('interactions_case_idx').on(t.caseId, t.occurredAt, t.id),
  index('interactions_occurred_idx').on(t.occurredAt, t.id),
  uniqueIndex('interactions_idempotency_uq').on(t.sourceInstallationId, t.idempotencyKey),
  // Has an agent answered on the case? Only agents' replies are indexed, so a case of thousands of
  // customer messages is not read through on each new one (the SLA checks ask with every message).
  index('interactions_agent_reply_idx').on(t.caseId).where(sql`${t.direction} = 'OUTBOUND' and ${t.agentId} is not null`),
]);

export const orders = sqliteTable('orders', {
  id: text('id').primaryKey(),
  number: text('number').notNull(),
  customerId: text('customer_id').notNull().references(() => customers.id),
  status: text('status', { enum: ORDER_STATUSES }).notNull().default('PENDING'),
  currency: text('currency').notNull(),
  totalCents: integer('total_cents').notNull(),
  placedAt: ts('placed_at').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [
  uniqueIndex('orders_number_uq').on(t.number),
  index('orders_customer_idx').on(t.customerId, t.placedAt, t.id),
  index('orders_placed_idx').on(t.placedAt, t.id),
]);

export const orderLines = sqliteTable('order_lines', {
  id: text('id').primaryKey(),
  orderId: text('order_id').notNull().references(() => orders.id),
  sku: text('sku').notNull(),
  name: text('name').notNull(),
  quantity: integer('quantity').notNull(),
  unitPriceCents: integer('unit_price_cents').notNull(),
}, (t) => [index('order_lines_order_idx').on(t.orderId)]);

export const knowledgeArticles = sqliteTable('knowledge_articles', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  visibility: text('visibility', { enum: ARTICLE_VISIBILITIES }).notNull().default('DRAFT'),
  /** A BCP 47 language tag in canonical form (en, en-GB, pt-BR, zh-Hant). */
  locale: text('locale').notNull().default('en'),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
  helpfulCount: integer('helpful_count').notNull().default(0),
  notHelpfulCount: integer('not_helpful_count').notNull().default(0),
  /**
   * The lower bound of the 95 % Wilson score interval of helpful / not-helpful votes, rewritten
   * with the counters on every rating, so search ranks by it without aggregating ratings.
   */
  helpfulness: real('helpfulness').notNull().default(0),
  /** The number of the newest row in knowledge_article_versions. */
  version: integer('version').notNull().default(1),
  /** The actor who created it (an API key id or `web:<user id>`); null for older articles. */
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  index('articles_created_idx').on(t.createdAt, t.id),
  index('articles_visibility_idx').on(t.visibility, t.locale, t.createdAt, t.id),
]);

export const articleRatings = sqliteTable('article_ratings', {
  id: text('id').primaryKey(),
  articleId: text('article_id').notNull().references(() => knowledgeArticles.id),
  customerId: text('customer_id').references(() => customers.id),
  helpful: integer('helpful', { mode: 'boolean' }).notNull(),
  comment: text('comment'),
  createdAt: ts('created_at').notNull(),
}, (t) => [index('article_ratings_article_idx').on(t.articleId, t.createdAt, t.id)]);

export const communityThreads = sqliteTable('community_threads', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  authorCustomerId: text('author_customer_id').references(() => customers.id),
  createdAt: ts('created_at').notNull(),
  /** The forum (category) it is in; null for threads started before forums existed. */
  forumId: text('forum_id'),
  /** Hidden by a moderator: only moderators still see it. */
  hiddenAt: ts('hidden_at'),
  /** Locked by a moderator: it takes no more posts. */
  lockedAt: ts('locked_at'),
  /** The post the author or a moderator accepted as the answer. */
  acceptedPostId: text('accepted_post_id'),
  /** The private case the thread was taken into (the case finds its thread by this index). */
  caseId: text('case_id'),
}, (t) => [
  index('threads_created_idx').on(t.createdAt, t.id),
  index('threads_forum_idx').on(t.forumId, t.createdAt, t.id),
  uniqueIndex('threads_case_uq').on(t.caseId),
]);

export const communityPosts = sqliteTable('community_posts', {
  id: text('id').primaryKey(),
  threadId: text('thread_id').notNull().references(() => communityThreads.id),
  authorCustomerId: text('author_customer_id').references(() => customers.id),
  authorAgentId: text('author_agent_id').references(() => agents.id),
  body: text('body').notNull(),
  score: integer('score').notNull().default(0),
  createdAt: ts('created_at').notNull(),
  /** Hidden by a moderator: only moderators still see it. */
  hiddenAt: ts('hidden_at'),
}, (t) => [index('posts_thread_idx').on(t.threadId, t.createdAt, t.id)]);

export const communityVotes = sqliteTable('community_votes', {
  postId: text('post_id').notNull().references(() => communityPosts.id),
  customerId: text('customer_id').notNull().references(() => customers.id),
  value: integer('value').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.postId, t.customerId] })]);

/**
 * Transactional outbox: a domain change and the event announcing it commit together,
 * so a dispatcher can deliver events without ever announcing a change that rolled back.
 */
export const outbox = sqliteTable('outbox', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  subjectId: text('subject_id').notNull(),
  /** Who caused it: an API key id, `plugin:<id>` or `system`; null on rows written before this column. */
  actor: text('actor'),
  payload: text('payload', { mode: 'json' }).notNull(),
  createdAt: ts('created_at').notNull(),
  dispatchedAt: ts('dispatched_at'),
}, (t) => [index('outbox_pending_idx').on(t.dispatchedAt, t.createdAt)]);

/** Case numbers are per tenant and gap-free enough for humans to quote on the phone. */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

/** A plugin's own key-value storage in the tenant's database, kept across reinstalls until purged. */
export const pluginStorage = sqliteTable('plugin_storage', {
  pluginId: text('plugin_id').notNull(),
  key: text('key').notNull(),
  value: text('value').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.pluginId, t.key] })]);

/**
 * How many times each plugin's storage has been written. Triggers (migration 0015) move it on with
 * every insert, update and delete of plugin_storage, in the writer's own transaction, so no
 * writer can skip it: the host keeps storage values it read and trusts them only at this revision.
 */
export const pluginStorageRevisions = sqliteTable('plugin_storage_revisions', {
  pluginId: text('plugin_id').primaryKey(),
  revision: integer('revision').notNull(),
});

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;

/**
 * One event's delivery to one subscribed plugin. The (event, plugin) key is the idempotency key
 * handed to the handler; failed deliveries back off and end in the dead-letter list ('dead').
 */
export const eventDeliveries = sqliteTable('event_deliveries', {
  eventId: text('event_id').notNull(),
  pluginId: text('plugin_id').notNull(),
  status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
  attempts: integer('attempts').notNull(),
  nextAttemptAt: ts('next_attempt_at').notNull(),
  lastError: text('last_error'),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.eventId, t.pluginId] }),
  index('event_deliveries_due_idx').on(t.status, t.nextAttemptAt),
]);

/**
 * Inbound webhook signatures already accepted, so a captured request cannot be delivered again
 * while its timestamp is still fresh. Claimed with the primary key before the handler runs, so
 * two processes on one database (or two concurrent copies) run the handler once; rows are
 * useless once `expires_at` passes (the signature's timestamp is stale by then) and are pruned.
 */
export const inboundWebhookReplays = sqliteTable('inbound_webhook_replays', {
  installationId: text('installation_id').notNull(),
  /** SHA-256 of the verified signature, hex: the MAC itself is not kept. */
  signatureDigest: text('signature_digest').notNull(),
  expiresAt: ts('expires_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.installationId, t.signatureDigest] }),
  index('inbound_webhook_replays_expiry_idx').on(t.expiresAt),
]);

export const WEB_ROLES = ['customer', 'agent', 'admin'] as const;
export type WebRole = (typeof WEB_ROLES)[number];

/**
 * People who sign in to the tenant's web pages: portal customers (tied to a customers row),
 * agents (tied to an agents row) and admins. The email is stored normalised (trimmed, lower
 * case) so the unique index answers "one account per address"; the password as a versioned
 * scrypt string (tenancy/password-hash.ts).
 */
export const webUsers = sqliteTable('web_users', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: text('role', { enum: WEB_ROLES }).notNull(),
  customerId: text('customer_id').references(() => customers.id),
  agentId: text('agent_id').references(() => agents.id),
  passwordHash: text('password_hash').notNull(),
  disabledAt: ts('disabled_at'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  uniqueIndex('web_users_email_uq').on(t.email),
  index('web_users_role_idx').on(t.role, t.createdAt, t.id),
]);

/**
 * Signed-in browsers. The id is the SHA-256 of the cookie's random token, so a copy of this
 * table cannot be replayed as cookies; `csrf_secret` keys the session's CSRF token.
 */
export const webSessions = sqliteTable('web_sessions', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => webUsers.id),
  csrfSecret: text('csrf_secret').notNull(),
  createdAt: ts('created_at').notNull(),
  lastSeenAt: ts('last_seen_at').notNull(),
  /** The absolute end: no amount of activity keeps a session past it. */
  expiresAt: ts('expires_at').notNull(),
}, (t) => [index('web_sessions_user_idx').on(t.userId), index('web_sessions_expiry_idx').on(t.expiresAt)]);

/** Password reset links: only the token's SHA-256 is kept; used once, then `used_at` is set. */
export const passwordResets = sqliteTable('password_resets', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => webUsers.id),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  createdAt: ts('created_at').notNull(),
}, (t) => [index('password_resets_user_idx').on(t.userId)]);

/**
 * Every message the tenant's pages send (sign-up, reset links). Written in the transaction that
 * caused it; a sender delivers it by SMTP when one is configured, and the demo lists it as a mailbox.
 */
export const mailOutbox = sqliteTable('mail_outbox', {
  id: text('id').primaryKey(),
  to: text('to').notNull(),
  subject: text('subject').notNull(),
  text: text('text').notNull(),
  createdAt: ts('created_at').notNull(),
  sentAt: ts('sent_at'),
  failedAt: ts('failed_at'),
  lastError: text('last_error'),
}, (t) => [index('mail_outbox_created_idx').on(t.createdAt, t.id)]);

/** Tenant-wide settings set in the admin pages (branding, languages), one JSON value per key. */
export const webSettings = sqliteTable('web_settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: ts('updated_at').notNull(),
});

// ── Agents' daily tools: private notes, mentions, tags, canned responses, macros, scheduled replies ──

/**
 * Private notes agents leave on a case. A table of their own, not interactions: the portal reads
 * a case's conversation from interactions, so a note can never reach a customer by a filter slip.
 */
export const caseNotes = sqliteTable('case_notes', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  authorAgentId: text('author_agent_id').references(() => agents.id),
  body: text('body').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [index('case_notes_case_idx').on(t.caseId, t.createdAt, t.id)]);

export const AGENT_NOTIFICATION_KINDS = ['MENTION'] as const;

/** What an agent is told about (an @mention in a note), until they mark it read. */
export const agentNotifications = sqliteTable('agent_notifications', {
  id: text('id').primaryKey(),
  agentId: text('agent_id').notNull().references(() => agents.id),
  kind: text('kind', { enum: AGENT_NOTIFICATION_KINDS }).notNull(),
  caseId: text('case_id').references(() => cases.id),
  noteId: text('note_id').references(() => caseNotes.id),
  createdAt: ts('created_at').notNull(),
  readAt: ts('read_at'),
}, (t) => [
  index('agent_notifications_agent_idx').on(t.agentId, t.createdAt, t.id),
  index('agent_notifications_unread_idx').on(t.agentId, t.readAt, t.createdAt, t.id),
]);

/** A case's tags (lower case, 1–40 characters); the tag index answers "cases tagged x". */
export const caseTags = sqliteTable('case_tags', {
  caseId: text('case_id').notNull().references(() => cases.id),
  tag: text('tag').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.caseId, t.tag] }), index('case_tags_tag_idx').on(t.tag, t.caseId)]);

/** A customer's tags, under the same rules as a case's. */
export const customerTags = sqliteTable('customer_tags', {
  customerId: text('customer_id').notNull().references(() => customers.id),
  tag: text('tag').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.customerId, t.tag] }), index('customer_tags_tag_idx').on(t.tag, t.customerId)]);

/** Reply templates with {{variables}}, checked when saved (domain/agent-tools/template.ts). */
export const cannedResponses = sqliteTable('canned_responses', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  body: text('body').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [uniqueIndex('canned_responses_name_uq').on(t.name, t.id)]);

/** Several case changes applied together in one transaction; `actions` is validated JSON. */
export const macros = sqliteTable('macros', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  actions: text('actions', { mode: 'json' }).$type<unknown[]>().notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [uniqueIndex('macros_name_uq').on(t.name, t.id)]);

export const SCHEDULED_REPLY_STATUSES = ['SCHEDULED', 'SENT', 'CANCELLED'] as const;

/** A reply to send later; a periodic sweep records it as an OUTBOUND interaction when due. */
export const scheduledReplies = sqliteTable('scheduled_replies', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  agentId: text('agent_id').references(() => agents.id),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  subject: text('subject'),
  body: text('body').notNull(),
  sendAt: ts('send_at').notNull(),
  status: text('status', { enum: SCHEDULED_REPLY_STATUSES }).notNull(),
  interactionId: text('interaction_id').references(() => interactions.id),
  createdAt: ts('created_at').notNull(),
  sentAt: ts('sent_at'),
  cancelledAt: ts('cancelled_at'),
}, (t) => [
  index('scheduled_replies_due_idx').on(t.status, t.sendAt, t.id),
  index('scheduled_replies_case_idx').on(t.caseId, t.createdAt, t.id),
]);

// ── Community: forums, polls, moderators ──

/** The forum's categories; threads without one predate them. */
export const communityForums = sqliteTable('community_forums', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  position: integer('position').notNull().default(0),
  createdAt: ts('created_at').notNull(),
}, (t) => [uniqueIndex('community_forums_name_uq').on(t.name), index('community_forums_position_idx').on(t.position, t.id)]);

/** One poll per thread. */
export const communityPolls = sqliteTable('community_polls', {
  id: text('id').primaryKey(),
  threadId: text('thread_id').notNull().references(() => communityThreads.id),
  question: text('question').notNull(),
  closesAt: ts('closes_at'),
  createdAt: ts('created_at').notNull(),
}, (t) => [uniqueIndex('community_polls_thread_uq').on(t.threadId)]);

export const communityPollOptions = sqliteTable('community_poll_options', {
  id: text('id').primaryKey(),
  pollId: text('poll_id').notNull().references(() => communityPolls.id),
  label: text('label').notNull(),
  position: integer('position').notNull(),
}, (t) => [index('community_poll_options_poll_idx').on(t.pollId, t.position)]);

/** One vote per customer per poll: the primary key says so, whatever races. */
export const communityPollVotes = sqliteTable('community_poll_votes', {
  pollId: text('poll_id').notNull().references(() => communityPolls.id),
  customerId: text('customer_id').notNull().references(() => customers.id),
  optionId: text('option_id').notNull().references(() => communityPollOptions.id),
  createdAt: ts('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.pollId, t.customerId] }), index('community_poll_votes_option_idx').on(t.optionId)]);

/** Customers trusted to moderate the forum (agents and admins always may). */
export const communityModerators = sqliteTable('community_moderators', {
  customerId: text('customer_id').primaryKey().references(() => customers.id),
  createdAt: ts('created_at').notNull(),
});

// --- knowledge: versions, case links, deflection -------------------------------------------------

/** Every state an article was saved in: each create, edit and restore writes the next version. */
export const knowledgeArticleVersions = sqliteTable('knowledge_article_versions', {
  articleId: text('article_id').notNull().references(() => knowledgeArticles.id),
  version: integer('version').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  visibility: text('visibility', { enum: ARTICLE_VISIBILITIES }).notNull(),
  locale: text('locale').notNull(),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  /** The actor who saved it; null for versions taken over from before versioning. */
  author: text('author'),
  createdAt: ts('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.articleId, t.version] })]);

/** Articles an agent linked to a case (the answer sent, the procedure followed). */
export const caseArticles = sqliteTable('case_articles', {
  caseId: text('case_id').notNull().references(() => cases.id),
  articleId: text('article_id').notNull().references(() => knowledgeArticles.id),
  linkedBy: text('linked_by').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.caseId, t.articleId] }), index('case_articles_article_idx').on(t.articleId, t.createdAt)]);

export const KNOWLEDGE_ACTIVITY_KINDS = ['SEARCH', 'VIEW', 'CASE'] as const;

/**
 * Self-service activity for deflection: a visitor's searches and article views, and the cases they
 * opened. Append-only and narrow (an integer key, no foreign keys) so recording one costs one
 * small insert; deflection is computed from it in SQL.
 */
export const knowledgeActivity = sqliteTable('knowledge_activity', {
  id: integer('id').primaryKey(),
  /** The portal session or anonymous visitor id. */
  visitor: text('visitor').notNull(),
  /** The signed-in customer, when there is one: their cases from any channel count too. */
  customerId: text('customer_id'),
  kind: text('kind', { enum: KNOWLEDGE_ACTIVITY_KINDS }).notNull(),
  articleId: text('article_id'),
  at: ts('at').notNull(),
}, (t) => [index('knowledge_activity_at_idx').on(t.at), index('knowledge_activity_visitor_idx').on(t.visitor, t.kind, t.at)]);

// ── Routing: queue routing configuration, channel weights, work items, decisions, experts ──

export const PRESENCES = ['AVAILABLE', 'BUSY', 'AWAY', 'OFFLINE'] as const;
export const RETURN_ACTIONS = ['REROUTE', 'FALLBACK_QUEUE', 'ESCALATE'] as const;
export const WORK_ITEM_STATES = ['WAITING', 'OFFERED', 'ASSIGNED'] as const;
export const ROUTING_DECISION_KINDS = ['OFFER', 'ASSIGN', 'TRANSFER', 'NONE'] as const;

/** One required skill of a queue; an additional one is dropped once the item waited long enough. */
export interface QueueSkillRequirement { skill: string; level: number; additional: boolean }

/**
 * A queue's routing configuration (Omni-Channel style). Queues without a row are routed only on
 * request (routeCase) with their legacy required skill; queues with one are routed by the sweep.
 */
export const queueRouting = sqliteTable('queue_routing', {
  queueId: text('queue_id').primaryKey().references(() => queues.id),
  /** 1 is served first. */
  priority: integer('priority').notNull().default(5),
  skills: text('skills', { mode: 'json' }).$type<QueueSkillRequirement[]>().notNull().default([]),
  /** Seconds an item waits before its additional skills stop being required; null keeps them. */
  skillDropSeconds: integer('skill_drop_seconds'),
  offerTimeoutSeconds: integer('offer_timeout_seconds').notNull().default(30),
  /** Minutes an assignee may stay silent before the return action runs; null turns it off. */
  returnAfterMinutes: integer('return_after_minutes'),
  returnAction: text('return_action', { enum: RETURN_ACTIONS }).notNull().default('REROUTE'),
  fallbackQueueId: text('fallback_queue_id').references(() => queues.id),
  updatedAt: ts('updated_at').notNull(),
});

/** Capacity units a case of each channel takes; channels without a row use the built-in weights. */
export const routingChannelWeights = sqliteTable('routing_channel_weights', {
  channel: text('channel').primaryKey(),
  units: integer('units').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * A case waiting for, offered to or assigned to an agent by routing. One per case. `version`
 * makes every state change conditional, so two routers never move the same item twice.
 */
export const routingWorkItems = sqliteTable('routing_work_items', {
  caseId: text('case_id').primaryKey().references(() => cases.id),
  queueId: text('queue_id').references(() => queues.id),
  state: text('state', { enum: WORK_ITEM_STATES }).notNull(),
  /** Capacity units the item takes, from its channel's weight when it was queued. */
  weight: integer('weight').notNull(),
  enqueuedAt: ts('enqueued_at').notNull(),
  agentId: text('agent_id').references(() => agents.id),
  offeredAt: ts('offered_at'),
  offerExpiresAt: ts('offer_expires_at'),
  assignedAt: ts('assigned_at'),
  escalatedAt: ts('escalated_at'),
  /** Agents who declined or let the offer lapse; not offered this item again. */
  excludedAgentIds: text('excluded_agent_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
  version: integer('version').notNull().default(0),
}, (t) => [
  index('routing_items_state_idx').on(t.state, t.enqueuedAt),
  index('routing_items_agent_idx').on(t.agentId, t.state),
  index('routing_items_expiry_idx').on(t.state, t.offerExpiresAt),
]);

/** One candidate as the router saw it when deciding. */
export interface RoutingCandidateSnapshot {
  agentId: string;
  loadUnits: number;
  capacityUnits: number;
  skillScore: number;
  idleSince: number;
  skills: { skill: string; level: number }[];
}

/** Why a case went where it went: the candidates considered and the rule that picked the winner. */
export const routingDecisions = sqliteTable('routing_decisions', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  queueId: text('queue_id'),
  kind: text('kind', { enum: ROUTING_DECISION_KINDS }).notNull(),
  agentId: text('agent_id'),
  rule: text('rule').notNull(),
  weight: integer('weight').notNull(),
  requiredSkills: text('required_skills', { mode: 'json' }).$type<QueueSkillRequirement[]>().notNull(),
  droppedSkills: text('dropped_skills', { mode: 'json' }).$type<string[]>().notNull(),
  /** The best-ranked candidates (at most ten), winner first. */
  candidates: text('candidates', { mode: 'json' }).$type<RoutingCandidateSnapshot[]>().notNull(),
  /** How many agents qualified in all. */
  candidateCount: integer('candidate_count').notNull(),
  actor: text('actor').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [index('routing_decisions_case_idx').on(t.caseId, t.createdAt, t.id)]);

/** Experts invited to help on a case; the assignee stays the owner. */
export const caseParticipants = sqliteTable('case_participants', {
  caseId: text('case_id').notNull().references(() => cases.id),
  agentId: text('agent_id').notNull().references(() => agents.id),
  invitedBy: text('invited_by').notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.caseId, t.agentId] }), index('case_participants_agent_idx').on(t.agentId)]);

// ── SLAs: business-hours calendars, policies, each case's targets and the escalations applied ──

export const SLA_TARGET_KINDS = ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'] as const;
export const SLA_TARGET_STATUSES = ['ACTIVE', 'PAUSED', 'HIT', 'MISSED'] as const;
export const SLA_EVENTS = ['BREACHING_SOON', 'BREACHED'] as const;
export const SLA_ESCALATION_ACTIONS = ['REASSIGN', 'RAISE_PRIORITY', 'NOTIFY'] as const;
export type SlaTargetKind = (typeof SLA_TARGET_KINDS)[number];

/** One opening period of a weekday (1 = Monday … 7 = Sunday), in minutes after local midnight. */
export interface SlaPeriod { weekday: number; startMinute: number; endMinute: number }
/** A closed day; a recurring one closes that month and day every year. */
export interface SlaHoliday { date: string; name: string | null; recurring: boolean }
/** Which cases a policy selects; an empty list accepts any value. */
export interface SlaConditions {
  priorities: (typeof CASE_PRIORITIES)[number][];
  channels: (typeof CHANNELS)[number][];
  queueIds: string[];
  tiers: string[];
}
/** One target of a policy; with a priority it applies to cases of that priority only. */
export interface SlaTargetRule {
  kind: SlaTargetKind;
  priority: (typeof CASE_PRIORITIES)[number] | null;
  minutes: number;
  businessHours: boolean;
}
/** What happens to a case when one of its targets is breaching soon or breached. */
export interface SlaEscalationRule {
  on: (typeof SLA_EVENTS)[number];
  targetKind: SlaTargetKind | null;
  action: (typeof SLA_ESCALATION_ACTIONS)[number];
  queueId: string | null;
  agentId: string | null;
}

export const slaCalendars = sqliteTable('sla_calendars', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** An IANA zone name; periods and holidays are read in its local time. */
  timeZone: text('time_zone').notNull(),
  periods: text('periods', { mode: 'json' }).$type<SlaPeriod[]>().notNull(),
  holidays: text('holidays', { mode: 'json' }).$type<SlaHoliday[]>().notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [uniqueIndex('sla_calendars_name_uq').on(t.name), index('sla_calendars_created_idx').on(t.createdAt, t.id)]);

/** Ordered by `position`: the first enabled policy whose conditions select a case applies to it. */
export const slaPolicies = sqliteTable('sla_policies', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  position: integer('position').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  conditions: text('conditions', { mode: 'json' }).$type<SlaConditions>().notNull(),
  calendarId: text('calendar_id').references(() => slaCalendars.id),
  targets: text('targets', { mode: 'json' }).$type<SlaTargetRule[]>().notNull(),
  /** "Breaching soon" this share of the target before it is due, unless `warn_minutes` is set. */
  warnPercent: integer('warn_percent').notNull().default(15),
  warnMinutes: integer('warn_minutes'),
  escalations: text('escalations', { mode: 'json' }).$type<SlaEscalationRule[]>().notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [uniqueIndex('sla_policies_name_uq').on(t.name), index('sla_policies_position_idx').on(t.position, t.id)]);

/**
 * One clock of one case: the target's size, calendar and progress are copied from the policy
 * when it starts, so editing a policy never rewrites a running clock's past. Next-response
 * clocks start again after each customer message (`cycle`); earlier cycles stay for reporting.
 */
export const caseSlaTargets = sqliteTable('case_sla_targets', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  kind: text('kind', { enum: SLA_TARGET_KINDS }).notNull(),
  cycle: integer('cycle').notNull(),
  policyId: text('policy_id'),
  status: text('status', { enum: SLA_TARGET_STATUSES }).notNull(),
  minutes: integer('minutes').notNull(),
  businessHours: integer('business_hours', { mode: 'boolean' }).notNull(),
  calendarId: text('calendar_id'),
  startedAt: ts('started_at').notNull(),
  /** Start of the running stretch (null while paused or finished). */
  activeSince: ts('active_since'),
  /** Target time used up by earlier stretches, before a pause. */
  consumedMs: integer('consumed_ms').notNull().default(0),
  dueAt: ts('due_at'),
  warnAt: ts('warn_at'),
  /** When "breaching soon" was announced (once). */
  warnedAt: ts('warned_at'),
  hitAt: ts('hit_at'),
  breachedAt: ts('breached_at'),
  /** When "breached" was announced (once; a late answer is announced by the next sweep). */
  breachNotifiedAt: ts('breach_notified_at'),
  completedAt: ts('completed_at'),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  uniqueIndex('case_sla_targets_case_kind_cycle_uq').on(t.caseId, t.kind, t.cycle),
  index('case_sla_targets_due_idx').on(t.status, t.dueAt),
  index('case_sla_targets_warn_idx').on(t.status, t.warnedAt, t.warnAt),
  index('case_sla_targets_breach_idx').on(t.status, t.breachNotifiedAt),
  // When each clock was decided (met or missed): reports count a period over this range.
  index('case_sla_targets_decided_idx').on(sql`coalesce(${t.hitAt}, ${t.breachedAt})`),
]);

/** Each escalation action applied to a case, with what it changed; the supervisor's note lives here. */
export const slaEscalations = sqliteTable('sla_escalations', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  targetId: text('target_id').notNull(),
  event: text('event', { enum: SLA_EVENTS }).notNull(),
  action: text('action', { enum: SLA_ESCALATION_ACTIONS }).notNull(),
  detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: ts('created_at').notNull(),
}, (t) => [index('sla_escalations_case_idx').on(t.caseId, t.createdAt, t.id)]);

// ── Intake: channels, provider receipts, conversation threads ──────────────────────────────────

export const MESSAGE_VISIBILITIES = ['PUBLIC', 'PRIVATE'] as const;

/**
 * A tenant's inbound channel (one mailbox, chat widget, SMS number, social account, phone line…).
 * The secret that authenticates its provider is kept encrypted with the secrets vault, bound to
 * the tenant and channel, because an HMAC signature needs the secret itself to be checked.
 */
export const channels = sqliteTable('channels', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: CHANNELS }).notNull(),
  name: text('name').notNull(),
  defaultQueueId: text('default_queue_id').references(() => queues.id),
  /** ISO 3166 region for phone numbers written in national format (e.g. `DE` for 030 1234567). */
  region: text('region'),
  secretCiphertext: text('secret_ciphertext').notNull(),
  disabledAt: ts('disabled_at'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [index('channels_created_idx').on(t.createdAt, t.id)]);

/**
 * One provider message (or call event) received on a channel, keyed by the provider's id: the
 * primary key makes a redelivery write nothing and answer what the first delivery did.
 */
export const channelMessages = sqliteTable('channel_messages', {
  channelId: text('channel_id').notNull(),
  externalId: text('external_id').notNull(),
  interactionId: text('interaction_id').notNull().references(() => interactions.id),
  caseId: text('case_id'),
  /** Social posts: PUBLIC (a mention anyone sees) or PRIVATE (a direct message). */
  visibility: text('visibility', { enum: MESSAGE_VISIBILITIES }),
  /** Channel-specific facts (email headers, call legs, recording link), as JSON. */
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  createdAt: ts('created_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.channelId, t.externalId] }),
  index('channel_messages_interaction_idx').on(t.interactionId),
  index('channel_messages_case_idx').on(t.caseId, t.createdAt),
]);

/**
 * A conversation on a channel (an email's Message-IDs, a chat session, a call, a social
 * conversation) and the case it continues; the call's interaction for phone calls.
 */
export const channelThreads = sqliteTable('channel_threads', {
  channelId: text('channel_id').notNull(),
  threadKey: text('thread_key').notNull(),
  caseId: text('case_id').notNull().references(() => cases.id),
  interactionId: text('interaction_id'),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.channelId, t.threadKey] }),
  index('channel_threads_case_idx').on(t.caseId, t.updatedAt),
]);

// ── Managers' metrics ────────────────────────────────────────────────────────────────────────

/** A customer's rating of how their case was handled (CSAT), one per case. */
export const caseSurveys = sqliteTable('case_surveys', {
  caseId: text('case_id').primaryKey().references(() => cases.id),
  customerId: text('customer_id').notNull().references(() => customers.id),
  /** 1 (very unsatisfied) to 5 (very satisfied). */
  rating: integer('rating').notNull(),
  comment: text('comment'),
  answeredAt: ts('answered_at').notNull(),
}, (t) => [index('case_surveys_answered_idx').on(t.answeredAt)]);
