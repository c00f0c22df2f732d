/**
 * Text the API would not give back as it was sent is refused: a NUL (SQLite's C API cuts TEXT
 * there on the way out), a lone surrogate (stored as U+FFFD), other control characters, and
 * strings over their cap (a 50 000-character LIKE pattern used to fail inside SQLite and echo
 * the SQL). Every String and ID of every mutation input and every query argument and filter is
 * attacked over real HTTP: BAD_USER_INPUT naming the path, nothing written, no echo of the input.
 * Valid text with tabs, line breaks, emoji and CJK comes back exactly.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  create, dumpControl, dumpTenant, expectError, gid, MUTATION_NAMES, mutate, ok, randomGid, rowCounts, seedWorld,
  type MutationName, type World,
} from './fixtures.js';
import { startTestPlatform, type Client, type GraphQLResponse, type TestPlatform } from './harness.js';

let tp: TestPlatform;
let t: Client & { tenantId: string };
let w: World;

beforeAll(async () => {
  tp = await startTestPlatform();
  t = await tp.tenant('text-input');
  w = await seedWorld(t, 'txt');
});
afterAll(() => tp?.close());

/** The default cap of a String (README, API conventions); IDs have 200. */
const STRING_CAP = 1_000;
const ID_CAP = 200;
const line = { sku: 'SKU', name: 'Thing', quantity: 1, unitPriceCents: 100 };
/** A time a reply can be scheduled for. */
const LATER = new Date(Date.now() + 86_400_000).toISOString();
const period = { weekday: 'MONDAY', start: '09:00', end: '17:00' };
const holiday = { date: '2026-12-25', name: 'Christmas', recurring: true };
const conditions = { priorities: ['HIGH'], channels: ['EMAIL'], tiers: ['gold'] };
const target = { kind: 'FIRST_RESPONSE', priority: 'HIGH', minutes: 60 };
const address = { line1: '1 Rue de Rivoli', line2: 'Bâtiment B', city: 'Paris', region: 'IDF', postalCode: '75001', country: 'FR' };

/**
 * One input per mutation, valid but for the plugin ones (whose plugin does not exist here: the
 * text rule answers before any lookup), with every String and ID field it can carry filled in.
 */
