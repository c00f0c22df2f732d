/**
 * Shared helpers for the end-to-end suites: global ids, one document per mutation, a small
 * "one of everything" data set, paging through connections, and raw database snapshots.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Client, GraphQLResponse, TestPlatform } from './harness.js';

export type NodeType =
  | 'Account' | 'Customer' | 'Case' | 'Interaction' | 'Order' | 'KnowledgeArticle'
  | 'CommunityThread' | 'CommunityPost' | 'Agent' | 'Queue';

/** base64url("Type:uuid"), the API's global id. */
export const gid = (type: string, uuid: string) => Buffer.from(`${type}:${uuid}`).toString('base64url');
/** A well-formed id of `type` that never existed anywhere. */
export const randomGid = (type: NodeType) => gid(type, randomUUID());
/** The uuid behind a global id. */
export const localOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

let slugCounter = 0;
/** A tenant slug unique within this process. */
export const uniqueSlug = (prefix = 't') => `${prefix}-${process.pid}-${++slugCounter}`;

/** Asserts a response succeeded and returns its data. */
export function ok<T = Record<string, any>>(res: GraphQLResponse<T>): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data as T;
}

/** Asserts a response failed with exactly one error of `code` (and a message matching `message`). */
export function expectError(res: GraphQLResponse, code: string, message?: RegExp): void {
  expect(res.errors?.map((e) => e.extensions?.code), JSON.stringify(res)).toEqual([code]);
  const text = res.errors![0]!.message;
  expect(text.length).toBeGreaterThan(5);
  if (message) expect(text).toMatch(message);
}

// ---------------------------------------------------------------------------------------------
// One document per mutation in the SDL; each takes its input as `$input`.

const INSTALLATION = 'id pluginId version previousVersion status grantedScopes grantedEgress config secretNames';