const inputs = (): Record<MutationName, unknown> => ({
  createAccount: { name: 'A', domain: 'a.example', tier: 'gold', address },
  updateAccount: { id: w.account, name: 'A2', domain: 'b.example', tier: 'silver', address },
  createCustomer: { name: 'C', email: 'c@c.example', phone: '+1 555 0199', accountId: w.account, address, identities: [{ kind: 'SOCIAL', value: '@c', provider: 'x' }] },
  updateCustomer: { id: w.customer2, name: 'C2', email: 'c2@c.example', phone: '+1 555 0198', accountId: w.account, address },
  mergeCustomers: { survivorId: w.customer, duplicateId: w.customer2 },
  createCase: { customerId: w.customer, subject: 'S', description: 'D', queueId: w.queue, assigneeId: w.agent },
  updateCase: { id: w.case, subject: 'S2', description: 'D2', queueId: w.queue, assigneeId: w.agent },
  routeCase: w.case,
  addInteraction: { customerId: w.customer, caseId: w.case, agentId: w.agent, channel: 'EMAIL', direction: 'INBOUND', subject: 'S', body: 'B' },
  createOrder: { customerId: w.customer, number: 'SO-1', currency: 'EUR', lines: [line] },
  updateOrderStatus: { id: w.order, status: 'PAID' },
  createKnowledgeArticle: { title: 'T', body: 'B', locale: 'en', tags: ['t'] },
  updateKnowledgeArticle: { id: w.article, title: 'T2', body: 'B2', tags: ['u'] },
  rateKnowledgeArticle: { articleId: w.article, helpful: true, comment: 'C', customerId: w.customer },
  restoreKnowledgeArticleVersion: { articleId: w.article, version: 1 },
  linkKnowledgeArticle: { caseId: w.case, articleId: w.article },
  unlinkKnowledgeArticle: { caseId: w.case, articleId: w.article },
  createCommunityThread: { title: 'T', body: 'B', authorCustomerId: w.customer },
  createCommunityPost: { threadId: w.thread, body: 'B', authorAgentId: w.agent },
  voteCommunityPost: { postId: w.agentPost, customerId: w.customer2, value: 1 },
  createAgent: { name: 'A', email: 'a@a.example', skills: [{ skill: 'x' }] },
  updateAgent: { id: w.agent, name: 'A2' },
  createQueue: { name: 'Q', description: 'D', requiredSkill: 'x' },
  addCaseNote: { caseId: w.case, body: 'B @a', authorAgentId: w.agent },
  markNotificationsRead: { agentId: w.agent },
  tagCase: { caseId: w.case, add: ['t'], remove: ['u'] },
  tagCustomer: { customerId: w.customer, add: ['t'], remove: ['u'] },
  createCannedResponse: { name: 'N', body: 'Hi {{customer.name}}' },
  updateCannedResponse: { id: gid('CannedResponse', randomUUID()), name: 'N', body: 'B' },
  deleteCannedResponse: gid('CannedResponse', randomUUID()),
  createMacro: { name: 'M', actions: [{ type: 'ADD_NOTE', body: 'B' }, { type: 'SET_QUEUE', queueId: w.queue }, { type: 'ADD_TAGS', tags: ['t'] }] },
  updateMacro: { id: gid('Macro', randomUUID()), name: 'M', actions: [{ type: 'ADD_NOTE', body: 'B' }] },
  deleteMacro: gid('Macro', randomUUID()),
  applyMacro: { macroId: gid('Macro', randomUUID()), caseId: w.case },
  scheduleReply: { caseId: w.case, body: 'B', subject: 'S', sendAt: LATER },
  cancelScheduledReply: gid('ScheduledReply', randomUUID()),
  createCommunityForum: { name: 'F', description: 'D' },
  updateCommunityForum: { id: gid('CommunityForum', randomUUID()), name: 'F', description: 'D' },
  setCommunityPostHidden: { postId: w.agentPost, hidden: true },
  setCommunityThreadHidden: { threadId: w.thread, hidden: true },
  setCommunityThreadLocked: { threadId: w.thread, locked: true },
  acceptCommunityAnswer: { threadId: w.thread, postId: w.agentPost },
  createCommunityPoll: { threadId: w.thread, question: 'Q', options: ['A', 'B'] },
  voteCommunityPoll: { pollId: gid('CommunityPoll', randomUUID()), optionId: gid('CommunityPollOption', randomUUID()), customerId: w.customer },
  setCommunityModerator: { customerId: w.customer, moderator: true },
  takeCommunityThreadPrivate: { threadId: w.thread, subject: 'S', queueId: w.queue, assigneeId: w.agent },
  setPresence: { agentId: w.agent, presence: 'AVAILABLE' },
  configureQueueRouting: { queueId: w.queue, skills: [{ skill: 'billing', level: 2 }], returnAction: 'FALLBACK_QUEUE', fallbackQueueId: gid('Queue', randomUUID()) },
  setChannelWeights: { weights: [{ channel: 'EMAIL', units: 2 }] },
  acceptOffer: w.case,
  declineOffer: { caseId: w.case, reason: 'OTHER', note: 'N' },
  // Exactly one target is valid; both are given so that each field meets the text rule.
  transferCase: { caseId: w.case, toAgentId: w.agent, toQueueId: w.queue },
  releaseCase: w.case,
  inviteExpert: { caseId: w.case, agentId: w.agent },
  createSlaCalendar: { name: 'Cal', timeZone: 'Europe/Paris', periods: [period], holidays: [holiday] },
  updateSlaCalendar: { id: gid('SlaCalendar', randomUUID()), name: 'Cal', timeZone: 'Europe/Paris', periods: [period], holidays: [holiday] },
  addSlaHolidays: { calendarId: gid('SlaCalendar', randomUUID()), holidays: [holiday] },
  deleteSlaCalendar: gid('SlaCalendar', randomUUID()),
  createSlaPolicy: { name: 'P', conditions: { ...conditions, queueIds: [w.queue] }, calendarId: gid('SlaCalendar', randomUUID()), targets: [target], escalations: [{ on: 'BREACHED', action: 'REASSIGN', queueId: w.queue, agentId: w.agent }] },
  updateSlaPolicy: { id: gid('SlaPolicy', randomUUID()), name: 'P', conditions: { ...conditions, queueIds: [w.queue] }, calendarId: gid('SlaCalendar', randomUUID()), targets: [target], escalations: [{ on: 'BREACHED', action: 'REASSIGN', queueId: w.queue, agentId: w.agent }] },
  deleteSlaPolicy: gid('SlaPolicy', randomUUID()),
  createChannel: { kind: 'SMS', name: 'N', defaultQueueId: w.queue, region: 'US' },
  rotateChannelSecret: gid('IntakeChannel', randomUUID()),
  disableChannel: gid('IntakeChannel', randomUUID()),
  replyOnChannel: { caseId: w.case, body: 'B', subject: 'S', channelId: gid('IntakeChannel', randomUUID()), agentId: w.agent },
  ingestInteractions: {
    channelId: gid('IntakeChannel', randomUUID()),
    rows: [{ externalId: 'e-1', contact: { name: 'N', email: 'n@n.example', phone: '+1 555 0197', handle: '@n', network: 'x' }, direction: 'INBOUND', subject: 'S', body: 'B', occurredAt: LATER, threadKey: 'k' }],
  },
  rateCase: { caseId: w.case, rating: 5, comment: 'C' },
  publishPluginVersion: { publisherId: randomUUID(), manifest: '{}', bundle: 'x', signature: 's' },
  installPlugin: { pluginId: 'acme.none', version: '^1', grantScopes: ['storage'], grantEgress: ['a.example'], config: { greeting: 'Hi' }, secrets: [{ name: 'N', value: 'v' }] },
  configurePlugin: { pluginId: 'acme.none', config: { greeting: 'Hi' }, secrets: [{ name: 'N', value: 'v' }] },
  upgradePlugin: { pluginId: 'acme.none', version: '^1', grantScopes: ['storage'], grantEgress: ['a.example'] },
  rollbackPlugin: 'acme.none',
  uninstallPlugin: 'acme.none',
  purgePluginData: 'acme.none',
  replayDeadLetter: { eventId: randomUUID(), pluginId: 'acme.none' },
});

/** Fields that are not String or ID in the SDL (enums, numbers, booleans, JSON). */
const NOT_TEXT = new Set([
  'presence', 'reason', 'returnAction', 'weekday', 'on', 'action', 'targetKind', 'priorities', 'channels', 'occurredAt',
  'type', 'sendAt', 'kind', 'channel', 'direction', 'status', 'currency', 'helpful', 'value', 'quantity', 'unitPriceCents', 'level', 'capacity', 'priority']);

/** Every string leaf of `input` with its path, skipping enum-typed and JSON fields. */
function stringPaths(input: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof input === 'string') return [path];
  if (Array.isArray(input)) return input.flatMap((item, i) => stringPaths(item, [...path, i]));
  if (typeof input !== 'object' || input === null) return [];
  return Object.entries(input).flatMap(([k, v]) => (NOT_TEXT.has(k) || k === 'config' ? [] : stringPaths(v, [...path, k])));
}

function replaced(input: unknown, path: Array<string | number>, value: string): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(input) ? [...input] : { ...(input as object) };
  copy[path[0]!] = replaced(copy[path[0]!], path.slice(1), value);
  return copy;
}

/** The argument path as the API names it: `input.lines.0.sku`, or the argument itself. */
const SINGLE_ARGUMENT: Partial<Record<MutationName, string>> = {
  routeCase: 'id', acceptOffer: 'caseId', releaseCase: 'caseId', deleteSlaCalendar: 'id', deleteSlaPolicy: 'id', rotateChannelSecret: 'id', disableChannel: 'id',
  deleteCannedResponse: 'id', deleteMacro: 'id', cancelScheduledReply: 'id', rollbackPlugin: 'pluginId', uninstallPlugin: 'pluginId', purgePluginData: 'pluginId',
};
const apiPath = (name: MutationName, path: Array<string | number>) =>
  name === 'replayDeadLetter' || name === 'ingestInteractions' ? path.join('.') : [SINGLE_ARGUMENT[name] ?? 'input', ...path].join('.');

const HUGE = 50_000;
const ATTACKS: Array<[string, string, RegExp]> = [
  ['a NUL', 'ab\u0000cd', /control character U\+0000/],
  ['a lone surrogate', 'ab\uD800cd', /lone UTF-16 surrogate/],
  ['an escape sequence', '\u001B[2J', /control character U\+001B/],
  ['a C1 control', 'ab\u0085', /control character U\+0085/],
  ['50 000 characters', 'y'.repeat(HUGE), /is 50000 characters; the limit is \d+/],
];