const PAYLOADS = {
  createAccount: ['CreateAccountInput!', 'account { id name domain tier }'],
  updateAccount: ['UpdateAccountInput!', 'account { id name domain tier }'],
  createCustomer: ['CreateCustomerInput!', 'customer { id name email phone status account { id } identities { kind value provider } }'],
  updateCustomer: ['UpdateCustomerInput!', 'customer { id name email phone status account { id } }'],
  mergeCustomers: ['MergeCustomersInput!', 'survivor { id status } merged { id status mergedInto { id } }'],
  createCase: ['CreateCaseInput!', 'case { id number subject status priority channel customer { id } queue { id } assignee { id } createdAt }'],
  updateCase: ['UpdateCaseInput!', 'case { id subject status priority queue { id } assignee { id } }'],
  routeCase: ['ID!', 'case { id status assignee { id } }'],
  addInteraction: ['AddInteractionInput!', 'interaction { id channel direction occurredAt customer { id } case { id } agent { id } }'],
  createOrder: ['CreateOrderInput!', 'order { id orderNumber orderStatus currency total { amount currency } totalCents placedAt lines { sku quantity unitPrice { amount currency } lineTotal { amount currency } unitPriceCents lineTotalCents } customer { id } }'],
  updateOrderStatus: ['UpdateOrderStatusInput!', 'order { id orderStatus }'],
  createKnowledgeArticle: ['CreateKnowledgeArticleInput!', 'article { id title status locale tags helpfulCount notHelpfulCount }'],
  updateKnowledgeArticle: ['UpdateKnowledgeArticleInput!', 'article { id title status tags }'],
  rateKnowledgeArticle: ['RateKnowledgeArticleInput!', 'article { id helpfulCount notHelpfulCount }'],
  restoreKnowledgeArticleVersion: ['RestoreKnowledgeArticleVersionInput!', 'article { id title version }'],
  linkKnowledgeArticle: ['CaseArticleInput!', 'changed case { id } article { id }'],
  unlinkKnowledgeArticle: ['CaseArticleInput!', 'changed case { id } article { id }'],
  createCommunityThread: ['CreateCommunityThreadInput!', 'thread { id title author { id } } post { id score }'],
  createCommunityPost: ['CreateCommunityPostInput!', 'post { id body score thread { id } authorCustomer { id } authorAgent { id } }'],
  voteCommunityPost: ['VoteCommunityPostInput!', 'post { id score }'],
  createAgent: ['CreateAgentInput!', 'agent { id name email status capacity skills { skill level } }'],
  updateAgent: ['UpdateAgentInput!', 'agent { id status capacity }'],
  createQueue: ['CreateQueueInput!', 'queue { id name requiredSkill }'],
  setPresence: ['SetPresenceInput!', 'agent { id presence status }'],
  configureQueueRouting: ['ConfigureQueueRoutingInput!', 'queue { id routing { priority offerTimeoutSeconds returnAction } }'],
  setChannelWeights: ['SetChannelWeightsInput!', 'channelWeights { channel units }'],
  acceptOffer: ['ID!', 'case { id status assignee { id } }'],
  declineOffer: ['DeclineOfferInput!', 'case { id }'],
  transferCase: ['TransferCaseInput!', 'case { id assignee { id } queue { id } }'],
  releaseCase: ['ID!', 'case { id assignee { id } }'],
  inviteExpert: ['InviteExpertInput!', 'case { id } participant { agent { id } }'],
  // Service levels; deleteSlaCalendar and deleteSlaPolicy take the id as `$input`.
  createSlaCalendar: ['CreateSlaCalendarInput!', 'calendar { id name timeZone }'],
  updateSlaCalendar: ['UpdateSlaCalendarInput!', 'calendar { id name timeZone }'],
  addSlaHolidays: ['AddSlaHolidaysInput!', 'calendar { id holidays { date name recurring } }'],
  deleteSlaCalendar: ['ID!', 'deletedId'],
  createSlaPolicy: ['CreateSlaPolicyInput!', 'policy { id name position enabled }'],
  updateSlaPolicy: ['UpdateSlaPolicyInput!', 'policy { id name position enabled }'],
  deleteSlaPolicy: ['ID!', 'deletedId'],
  // Intake channels; rotateChannelSecret and disableChannel take the id as `$input`.
  createChannel: ['CreateChannelInput!', 'channel { id kind name enabled } secret'],
  rotateChannelSecret: ['ID!', 'channel { id } secret'],
  disableChannel: ['ID!', 'channel { id enabled }'],
  replyOnChannel: ['ReplyOnChannelInput!', 'interaction { id direction case { id } }'],
  ingestInteractions: [{ channelId: 'ID!', rows: '[IngestInteractionInput!]!' }, 'written duplicates errors { row code message }'],
  // Satisfaction.
  rateCase: ['RateCaseInput!', 'survey { rating comment }'],
  // Agents' tools; deleteCannedResponse, deleteMacro and cancelScheduledReply take the id as `$input`.
  addCaseNote: ['AddCaseNoteInput!', 'note { id body author { id } } mentioned { id }'],
  markNotificationsRead: ['MarkNotificationsReadInput!', 'count'],
  tagCase: ['TagCaseInput!', 'case { id } tags'],
  tagCustomer: ['TagCustomerInput!', 'customer { id } tags'],
  createCannedResponse: ['CreateCannedResponseInput!', 'cannedResponse { id name body }'],
  updateCannedResponse: ['UpdateCannedResponseInput!', 'cannedResponse { id name body }'],
  deleteCannedResponse: ['ID!', 'deletedId'],
  createMacro: ['CreateMacroInput!', 'macro { id name actions { type } }'],
  updateMacro: ['UpdateMacroInput!', 'macro { id name actions { type } }'],
  deleteMacro: ['ID!', 'deletedId'],
  applyMacro: ['ApplyMacroInput!', 'case { id status } replies { id }'],
  scheduleReply: ['ScheduleReplyInput!', 'scheduledReply { id status sendAt }'],
  cancelScheduledReply: ['ID!', 'scheduledReply { id status }'],
  // The community beyond threads and posts.
  createCommunityForum: ['CreateCommunityForumInput!', 'forum { id name }'],
  updateCommunityForum: ['UpdateCommunityForumInput!', 'forum { id name }'],
  setCommunityPostHidden: ['SetCommunityPostHiddenInput!', 'post { id hidden }'],
  setCommunityThreadHidden: ['SetCommunityThreadHiddenInput!', 'thread { id hidden }'],
  setCommunityThreadLocked: ['SetCommunityThreadLockedInput!', 'thread { id locked }'],
  acceptCommunityAnswer: ['AcceptCommunityAnswerInput!', 'thread { id acceptedAnswer { id } }'],
  createCommunityPoll: ['CreateCommunityPollInput!', 'poll { id options { id votes } }'],
  voteCommunityPoll: ['VoteCommunityPollInput!', 'poll { id totalVotes }'],
  setCommunityModerator: ['SetCommunityModeratorInput!', 'customer { id communityModerator }'],
  takeCommunityThreadPrivate: ['TakeCommunityThreadPrivateInput!', 'thread { id takenPrivate } case { id }'],
  // The plugin admin mutations; the last three take the plugin id as `$input`.
  publishPluginVersion: ['PublishPluginVersionInput!', 'version { pluginId version scopes egress }'],
  installPlugin: ['InstallPluginInput!', `installation { ${INSTALLATION} }`],
  configurePlugin: ['ConfigurePluginInput!', `installation { ${INSTALLATION} }`],
  upgradePlugin: ['UpgradePluginInput!', `installation { ${INSTALLATION} }`],
  rollbackPlugin: ['String!', `installation { ${INSTALLATION} }`],
  uninstallPlugin: ['String!', `installation { ${INSTALLATION} }`],
  purgePluginData: ['String!', 'pluginId deletedKeys'],
  // Several arguments: `$input` is an object of them, each passed as its own variable.
  replayDeadLetter: [{ eventId: 'ID!', pluginId: 'String!' }, 'eventId pluginId'],
} as const;