/** Caps of the fields whose cap is not the default (README, API conventions). */
const LONGER: Record<string, number> = {
  'createCase.description': 20_000, 'updateCase.description': 20_000, 'addInteraction.body': 100_000,
  'createKnowledgeArticle.body': 200_000, 'updateKnowledgeArticle.body': 200_000, 'rateKnowledgeArticle.comment': 2_000,
  'createCommunityThread.body': 50_000, 'createCommunityPost.body': 50_000, 'publishPluginVersion.manifest': 200_000,
  'installPlugin.value': 4_096, 'configurePlugin.value': 4_096,
  'addCaseNote.body': 20_000, 'createCannedResponse.body': 10_000, 'updateCannedResponse.body': 10_000,
  'createMacro.body': 20_000, 'updateMacro.body': 20_000, 'scheduleReply.body': 20_000,
  'replyOnChannel.body': 100_000, 'ingestInteractions.body': 100_000, 'rateCase.comment': 2_000,
};
function capOf(name: MutationName, path: Array<string | number>): number {
  const field = String(path.at(-1) ?? SINGLE_ARGUMENT[name]);
  if (field === 'pluginId' || path.includes('grantScopes') || (path.includes('secrets') && field === 'name')) return 64;
  if (path.includes('grantEgress')) return 253;
  if (field === 'version') return 256;
  if (field === 'externalId') return STRING_CAP; // the source system's id is text, not an ID
  if (field === 'id' || field.endsWith('Id') || path.includes('queueIds')) return ID_CAP;
  return LONGER[`${name}.${field}`] ?? STRING_CAP;
}

/** Mutations whose input holds only enums and numbers, by the name of its type. */
const NO_TEXT_INPUT: Partial<Record<MutationName, string>> = { setChannelWeights: 'SetChannelWeightsInput' };

/** Paths of the String and ID fields of input type `name`, at any depth, as the API introspects it. */
async function textFieldsOf(name: string, prefix = ''): Promise<string[]> {
  const unwrap = 'name kind ofType { name kind ofType { name kind ofType { name kind } } }';
  const type = ok(await t.gql(`query($n: String!) { __type(name: $n) { inputFields { name type { ${unwrap} } } } }`, { n: name })).__type;
  const found: string[] = [];
  for (const field of type.inputFields) {
    let named = field.type;
    while (named.ofType) named = named.ofType;
    const path = `${prefix}${field.name}`;
    if (named.name === 'String' || named.name === 'ID') found.push(path);
    else if (named.kind === 'INPUT_OBJECT') found.push(...(await textFieldsOf(named.name, `${path}.`)));
  }
  return found;
}