export type MutationName = keyof typeof PAYLOADS;
export const MUTATION_NAMES = Object.keys(PAYLOADS) as MutationName[];

const ARGUMENT: Partial<Record<MutationName, string>> = {
  routeCase: 'id', acceptOffer: 'caseId', releaseCase: 'caseId', deleteCannedResponse: 'id', deleteMacro: 'id', cancelScheduledReply: 'id', deleteSlaCalendar: 'id', deleteSlaPolicy: 'id', rotateChannelSecret: 'id', disableChannel: 'id', rollbackPlugin: 'pluginId', uninstallPlugin: 'pluginId', purgePluginData: 'pluginId',
};

/** The document for `name`; mutations that take a single id get it as `$input` too. */
export function mutationDoc(name: MutationName): string {
  const [type, selection] = PAYLOADS[name];
  if (typeof type !== 'string') {
    const vars = Object.entries(type).map(([arg, t]) => `$${arg}: ${t}`).join(', ');
    const args = Object.keys(type).map((arg) => `${arg}: $${arg}`).join(', ');
    return `mutation Do(${vars}) { ${name}(${args}) { ${selection} } }`;
  }
  const arg = `${ARGUMENT[name] ?? 'input'}: $input`;
  return `mutation Do($input: ${type}) { ${name}(${arg}) { ${selection} } }`;
}

export function mutate(client: Client, name: MutationName, input: unknown) {
  const several = typeof PAYLOADS[name][0] !== 'string';
  return client.gql(mutationDoc(name), several ? (input as Record<string, unknown>) : { input });
}

/** Runs a mutation that must succeed and returns its payload. */
export async function create(client: Client, name: MutationName, input: unknown): Promise<Record<string, any>> {
  return ok(await mutate(client, name, input))[name];
}

// ---------------------------------------------------------------------------------------------

export interface World {
  account: string; customer: string; customer2: string; agent: string; queue: string; case: string;
  interaction: string; order: string; article: string; thread: string; post: string; agentPost: string;
}

/** One object of every type (plus a second customer and an agent's post), all linked together. */
export async function seedWorld(client: Client, tag: string): Promise<World> {
  const account = (await create(client, 'createAccount', { name: `${tag} Corp`, domain: `${tag}.example`, tier: 'gold' })).account.id;
  const customer = (await create(client, 'createCustomer', {
    name: `${tag} Customer`, email: `cust@${tag}.example`, phone: '+1 555 0100', accountId: account,
    identities: [{ kind: 'SOCIAL', value: `@${tag}`, provider: 'x' }],
  })).customer.id;
  const customer2 = (await create(client, 'createCustomer', { name: `${tag} Other`, email: `other@${tag}.example` })).customer.id;
  const agent = (await create(client, 'createAgent', {
    name: `${tag} Agent`, email: `agent@${tag}.example`, status: 'ONLINE', capacity: 5, skills: [{ skill: 'billing', level: 3 }],
  })).agent.id;
  const queue = (await create(client, 'createQueue', { name: `${tag} billing`, requiredSkill: 'billing' })).queue.id;
  const kase = (await create(client, 'createCase', { customerId: customer, subject: 'Refund please', queueId: queue, assigneeId: agent })).case.id;
  const interaction = (await create(client, 'addInteraction', {
    customerId: customer, caseId: kase, agentId: agent, channel: 'EMAIL', direction: 'INBOUND', body: 'Where is my refund?',
  })).interaction.id;
  const order = (await create(client, 'createOrder', {
    customerId: customer, currency: 'EUR', lines: [{ sku: 'SKU-1', name: 'Widget', quantity: 2, unitPriceCents: 1250 }],
  })).order.id;
  const article = (await create(client, 'createKnowledgeArticle', { title: 'Refunds', body: 'How refunds work', status: 'PUBLISHED' })).article.id;
  const started = await create(client, 'createCommunityThread', { title: 'Hello', body: 'First!', authorCustomerId: customer });
  const agentPost = (await create(client, 'createCommunityPost', { threadId: started.thread.id, body: 'Welcome', authorAgentId: agent })).post.id;
  await create(client, 'voteCommunityPost', { postId: started.post.id, customerId: customer2, value: 1 });
  return {
    account, customer, customer2, agent, queue, case: kase, interaction, order, article,
    thread: started.thread.id, post: started.post.id, agentPost,
  };
}

// ---------------------------------------------------------------------------------------------

export interface Paged<N> {
  nodes: N[];
  pages: number;
}

/**
 * Pages through the connection at `path` (e.g. ['customer', 'timeline']) of `query`, which must
 * take `$first: Int` and `$after: String`, checking every page's pageInfo on the way.
 */
export function pageThrough<N = Record<string, any>>(
  client: Client,
  query: string,
  path: string[],
  first: number,
  variables: Record<string, unknown> = {},
): Promise<Paged<N>> {
  return pageAll(client, query, path, first, variables, 'forwards');
}

/**
 * Pages backwards through the connection at `path` of `query`, which must take `$last: Int` and
 * `$before: String`, from the end to the start, checking every page's pageInfo on the way; the
 * nodes come back in the connection's order.
 */
export function pageBackThrough<N = Record<string, any>>(
  client: Client,
  query: string,
  path: string[],
  last: number,
  variables: Record<string, unknown> = {},
): Promise<Paged<N>> {
  return pageAll(client, query, path, last, variables, 'backwards');
}

async function pageAll<N>(
  client: Client,
  query: string,
  path: string[],
  size: number,
  variables: Record<string, unknown>,
  direction: 'forwards' | 'backwards',
): Promise<Paged<N>> {
  const forwards = direction === 'forwards';
  const pagesRead: N[][] = [];
  let cursor: string | null = null;
  for (let pages = 1; pages <= 200; pages++) {
    const paging = forwards ? { first: size, after: cursor } : { last: size, before: cursor };
    const data = ok(await client.gql(query, { ...variables, ...paging }));
    const conn = path.reduce<any>((v, key) => v?.[key], data);
    const { edges, pageInfo } = conn as { edges: { cursor: string; node: N }[]; pageInfo: Record<string, any> };
    const [more, came] = forwards ? [pageInfo.hasNextPage, pageInfo.hasPreviousPage] : [pageInfo.hasPreviousPage, pageInfo.hasNextPage];
    expect(edges.length).toBeLessThanOrEqual(size);
    expect(came).toBe(cursor !== null);
    expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
    expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
    if (more) expect(edges.length).toBe(size);
    const nodes = edges.map((e) => e.node);
    if (forwards) pagesRead.push(nodes);
    else pagesRead.unshift(nodes);
    if (!more) return { nodes: pagesRead.flat(), pages };
    cursor = forwards ? pageInfo.endCursor : pageInfo.startCursor;
  }
  throw new Error('connection did not end within 200 pages');
}

// ---------------------------------------------------------------------------------------------

/** Every table of a tenant's database (but the migration journal), each as ordered raw rows. */
export async function dumpTenant(tp: TestPlatform, tenantId: string): Promise<Record<string, unknown[][]>> {
  const { client } = await tp.platform.tenants.get(tenantId);
  const tables = await client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name",
  );
  const dump: Record<string, unknown[][]> = {};
  for (const { name } of tables.rows) {
    const rs = await client.execute(`select * from "${String(name)}" order by 1`);
    dump[String(name)] = rs.rows.map((row) => rs.columns.map((_, i) => row[i]));
  }
  return dump;
}

/**
 * Every table of the control plane (but the migration journal): tenants, keys, audit log, the
 * plugin registry, installations and their secrets, plugin logs and usage.
 */
export async function dumpControl(tp: TestPlatform): Promise<Record<string, unknown[][]>> {
  const { client } = tp.platform.control;
  const tables = await client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name",
  );
  const dump: Record<string, unknown[][]> = {};
  for (const { name } of tables.rows) {
    const rs = await client.execute(`select * from "${String(name)}" order by 1, 2`);
    dump[String(name)] = rs.rows.map((row) => rs.columns.map((_, i) => row[i]));
  }
  return dump;
}

/** Row counts of every table, for readable failure messages. */
export const rowCounts = (dump: Record<string, unknown[][]>) =>
  Object.fromEntries(Object.entries(dump).map(([table, rows]) => [table, rows.length]));

/** Raw POST to /graphql with extra headers or query string, for attacks the client cannot express. */
export async function rawPost(
  tp: TestPlatform,
  opts: { apiKey?: string; authorization?: string; body: unknown; headers?: Record<string, string>; search?: string },
): Promise<GraphQLResponse & { headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  const authorization = opts.authorization ?? (opts.apiKey ? `Bearer ${opts.apiKey}` : undefined);
  if (authorization) headers.authorization = authorization;
  const res = await fetch(`${tp.server.url}/graphql${opts.search ?? ''}`, {
    method: 'POST', headers, body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const body = (await res.json()) as GraphQLResponse;
  return { ...body, status: res.status, headers: res.headers };
}