/** The refusal names the path and the rule, and carries nothing large of what was sent. */
function expectRefused(res: GraphQLResponse, path: string, why: RegExp) {
  expectError(res, 'BAD_USER_INPUT', why);
  expect(res.data ?? null).toBeNull();
  const issue = res.errors![0]!.extensions!.issues[0];
  // the path is an array from the argument down; `path` writes it dotted
  expect(issue.path).toEqual(path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
  expect(issue.message).toMatch(why);
  expect(JSON.stringify(res).length).toBeLessThan(2_000);
  expect(JSON.stringify(res)).not.toMatch(/select|insert|y{100}/i);
}

describe('every String and ID of every mutation input refuses what would not come back as sent', () => {
  it('the inputs cover every mutation', () => {
    expect(Object.keys(inputs()).sort()).toEqual([...MUTATION_NAMES].sort());
  });

  it.each(MUTATION_NAMES)('%s', async (name) => {
    const base = inputs()[name];
    const paths = stringPaths(base);
    const textless = NO_TEXT_INPUT[name];
    if (textless) {
      // nothing to attack: the schema gives the input no String or ID at any depth
      expect(paths).toEqual([]);
      expect(await textFieldsOf(textless)).toEqual([]);
      return;
    }
    expect(paths.length).toBeGreaterThan(0);
    const before = await dumpTenant(tp, t.tenantId);
    const controlBefore = await dumpControl(tp);
    for (const path of paths) {
      const cap = capOf(name, path);
      const over: [string, RegExp] = ['y'.repeat(cap + 1), new RegExp(`is ${cap + 1} characters; the limit is ${cap}$`)];
      // A bundle over its 5 MiB cap is a request body over the server's limit: tested there.
      const attacks = path.at(-1) === 'bundle' ? ATTACKS.slice(0, -1) : [...ATTACKS.slice(0, -1), ['over the cap', ...over] as const];
      for (const [, value, why] of attacks) {
        const res = await mutate(t, name, replaced(base, path, value));
        expectRefused(res, apiPath(name, path), why);
      }
    }
    const after = await dumpTenant(tp, t.tenantId);
    expect(rowCounts(after)).toEqual(rowCounts(before));
    expect(after).toEqual(before);
    expect(await dumpControl(tp)).toEqual(controlBefore);
  });

  it('keys and strings inside a JSON config follow the same rule', async () => {
    const controlBefore = await dumpControl(tp);
    const bad = await mutate(t, 'configurePlugin', { pluginId: 'acme.none', config: { greeting: 'a\u0000' } });
    expectRefused(bad, 'input.config.greeting', /U\+0000/);
    const badKey = await mutate(t, 'configurePlugin', { pluginId: 'acme.none', config: { ['k\uDC00']: 'x' } });
    expectError(badKey, 'BAD_USER_INPUT', /lone UTF-16 surrogate/);
    expect(await dumpControl(tp)).toEqual(controlBefore);
  });

  it('a literal in the document is checked like a variable', async () => {
    const before = await dumpTenant(tp, t.tenantId);
    const doc = `mutation { createAccount(input: { name: "${'z'.repeat(HUGE)}" }) { account { id } } }`;
    // Twice: the second answer comes from the plan kept for the parsed document.
    for (const res of [await t.gql(doc), await t.gql(doc)]) {
      expectError(res, 'BAD_USER_INPUT', /createAccount\(input\.name\): is 50000 characters; the limit is 1000/);
      expect(JSON.stringify(res).length).toBeLessThan(2_000);
    }
    const nul = await t.gql('mutation { createAccount(input: { name: "ab\\u0000cd" }) { account { id } } }');
    expectError(nul, 'BAD_USER_INPUT', /U\+0000/);
    expect(await dumpTenant(tp, t.tenantId)).toEqual(before);
  });

  it('one bad field refuses every mutation of the request: nothing runs', async () => {
    const before = await dumpTenant(tp, t.tenantId);
    const res = await t.gql('mutation($bad: String!) { a: createAccount(input: { name: "Fine" }) { account { id } } b: createAccount(input: { name: $bad }) { account { id } } }', { bad: 'x\u0000' });
    expectError(res, 'BAD_USER_INPUT', /createAccount\(input\.name\)/);
    expect(await dumpTenant(tp, t.tenantId)).toEqual(before);
  });

  it('a value at its cap is accepted; one over is refused naming the cap', async () => {
    const atCap = await mutate(t, 'createCase', { customerId: w.customer, subject: 'S', description: 'd'.repeat(20_000) });
    expect(ok(atCap).createCase.case.id).toBeTruthy();
    const over = await mutate(t, 'createCase', { customerId: w.customer, subject: 'S', description: 'd'.repeat(20_001) });
    // The GraphQL ceiling is the domain's own limit for this field, so the message names it.
    expectError(over, 'BAD_USER_INPUT', /description/);
  });
});

describe('every query argument and filter has a cap and the text rule', () => {
  const QUERIES: Array<[string, string, (v: string) => Record<string, unknown>, string]> = [
    ['customers nameStartsWith', 'query($v: String) { customers(first: 5, filter: { nameStartsWith: $v }) { edges { node { id } } } }', (v) => ({ v }), 'filter.nameStartsWith'],
    ['customers email', 'query($v: String) { customers(first: 5, filter: { email: $v }) { edges { node { id } } } }', (v) => ({ v }), 'filter.email'],
    ['customers accountId', 'query($v: ID) { customers(first: 5, filter: { accountId: $v }) { edges { node { id } } } }', (v) => ({ v }), 'filter.accountId'],
    ['customers after', 'query($v: String) { customers(first: 5, after: $v) { edges { node { id } } } }', (v) => ({ v }), 'after'],
    ['knowledge search', 'query($v: String) { knowledgeArticles(first: 5, filter: { search: $v }) { edges { node { id } } } }', (v) => ({ v }), 'filter.search'],
    ['cases customerId', 'query($v: ID) { cases(first: 5, filter: { customerId: $v }) { edges { node { id } } } }', (v) => ({ v }), 'filter.customerId'],
    ['customer id', 'query($v: ID!) { customer(id: $v) { id } }', (v) => ({ v }), 'id'],
    ['node id', 'query($v: ID!) { node(id: $v) { id } }', (v) => ({ v }), 'id'],
    ['pluginLogs pluginId', 'query($v: String!) { pluginLogs(pluginId: $v) { message } }', (v) => ({ v }), 'pluginId'],
    ['deadLetters pluginId', 'query($v: String) { deadLetters(pluginId: $v) { eventId } }', (v) => ({ v }), 'pluginId'],
  ];

  it.each(QUERIES)('%s', async (_what, query, variables, path) => {
    for (const [, value, why] of ATTACKS) expectRefused(await t.gql(query, variables(value)), path, why);
  });

  it('a 50 000-character search names the field and the cap, and the server keeps serving', async () => {
    const res = await t.gql('query($v: String) { knowledgeArticles(first: 5, filter: { search: $v }) { edges { node { id } } } }', { v: '%'.repeat(HUGE) });
    expectError(res, 'BAD_USER_INPUT', /knowledgeArticles\(filter\.search\): is 50000 characters; the limit is 1000/);
    const fine = ok(await t.gql('query($v: String) { knowledgeArticles(first: 5, filter: { search: $v }) { edges { node { title } } } }', { v: 'refund' }));
    expect(fine.knowledgeArticles.edges.map((e: any) => e.node.title)).toEqual(['Refunds']);
  });

  it('caps: a String at 1 000 passes, an ID over 200 and a plugin id over 64 are refused', async () => {
    ok(await t.gql('query($v: String) { customers(first: 5, filter: { nameStartsWith: $v }) { edges { node { id } } } }', { v: 'n'.repeat(STRING_CAP) }));
    expectRefused(await t.gql('query($v: ID!) { customer(id: $v) { id } }', { v: 'i'.repeat(ID_CAP + 1) }), 'id', /the limit is 200/);
    expect((await t.gql('query($v: ID!) { customer(id: $v) { id } }', { v: randomGid('Customer') })).data).toEqual({ customer: null });
    expectRefused(await t.gql('query($v: String!) { pluginLogs(pluginId: $v) { message } }', { v: 'p'.repeat(65) }), 'pluginId', /the limit is 64/);
  });
});

describe('an invalid semver range is quoted as a short excerpt', () => {
  it('installPlugin with a long, invalid version', async () => {
    const res = await mutate(t, 'installPlugin', { pluginId: 'acme.none', version: `v${'9'.repeat(250)}` });
    expectError(res, 'BAD_USER_INPUT', /^"v9{39}…" \(251 characters\) is not a semver range$/);
  });
});

describe('valid text round-trips exactly', () => {
  const TEXT = 'Tab\there, lines\nand\r\nbreaks; emoji 🎉👩‍💻, CJK 漢字かな, RTL עברית, NBSP\u00A0, U+FFFD \uFFFD';

  it('through a mutation and back, in every kind of field', async () => {
    const created = await create(t, 'createCase', { customerId: w.customer, subject: 'Round trip 🎉 漢字', description: TEXT });
    const read = ok(await t.gql('query($id: ID!) { case(id: $id) { subject description } }', { id: created.case.id }));
    expect(read.case).toEqual({ subject: 'Round trip 🎉 漢字', description: TEXT });
    const posted = await create(t, 'addInteraction', { customerId: w.customer, channel: 'EMAIL', direction: 'INBOUND', body: TEXT });
    const back = ok(await t.gql('query($id: ID!) { interaction(id: $id) { body } }', { id: posted.interaction.id }));
    expect(back.interaction.body).toBe(TEXT);
  });

  it('a multi-byte name at its cap, found again by its prefix', async () => {
    const name = '漢'.repeat(100) + '🎉'.repeat(50); // 200 UTF-16 units, the name cap
    const made = await create(t, 'createCustomer', { name });
    const found = ok(await t.gql('query($v: String) { customers(first: 5, filter: { nameStartsWith: $v }) { edges { node { id name } } } }', { v: '漢'.repeat(100) }));
    expect(found.customers.edges.map((e: any) => e.node)).toEqual([{ id: made.customer.id, name }]);
  });
});
