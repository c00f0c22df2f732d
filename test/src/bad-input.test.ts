/**
 * Bad input on every mutation of the SDL: each answers a stable code and a message naming what
 * to fix, and leaves every table (outbox included) exactly as it was — the tenant's and the
 * control plane's (registry, installations, secrets, audit log) — also when the failure comes
 * after the transaction has already inserted rows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Publishers have no API (the CLI makes them) and plugins are built with the SDK: core's own
// test helpers do both.
import { createPublisher } from '../../core/src/plugins/registry/index.js';
import { buildFixture, type BuiltFixture } from '../../core/src/plugins/testing/build-fixture.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import {
  create, dumpControl, dumpTenant, expectError, gid, MUTATION_NAMES, mutate, ok, randomGid, rowCounts, seedWorld,
  type MutationName, type World,
} from './fixtures.js';

let tp: TestPlatform;
let t: Client & { tenantId: string };
let w: World;
/** Fixtures the bad inputs point at, made once. */
let extra: { mergedCustomer: string; closedCase: string; otherCase: string; orphanQueueCase: string; agentEmail: string };
/** An SLA calendar and a policy on it, a channel, a disabled channel and a case that came in on the channel. */
let sla: { calendar: string; policy: string };
let intake: { channel: string; disabled: string; channelCase: string };
/** An agent's key of the same tenant: plugins are for admins only. */
let agent: Client;
/**
 * Plugins: publisher acme (and globex, another ISV); acme.greeter 1.0.0 installed, 1.2.0 (which
 * also asks for orders:read) published; acme.hello 1.0.0 published, not installed; acme.greeter
 * 1.3.0 built and signed but not published — the valid request the bad publishes deviate from.
 */
let plugins: {
  acme: { id: string; key: string };
  globex: { id: string; key: string };
  greeter1: BuiltFixture;
  greeter13: BuiltFixture;
};

beforeAll(async () => {
  tp = await startTestPlatform();
  t = await tp.tenant('bad-input');
  w = await seedWorld(t, 'bad');
  const merged = (await create(t, 'createCustomer', { name: 'Merged Away' })).customer.id;
  await create(t, 'mergeCustomers', { survivorId: w.customer2, duplicateId: merged });
  const closed = (await create(t, 'createCase', { customerId: w.customer, subject: 'done' })).case.id;
  await create(t, 'updateCase', { id: closed, status: 'CLOSED' });
  const otherCase = (await create(t, 'createCase', { customerId: w.customer2, subject: "someone else's" })).case.id;
  const rare = (await create(t, 'createQueue', { name: 'Klingon', requiredSkill: 'klingon' })).queue.id;
  const orphan = (await create(t, 'createCase', { customerId: w.customer, subject: 'nobody speaks it', queueId: rare })).case.id;
  await create(t, 'createOrder', { customerId: w.customer, number: 'SO-TAKEN', currency: 'EUR', lines: [{ sku: 'S', name: 'N', quantity: 1, unitPriceCents: 1 }] });
  extra = { mergedCustomer: merged, closedCase: closed, otherCase, orphanQueueCase: orphan, agentEmail: 'agent@bad.example' };
  agent = await tp.keyFor(t.tenantId, 'agent');
  await create(t, 'rateCase', { caseId: closed, rating: 4 });
  const calendar = (await create(t, 'createSlaCalendar', { name: 'Office', timeZone: 'Europe/Paris', periods: [period] })).calendar.id;
  const policy = (await create(t, 'createSlaPolicy', { name: 'Urgent', conditions: { priorities: ['URGENT'] }, calendarId: calendar, targets: [slaTarget] })).policy.id;
  sla = { calendar, policy };
  const channel = (await create(t, 'createChannel', { kind: 'EMAIL', name: 'Support inbox' })).channel.id;
  const disabled = (await create(t, 'createChannel', { kind: 'SMS', name: 'Old number', region: 'US' })).channel.id;
  const ingested = await create(t, 'ingestInteractions', { channelId: channel, rows: [{ contact: { email: 'mail@bad.example' }, body: 'Hello', threadKey: 'k1' }] });
  expect(ingested).toMatchObject({ written: 1, errors: [] });
  const channelCase = ok(await t.gql('{ customers(first: 1, filter: { email: "mail@bad.example" }) { edges { node { cases(first: 1) { edges { node { id } } } } } } }'));
  await create(t, 'disableChannel', disabled);
  intake = { channel, disabled, channelCase: channelCase.customers.edges[0].node.cases.edges[0].node.id };

  const publisher = async (handle: string) => {
    const made = await createPublisher(tp.platform.control.db, { handle });
    return { id: made.publisher.id, key: made.privateKeyPem };
  };
  const hello = (src: string) =>
    src.replaceAll('acme.greeter', 'acme.hello').replaceAll('acme_greeter_', 'acme_hello_').replaceAll('Acme_Greeter_', 'Acme_Hello_');
  const [acme, globex, greeter1, greeter12, greeter13, hello1] = await Promise.all([
    publisher('acme'),
    publisher('globex'),
    buildFixture('greeter', '1.0.0'),
    buildFixture('greeter', '1.2.0', (src) => src.replace(`scopes: ['customers:read', 'storage']`, `scopes: ['customers:read', 'orders:read', 'storage']`)),
    buildFixture('greeter', '1.3.0'),
    buildFixture('greeter', '1.0.0', hello),
  ]);
  for (const built of [greeter1, greeter12, hello1]) {
    await create(t, 'publishPluginVersion', { publisherId: acme.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(acme.key) });
  }
  const installed = await create(t, 'installPlugin', {
    pluginId: 'acme.greeter', version: '1.0.0', grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'],
    config: { greeting: 'Hi' }, secrets: [{ name: 'GREETINGS_TOKEN', value: 'tok-1' }],
  });
  expect(installed.installation).toMatchObject({ version: '1.0.0', status: 'ACTIVE', previousVersion: null, secretNames: ['GREETINGS_TOKEN'] });
  plugins = { acme, globex, greeter1, greeter13 };
});
afterAll(() => tp?.close());

const long = (n: number) => 'x'.repeat(n);
const period = { weekday: 'MONDAY', start: '09:00', end: '17:00' };
const slaTarget = { kind: 'FIRST_RESPONSE', minutes: 60 };
/** A valid calendar, changed in one respect. */
const calendarInput = (over: Record<string, unknown> = {}) => ({ name: 'Weekdays', timeZone: 'Europe/Paris', periods: [period], ...over });
/** A valid policy (wall-clock minutes, so it needs no calendar), changed in one respect. */
const policyInput = (over: Record<string, unknown> = {}) => ({ name: 'Everything', targets: [{ ...slaTarget, businessHours: false }], ...over });
const row = (over: Record<string, unknown> = {}) => ({ contact: { email: 'row@bad.example' }, body: 'Hi', ...over });
const line = { sku: 'SKU', name: 'Thing', quantity: 1, unitPriceCents: 100 };

/** [mutation, what is wrong, input, code, what the message must say, sent with an agent's key] */
type BadCase = [MutationName, string, () => unknown, string, RegExp, 'agent'?];

/** The valid publish each bad one deviates from in one respect: acme.greeter 1.3.0, signed by acme. */
const publishing = (over: Record<string, unknown> = {}) => {
  const { acme, greeter13 } = plugins;
  return { publisherId: acme.id, manifest: greeter13.manifest, bundle: greeter13.bundle, signature: greeter13.sign(acme.key), ...over };
};
/** A valid install of acme.hello (published, not installed). */
const installing = (over: Record<string, unknown> = {}) => ({
  pluginId: 'acme.hello', version: '^1', grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'],
  config: { greeting: 'Hey' }, secrets: [{ name: 'GREETINGS_TOKEN', value: 'tok-2' }], ...over,
});
const ADMIN_ONLY = /^this operation needs an admin API key$/;

const CASES: BadCase[] = [
  ['createAccount', 'empty name', () => ({ name: '' }), 'BAD_USER_INPUT', /name/],
  ['createAccount', 'blank name', () => ({ name: '   ' }), 'BAD_USER_INPUT', /name/],
  ['createAccount', 'name too long', () => ({ name: long(201) }), 'BAD_USER_INPUT', /name/],
  ['createAccount', 'bad domain', () => ({ name: 'A', domain: 'not a domain' }), 'BAD_USER_INPUT', /domain: not a domain/],

  ['updateAccount', 'nothing to change', () => ({ id: w.account }), 'BAD_USER_INPUT', /at least one field/],
  ['updateAccount', 'empty tier', () => ({ id: w.account, tier: '' }), 'BAD_USER_INPUT', /tier/],
  ['updateAccount', 'unknown id', () => ({ id: randomGid('Account'), name: 'X' }), 'NOT_FOUND', /^Account not found$/],
  // decoding an id needs no database, so a malformed one is bad input like any other field
  ['updateAccount', 'id of another type', () => ({ id: w.customer, name: 'X' }), 'BAD_USER_INPUT', /^invalid input: input\.id: is not a valid Account id$/],
  ['updateAccount', 'malformed id', () => ({ id: '%%%', name: 'X' }), 'BAD_USER_INPUT', /^invalid input: input\.id: is not a valid Account id$/],

  ['createCustomer', 'bad email', () => ({ name: 'C', email: 'not-an-email' }), 'BAD_USER_INPUT', /email/],
  ['createCustomer', 'bad phone', () => ({ name: 'C', phone: 'call me maybe' }), 'BAD_USER_INPUT', /phone: not a phone number/],
  ['createCustomer', 'empty identity value', () => ({ name: 'C', identities: [{ kind: 'SOCIAL', value: '' }] }), 'BAD_USER_INPUT', /identities\.0\.value/],
  ['createCustomer', 'bad identity kind (variables)', () => ({ name: 'C', identities: [{ kind: 'FAX', value: '1' }] }), 'BAD_USER_INPUT', /IdentityKind/],
  ['createCustomer', 'too many identities', () => ({ name: 'C', identities: Array.from({ length: 21 }, (_, i) => ({ kind: 'SOCIAL', value: `@h${i}` })) }), 'BAD_USER_INPUT', /identities/],
  ['createCustomer', 'unknown account', () => ({ name: 'C', accountId: randomGid('Account') }), 'NOT_FOUND', /^Account not found$/],
  ['createCustomer', "someone else's email", () => ({ name: 'C', email: 'CUST@bad.example' }), 'CONFLICT', /email cust@bad\.example already belongs to another customer/],

  ['updateCustomer', 'nothing to change', () => ({ id: w.customer }), 'BAD_USER_INPUT', /at least one field/],
  ['updateCustomer', 'blank name', () => ({ id: w.customer, name: ' ' }), 'BAD_USER_INPUT', /name/],
  ['updateCustomer', 'bad email', () => ({ id: w.customer, email: 'a@' }), 'BAD_USER_INPUT', /email/],
  ['updateCustomer', "someone else's email", () => ({ id: w.customer, email: 'other@bad.example' }), 'CONFLICT', /already belongs/],
  ['updateCustomer', 'merged customer', () => ({ id: extra.mergedCustomer, name: 'Back' }), 'CONFLICT', /merged/],
  ['updateCustomer', 'unknown account', () => ({ id: w.customer, accountId: randomGid('Account') }), 'NOT_FOUND', /^Account not found$/],

  ['mergeCustomers', 'into itself', () => ({ survivorId: w.customer, duplicateId: w.customer }), 'BAD_USER_INPUT', /cannot be merged into itself/],
  ['mergeCustomers', 'unknown duplicate', () => ({ survivorId: w.customer, duplicateId: randomGid('Customer') }), 'NOT_FOUND', /^Customer not found$/],
  ['mergeCustomers', 'already merged', () => ({ survivorId: w.customer, duplicateId: extra.mergedCustomer }), 'CONFLICT', /already merged/],
  ['mergeCustomers', 'a case id as customer', () => ({ survivorId: w.customer, duplicateId: w.case }), 'BAD_USER_INPUT', /input\.duplicateId: is not a valid Customer id/],

  ['createCase', 'empty subject', () => ({ customerId: w.customer, subject: '' }), 'BAD_USER_INPUT', /subject/],
  ['createCase', 'subject too long', () => ({ customerId: w.customer, subject: long(301) }), 'BAD_USER_INPUT', /subject/],
  ['createCase', 'bad priority (variables)', () => ({ customerId: w.customer, subject: 'S', priority: 'SUPER' }), 'BAD_USER_INPUT', /"SUPER" does not exist in "CasePriority"/],
  ['createCase', 'merged customer', () => ({ customerId: extra.mergedCustomer, subject: 'S' }), 'CONFLICT', /merged/],
  ['createCase', 'unknown queue', () => ({ customerId: w.customer, subject: 'S', queueId: randomGid('Queue') }), 'NOT_FOUND', /^Queue not found$/],
  ['createCase', 'unknown customer', () => ({ customerId: randomGid('Customer'), subject: 'S' }), 'NOT_FOUND', /^Customer not found$/],

  ['updateCase', 'nothing to change', () => ({ id: w.case }), 'BAD_USER_INPUT', /at least one field/],
  ['updateCase', 'empty subject', () => ({ id: w.case, subject: '' }), 'BAD_USER_INPUT', /subject/],
  ['updateCase', 'bad status (variables)', () => ({ id: w.case, status: 'DONE' }), 'BAD_USER_INPUT', /"DONE" does not exist in "CaseStatus"/],
  ['updateCase', 'unknown assignee', () => ({ id: w.case, assigneeId: randomGid('Agent') }), 'NOT_FOUND', /^Agent not found$/],

  ['routeCase', 'unknown case', () => randomGid('Case'), 'NOT_FOUND', /^Case not found$/],
  ['routeCase', 'closed case', () => extra.closedCase, 'CONFLICT', /solved or closed/],
  ['routeCase', 'nobody has the skill', () => extra.orphanQueueCase, 'CONFLICT', /no online agent/],

  ['addInteraction', 'empty body', () => ({ customerId: w.customer, channel: 'EMAIL', direction: 'INBOUND', body: '' }), 'BAD_USER_INPUT', /body/],
  ['addInteraction', 'subject too long', () => ({ customerId: w.customer, channel: 'EMAIL', direction: 'INBOUND', body: 'b', subject: long(301) }), 'BAD_USER_INPUT', /subject/],
  ['addInteraction', 'bad channel (variables)', () => ({ customerId: w.customer, channel: 'FAX', direction: 'INBOUND', body: 'b' }), 'BAD_USER_INPUT', /"FAX" does not exist in "Channel"/],
  ['addInteraction', 'not a date', () => ({ customerId: w.customer, channel: 'EMAIL', direction: 'INBOUND', body: 'b', occurredAt: 'yesterday' }), 'BAD_USER_INPUT', /ISO 8601/],
  ['addInteraction', 'impossible date', () => ({ customerId: w.customer, channel: 'EMAIL', direction: 'INBOUND', body: 'b', occurredAt: '2024-02-30T10:00:00Z' }), 'BAD_USER_INPUT', /ISO 8601/],
  ['addInteraction', 'date without a zone', () => ({ customerId: w.customer, channel: 'EMAIL', direction: 'INBOUND', body: 'b', occurredAt: '2024-02-03 10:00' }), 'BAD_USER_INPUT', /ISO 8601/],
  ['addInteraction', "case of another customer", () => ({ customerId: w.customer, caseId: extra.otherCase, channel: 'EMAIL', direction: 'INBOUND', body: 'b' }), 'BAD_USER_INPUT', /the case belongs to another customer/],
  ['addInteraction', 'merged customer', () => ({ customerId: extra.mergedCustomer, channel: 'EMAIL', direction: 'INBOUND', body: 'b' }), 'CONFLICT', /merged/],
  ['addInteraction', 'unknown agent', () => ({ customerId: w.customer, agentId: randomGid('Agent'), channel: 'EMAIL', direction: 'INBOUND', body: 'b' }), 'NOT_FOUND', /^Agent not found$/],

  ['createOrder', 'no lines', () => ({ customerId: w.customer, currency: 'EUR', lines: [] }), 'BAD_USER_INPUT', /an order has at least one line/],
  ['createOrder', 'negative quantity', () => ({ customerId: w.customer, currency: 'EUR', lines: [{ ...line, quantity: -1 }] }), 'BAD_USER_INPUT', /lines\.0\.quantity/],
  ['createOrder', 'zero quantity', () => ({ customerId: w.customer, currency: 'EUR', lines: [{ ...line, quantity: 0 }] }), 'BAD_USER_INPUT', /lines\.0\.quantity/],
  ['createOrder', 'fractional quantity (variables)', () => ({ customerId: w.customer, currency: 'EUR', lines: [{ ...line, quantity: 1.5 }] }), 'BAD_USER_INPUT', /Int cannot represent non-integer value: 1\.5/],
  ['createOrder', 'negative price', () => ({ customerId: w.customer, currency: 'EUR', lines: [{ ...line, unitPriceCents: -5 }] }), 'BAD_USER_INPUT', /lines\.0\.unitPriceCents/],
  ['createOrder', 'empty sku', () => ({ customerId: w.customer, currency: 'EUR', lines: [{ ...line, sku: ' ' }] }), 'BAD_USER_INPUT', /lines\.0\.sku/],
  ['createOrder', 'bad currency', () => ({ customerId: w.customer, currency: 'EURO', lines: [line] }), 'BAD_USER_INPUT', /"EURO" does not exist in "CurrencyCode" enum/],
  ['createOrder', 'bad placedAt', () => ({ customerId: w.customer, currency: 'EUR', placedAt: '32/13/2024', lines: [line] }), 'BAD_USER_INPUT', /ISO 8601/],
  ['createOrder', 'total beyond what the API can return', () => ({ customerId: w.customer, currency: 'EUR', lines: [{ ...line, quantity: 100, unitPriceCents: 100_000_000 }] }), 'BAD_USER_INPUT', /order total is too large/],
  ['createOrder', 'duplicate number', () => ({ customerId: w.customer, number: 'SO-TAKEN', currency: 'EUR', lines: [line] }), 'CONFLICT', /order number SO-TAKEN is already used/],
  ['createOrder', 'unknown customer', () => ({ customerId: randomGid('Customer'), currency: 'EUR', lines: [line] }), 'NOT_FOUND', /^Customer not found$/],

  ['updateOrderStatus', 'bad status (variables)', () => ({ id: w.order, status: 'LOST' }), 'BAD_USER_INPUT', /"LOST" does not exist in "OrderStatus"/],
  ['updateOrderStatus', 'unknown order', () => ({ id: randomGid('Order'), status: 'PAID' }), 'NOT_FOUND', /^Order not found$/],

  ['createKnowledgeArticle', 'empty title', () => ({ title: '', body: 'b' }), 'BAD_USER_INPUT', /title/],
  ['createKnowledgeArticle', 'empty body', () => ({ title: 't', body: '' }), 'BAD_USER_INPUT', /body/],
  ['createKnowledgeArticle', 'bad locale', () => ({ title: 't', body: 'b', locale: 'english' }), 'BAD_USER_INPUT', /locale: a locale such as en/],
  ['createKnowledgeArticle', 'too many tags', () => ({ title: 't', body: 'b', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 'BAD_USER_INPUT', /tags/],
  ['createKnowledgeArticle', 'tag too long', () => ({ title: 't', body: 'b', tags: [long(41)] }), 'BAD_USER_INPUT', /tags\.0/],

  ['updateKnowledgeArticle', 'nothing to change', () => ({ id: w.article }), 'BAD_USER_INPUT', /at least one field/],
  ['updateKnowledgeArticle', 'empty title', () => ({ id: w.article, title: '' }), 'BAD_USER_INPUT', /title/],
  ['updateKnowledgeArticle', 'unknown article', () => ({ id: randomGid('KnowledgeArticle'), title: 'T' }), 'NOT_FOUND', /^KnowledgeArticle not found$/],

  ['rateKnowledgeArticle', 'comment too long', () => ({ articleId: w.article, helpful: true, comment: long(2001) }), 'BAD_USER_INPUT', /comment/],
  ['rateKnowledgeArticle', 'helpful missing (variables)', () => ({ articleId: w.article }), 'BAD_USER_INPUT', /helpful/],
  ['rateKnowledgeArticle', 'unknown article', () => ({ articleId: randomGid('KnowledgeArticle'), helpful: true }), 'NOT_FOUND', /^KnowledgeArticle not found$/],
  ['rateKnowledgeArticle', 'unknown customer', () => ({ articleId: w.article, helpful: true, customerId: randomGid('Customer') }), 'NOT_FOUND', /^Customer not found$/],

  ['restoreKnowledgeArticleVersion', 'version it never had', () => ({ articleId: w.article, version: 99 }), 'NOT_FOUND', /^KnowledgeArticleVersion not found$/],
  ['restoreKnowledgeArticleVersion', 'version 0', () => ({ articleId: w.article, version: 0 }), 'BAD_USER_INPUT', /version/],
  ['restoreKnowledgeArticleVersion', 'unknown article', () => ({ articleId: randomGid('KnowledgeArticle'), version: 1 }), 'NOT_FOUND', /^KnowledgeArticle not found$/],
  ['linkKnowledgeArticle', 'unknown case', () => ({ caseId: randomGid('Case'), articleId: w.article }), 'NOT_FOUND', /^Case not found$/],
  ['linkKnowledgeArticle', 'unknown article', () => ({ caseId: w.case, articleId: randomGid('KnowledgeArticle') }), 'NOT_FOUND', /^KnowledgeArticle not found$/],
  ['linkKnowledgeArticle', 'id of another type', () => ({ caseId: w.article, articleId: w.article }), 'BAD_USER_INPUT', /^invalid input: input\.caseId: is not a valid Case id$/],
  ['unlinkKnowledgeArticle', 'unknown case', () => ({ caseId: randomGid('Case'), articleId: w.article }), 'NOT_FOUND', /^Case not found$/],
  ['unlinkKnowledgeArticle', 'unknown article', () => ({ caseId: w.case, articleId: randomGid('KnowledgeArticle') }), 'NOT_FOUND', /^KnowledgeArticle not found$/],

  ['createCommunityThread', 'two authors', () => ({ title: 't', body: 'b', authorCustomerId: w.customer, authorAgentId: w.agent }), 'BAD_USER_INPUT', /one author/],
  ['createCommunityThread', 'empty title', () => ({ title: '', body: 'b' }), 'BAD_USER_INPUT', /title/],
  ['createCommunityThread', 'blank body', () => ({ title: 't', body: '   ' }), 'BAD_USER_INPUT', /body/],
  ['createCommunityThread', 'unknown author', () => ({ title: 't', body: 'b', authorCustomerId: randomGid('Customer') }), 'NOT_FOUND', /^Customer not found$/],

  ['createCommunityPost', 'empty body', () => ({ threadId: w.thread, body: '' }), 'BAD_USER_INPUT', /body/],
  ['createCommunityPost', 'two authors', () => ({ threadId: w.thread, body: 'b', authorCustomerId: w.customer, authorAgentId: w.agent }), 'BAD_USER_INPUT', /one author/],
  ['createCommunityPost', 'unknown thread', () => ({ threadId: randomGid('CommunityThread'), body: 'b' }), 'NOT_FOUND', /^CommunityThread not found$/],

  ['voteCommunityPost', 'value 2', () => ({ postId: w.agentPost, customerId: w.customer, value: 2 }), 'BAD_USER_INPUT', /value/],
  ['voteCommunityPost', 'value 0', () => ({ postId: w.agentPost, customerId: w.customer, value: 0 }), 'BAD_USER_INPUT', /value/],
  ['voteCommunityPost', 'own post', () => ({ postId: w.post, customerId: w.customer, value: 1 }), 'BAD_USER_INPUT', /authors cannot vote on their own posts/],
  ['voteCommunityPost', 'unknown post', () => ({ postId: randomGid('CommunityPost'), customerId: w.customer, value: 1 }), 'NOT_FOUND', /^CommunityPost not found$/],

  ['setPresence', 'admin key names no agent', () => ({ presence: 'AWAY' }), 'BAD_USER_INPUT', /name the agent/],
  ['setPresence', 'unknown agent', () => ({ agentId: randomGid('Agent'), presence: 'AWAY' }), 'NOT_FOUND', /^Agent not found$/],
  ['configureQueueRouting', 'priority 0', () => ({ queueId: w.queue, priority: 0 }), 'BAD_USER_INPUT', /priority/],
  ['configureQueueRouting', 'fallback action without a queue', () => ({ queueId: w.queue, returnAction: 'FALLBACK_QUEUE' }), 'BAD_USER_INPUT', /fallbackQueueId/],
  ['configureQueueRouting', 'skill level 11', () => ({ queueId: w.queue, skills: [{ skill: 'billing', level: 11 }] }), 'BAD_USER_INPUT', /skills\.0\.level/],
  ['configureQueueRouting', 'unknown queue', () => ({ queueId: randomGid('Queue') }), 'NOT_FOUND', /^Queue not found$/],
  ['configureQueueRouting', 'non-admin key', () => ({ queueId: w.queue }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],
  ['setChannelWeights', 'zero units', () => ({ weights: [{ channel: 'CHAT', units: 0 }] }), 'BAD_USER_INPUT', /units/],
  ['setChannelWeights', 'same channel twice', () => ({ weights: [{ channel: 'CHAT', units: 2 }, { channel: 'CHAT', units: 3 }] }), 'BAD_USER_INPUT', /each channel once/],
  ['acceptOffer', 'no offer open', () => w.case, 'NOT_FOUND', /no offer of this case is open for you/],
  ['declineOffer', 'note too long', () => ({ caseId: w.case, reason: 'OTHER', note: long(501) }), 'BAD_USER_INPUT', /note/],
  ['declineOffer', 'no offer open', () => ({ caseId: w.case, reason: 'BUSY' }), 'NOT_FOUND', /no offer of this case is open for you/],
  ['transferCase', 'both an agent and a queue', () => ({ caseId: w.case, toAgentId: w.agent, toQueueId: w.queue }), 'BAD_USER_INPUT', /exactly one/],
  ['transferCase', 'unknown queue', () => ({ caseId: w.case, toQueueId: randomGid('Queue') }), 'NOT_FOUND', /^Queue not found$/],
  ['transferCase', 'closed case', () => ({ caseId: extra.closedCase, toQueueId: w.queue }), 'CONFLICT', /solved or closed/],
  ['releaseCase', 'unknown case', () => randomGid('Case'), 'NOT_FOUND', /^Case not found$/],
  ['releaseCase', 'closed case', () => extra.closedCase, 'CONFLICT', /solved or closed/],
  ['inviteExpert', 'unknown agent', () => ({ caseId: w.case, agentId: randomGid('Agent') }), 'NOT_FOUND', /^Agent not found$/],
  ['inviteExpert', 'id of another type', () => ({ caseId: w.case, agentId: w.customer }), 'BAD_USER_INPUT', /input\.agentId: is not a valid Agent id/],

  ['addCaseNote', 'empty body', () => ({ caseId: w.case, body: '' }), 'BAD_USER_INPUT', /body/],
  ['addCaseNote', 'unknown case', () => ({ caseId: randomGid('Case'), body: 'note @agent' }), 'NOT_FOUND', /^Case not found$/],
  ['markNotificationsRead', 'admin key naming nobody', () => ({}), 'FORBIDDEN', /name the agent whose notifications to read/],
  ['markNotificationsRead', 'unknown notification', () => ({ agentId: w.agent, ids: [gid('AgentNotification', randomUUID())] }), 'NOT_FOUND', /^AgentNotification not found$/],
  ['tagCase', 'tag with a space', () => ({ caseId: w.case, add: ['Two Words'] }), 'BAD_USER_INPUT', /add\.0: a tag is/],
  ['tagCase', 'nothing to change', () => ({ caseId: w.case }), 'BAD_USER_INPUT', /give tags to add or remove/],
  ['tagCustomer', 'unknown customer', () => ({ customerId: randomGid('Customer'), add: ['x'] }), 'NOT_FOUND', /^Customer not found$/],
  ['createCannedResponse', 'unknown variable', () => ({ name: 'N', body: 'Hi {{customer.password}}' }), 'TEMPLATE_INVALID', /unknown template variable: \{\{customer\.password\}\}/],
  ['updateCannedResponse', 'unknown id', () => ({ id: gid('CannedResponse', randomUUID()), name: 'X' }), 'NOT_FOUND', /^CannedResponse not found$/],
  ['deleteCannedResponse', 'unknown id', () => gid('CannedResponse', randomUUID()), 'NOT_FOUND', /^CannedResponse not found$/],
  ['deleteCannedResponse', 'id of another type', () => w.case, 'BAD_USER_INPUT', /id: is not a valid CannedResponse id/],
  ['createMacro', 'non-admin key', () => ({ name: 'M', actions: [{ type: 'SET_STATUS', status: 'OPEN' }] }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],
  ['createMacro', 'id of another type inside an action', () => ({ name: 'M', actions: [{ type: 'SET_QUEUE', queueId: w.case }] }), 'BAD_USER_INPUT', /input\.actions\.0\.queueId: is not a valid Queue id/],
  ['createMacro', 'no actions', () => ({ name: 'M', actions: [] }), 'BAD_USER_INPUT', /actions/],
  ['updateMacro', 'unknown id', () => ({ id: gid('Macro', randomUUID()), name: 'X' }), 'NOT_FOUND', /^Macro not found$/],
  ['deleteMacro', 'unknown id', () => gid('Macro', randomUUID()), 'NOT_FOUND', /^Macro not found$/],
  ['applyMacro', 'unknown macro', () => ({ macroId: gid('Macro', randomUUID()), caseId: w.case }), 'NOT_FOUND', /^Macro not found$/],
  ['scheduleReply', 'in the past', () => ({ caseId: w.case, body: 'B', sendAt: '2020-01-01T00:00:00Z' }), 'BAD_USER_INPUT', /sendAt must be in the future/],
  ['scheduleReply', 'a time and the next business hour', () => ({ caseId: w.case, body: 'B', sendAt: new Date(Date.now() + 3_600_000).toISOString(), nextBusinessHour: true }), 'BAD_USER_INPUT', /give sendAt or nextBusinessHour/],
  ['cancelScheduledReply', 'unknown id', () => gid('ScheduledReply', randomUUID()), 'NOT_FOUND', /^ScheduledReply not found$/],

  ['createCommunityForum', 'non-admin key', () => ({ name: 'F' }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],
  ['createCommunityForum', 'empty name', () => ({ name: '' }), 'BAD_USER_INPUT', /name/],
  ['updateCommunityForum', 'unknown id', () => ({ id: gid('CommunityForum', randomUUID()), name: 'X' }), 'NOT_FOUND', /^CommunityForum not found$/],
  ['setCommunityPostHidden', 'unknown post', () => ({ postId: randomGid('CommunityPost'), hidden: true }), 'NOT_FOUND', /^CommunityPost not found$/],
  ['setCommunityThreadHidden', 'unknown thread', () => ({ threadId: randomGid('CommunityThread'), hidden: true }), 'NOT_FOUND', /^CommunityThread not found$/],
  ['setCommunityThreadLocked', 'unknown thread', () => ({ threadId: randomGid('CommunityThread'), locked: true }), 'NOT_FOUND', /^CommunityThread not found$/],
  ['acceptCommunityAnswer', 'the opening post', () => ({ threadId: w.thread, postId: w.post }), 'BAD_USER_INPUT', /the question cannot be its own answer/],
  ['createCommunityPoll', 'one option', () => ({ threadId: w.thread, question: 'Q', options: ['only'] }), 'BAD_USER_INPUT', /options/],
  ['voteCommunityPoll', 'unknown poll', () => ({ pollId: gid('CommunityPoll', randomUUID()), optionId: gid('CommunityPollOption', randomUUID()), customerId: w.customer }), 'NOT_FOUND', /^CommunityPoll not found$/],
  ['setCommunityModerator', 'non-admin key', () => ({ customerId: w.customer, moderator: true }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],
  ['takeCommunityThreadPrivate', 'unknown queue', () => ({ threadId: w.thread, queueId: randomGid('Queue') }), 'NOT_FOUND', /^Queue not found$/],

  ['createAgent', 'bad email', () => ({ name: 'A', email: 'agent-at-example' }), 'BAD_USER_INPUT', /email/],
  ['createAgent', 'negative capacity', () => ({ name: 'A', email: 'a1@example.com', capacity: -1 }), 'BAD_USER_INPUT', /capacity/],
  ['createAgent', 'capacity too large', () => ({ name: 'A', email: 'a1@example.com', capacity: 101 }), 'BAD_USER_INPUT', /capacity/],
  ['createAgent', 'bad skill name', () => ({ name: 'A', email: 'a1@example.com', skills: [{ skill: 'no spaces!' }] }), 'BAD_USER_INPUT', /skills\.0\.skill: a skill is/],
  ['createAgent', 'skill level 11', () => ({ name: 'A', email: 'a1@example.com', skills: [{ skill: 'x', level: 11 }] }), 'BAD_USER_INPUT', /skills\.0\.level/],
  ['createAgent', 'same skill twice', () => ({ name: 'A', email: 'a1@example.com', skills: [{ skill: 'x' }, { skill: 'X' }] }), 'BAD_USER_INPUT', /each skill once/],
  ['createAgent', 'email taken (any case)', () => ({ name: 'A', email: extra.agentEmail.toUpperCase() }), 'CONFLICT', /an agent with email agent@bad\.example already exists/],

  ['updateAgent', 'nothing to change', () => ({ id: w.agent }), 'BAD_USER_INPUT', /at least one field/],
  ['updateAgent', 'capacity too large', () => ({ id: w.agent, capacity: 1000 }), 'BAD_USER_INPUT', /capacity/],
  ['updateAgent', 'bad status (variables)', () => ({ id: w.agent, status: 'ASLEEP' }), 'BAD_USER_INPUT', /"ASLEEP" does not exist in "AgentStatus"/],
  ['updateAgent', 'unknown agent', () => ({ id: randomGid('Agent'), status: 'ONLINE' }), 'NOT_FOUND', /^Agent not found$/],

  ['createQueue', 'empty name', () => ({ name: '' }), 'BAD_USER_INPUT', /name/],
  ['createQueue', 'bad skill', () => ({ name: 'Q', requiredSkill: 'Bad Skill' }), 'BAD_USER_INPUT', /requiredSkill: a skill is/],
  ['createQueue', 'name taken', () => ({ name: 'bad billing' }), 'CONFLICT', /a queue named bad billing already exists/],

  ['createSlaCalendar', 'name too long', () => calendarInput({ name: long(101) }), 'BAD_USER_INPUT', /^invalid input: input\.name: Too big/],
  ['createSlaCalendar', 'unknown time zone', () => calendarInput({ timeZone: 'Mars/Olympus_Mons' }), 'BAD_USER_INPUT', /^invalid input: input\.timeZone: is not an IANA time zone/],
  ['createSlaCalendar', 'no opening periods', () => calendarInput({ periods: [] }), 'BAD_USER_INPUT', /input\.periods: a calendar must be open at least once a week/],
  ['createSlaCalendar', 'closes before it opens', () => calendarInput({ periods: [{ ...period, start: '17:00', end: '09:00' }] }), 'BAD_USER_INPUT', /input\.periods\.0\.end: a period ends after it starts/],
  ['createSlaCalendar', 'not a time', () => calendarInput({ periods: [{ ...period, start: '9am' }] }), 'BAD_USER_INPUT', /input\.periods\.0\.start: a time is HH:MM/],
  ['createSlaCalendar', 'bad weekday (variables)', () => calendarInput({ periods: [{ ...period, weekday: 'FUNDAY' }] }), 'BAD_USER_INPUT', /"FUNDAY" does not exist in "Weekday"/],
  ['createSlaCalendar', 'no time zone (variables)', () => ({ name: 'N', periods: [period] }), 'BAD_USER_INPUT', /Field "timeZone" of required type "String!" was not provided/],
  ['createSlaCalendar', 'name taken', () => calendarInput({ name: 'Office' }), 'CONFLICT', /a calendar named "Office" exists already/],
  ['createSlaCalendar', 'non-admin key', () => calendarInput(), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['updateSlaCalendar', 'overlapping periods', () => ({ id: sla.calendar, periods: [period, { ...period, start: '16:00', end: '18:00' }] }), 'BAD_USER_INPUT', /input\.periods\.1: overlaps period 0 of the same weekday/],
  ['updateSlaCalendar', 'impossible holiday', () => ({ id: sla.calendar, holidays: [{ date: '2026-02-30' }] }), 'BAD_USER_INPUT', /input\.holidays\.0\.date: is not a real date/],
  ['updateSlaCalendar', 'unknown calendar', () => ({ id: gid('SlaCalendar', randomUUID()), name: 'X' }), 'NOT_FOUND', /^SlaCalendar not found$/],
  ['updateSlaCalendar', 'a policy id as calendar', () => ({ id: sla.policy, name: 'X' }), 'BAD_USER_INPUT', /input\.id: is not a valid SlaCalendar id/],
  ['updateSlaCalendar', 'non-admin key', () => ({ id: sla.calendar, name: 'X' }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['addSlaHolidays', 'no holidays', () => ({ calendarId: sla.calendar, holidays: [] }), 'BAD_USER_INPUT', /input\.holidays: Too small/],
  ['addSlaHolidays', 'more than 50', () => ({ calendarId: sla.calendar, holidays: Array.from({ length: 51 }, (_, i) => ({ date: `2030-01-${String((i % 28) + 1).padStart(2, '0')}` })) }), 'BAD_USER_INPUT', /input\.holidays: at most 50 holidays per call/],
  ['addSlaHolidays', 'holiday name too long', () => ({ calendarId: sla.calendar, holidays: [{ date: '2030-05-01', name: long(101) }] }), 'BAD_USER_INPUT', /input\.holidays\.0\.name: Too big/],
  ['addSlaHolidays', 'unknown calendar', () => ({ calendarId: gid('SlaCalendar', randomUUID()), holidays: [{ date: '2030-05-01' }] }), 'NOT_FOUND', /^SlaCalendar not found$/],

  ['deleteSlaCalendar', 'used by a policy', () => sla.calendar, 'CONFLICT', /the policy "Urgent" uses this calendar/],
  ['deleteSlaCalendar', 'unknown calendar', () => gid('SlaCalendar', randomUUID()), 'NOT_FOUND', /^SlaCalendar not found$/],
  ['deleteSlaCalendar', 'malformed id', () => '%%%', 'BAD_USER_INPUT', /is not a valid SlaCalendar id/],
  ['deleteSlaCalendar', 'non-admin key', () => sla.calendar, 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['createSlaPolicy', 'no targets', () => policyInput({ targets: [] }), 'BAD_USER_INPUT', /input\.targets: a policy has at least one target/],
  ['createSlaPolicy', 'a target of 0 minutes', () => policyInput({ targets: [{ ...slaTarget, minutes: 0, businessHours: false }] }), 'BAD_USER_INPUT', /input\.targets\.0\.minutes: Too small/],
  ['createSlaPolicy', 'a target over a year', () => policyInput({ targets: [{ ...slaTarget, minutes: 525_601, businessHours: false }] }), 'BAD_USER_INPUT', /input\.targets\.0\.minutes: Too big/],
  ['createSlaPolicy', 'business hours without a calendar', () => policyInput({ targets: [slaTarget] }), 'BAD_USER_INPUT', /input\.targets\.0\.businessHours: counting business hours needs a calendarId/],
  ['createSlaPolicy', 'warnPercent 100', () => policyInput({ warnPercent: 100 }), 'BAD_USER_INPUT', /input\.warnPercent: Too big/],
  ['createSlaPolicy', 'tier too long', () => policyInput({ conditions: { tiers: [long(51)] } }), 'BAD_USER_INPUT', /input\.conditions\.tiers\.0: Too big/],
  ['createSlaPolicy', 'bad target kind (variables)', () => policyInput({ targets: [{ kind: 'SOON', minutes: 5 }] }), 'BAD_USER_INPUT', /"SOON" does not exist in "SlaTargetKind"/],
  ['createSlaPolicy', 'unknown queue in conditions', () => policyInput({ conditions: { queueIds: [randomGid('Queue')] } }), 'NOT_FOUND', /^Queue not found$/],
  ['createSlaPolicy', 'unknown calendar', () => policyInput({ calendarId: gid('SlaCalendar', randomUUID()) }), 'NOT_FOUND', /^SlaCalendar not found$/],
  ['createSlaPolicy', 'name taken', () => policyInput({ name: 'Urgent' }), 'CONFLICT', /a policy named "Urgent" exists already/],
  ['createSlaPolicy', 'non-admin key', () => policyInput(), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['updateSlaPolicy', 'position 0', () => ({ id: sla.policy, position: 0 }), 'BAD_USER_INPUT', /input\.position: Too small/],
  ['updateSlaPolicy', 'notify nobody', () => ({ id: sla.policy, escalations: [{ on: 'BREACHED', action: 'NOTIFY' }] }), 'BAD_USER_INPUT', /input\.escalations\.0\.agentId: a notification names the supervisor/],
  ['updateSlaPolicy', 'unknown escalation agent', () => ({ id: sla.policy, escalations: [{ on: 'BREACHED', action: 'NOTIFY', agentId: randomGid('Agent') }] }), 'NOT_FOUND', /^Agent not found$/],
  ['updateSlaPolicy', 'unknown policy', () => ({ id: gid('SlaPolicy', randomUUID()), name: 'X' }), 'NOT_FOUND', /^SlaPolicy not found$/],
  ['updateSlaPolicy', 'non-admin key', () => ({ id: sla.policy, name: 'X' }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['deleteSlaPolicy', 'unknown policy', () => gid('SlaPolicy', randomUUID()), 'NOT_FOUND', /^SlaPolicy not found$/],
  ['deleteSlaPolicy', 'a calendar id as policy', () => sla.calendar, 'BAD_USER_INPUT', /is not a valid SlaPolicy id/],
  ['deleteSlaPolicy', 'non-admin key', () => sla.policy, 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['createChannel', 'empty name', () => ({ kind: 'EMAIL', name: ' ' }), 'BAD_USER_INPUT', /^invalid input: input\.name: Too small/],
  ['createChannel', 'name too long', () => ({ kind: 'EMAIL', name: long(121) }), 'BAD_USER_INPUT', /^invalid input: input\.name: Too big/],
  ['createChannel', 'bad kind (variables)', () => ({ kind: 'FAX', name: 'N' }), 'BAD_USER_INPUT', /"FAX" does not exist in "Channel"/],
  ['createChannel', 'bad region', () => ({ kind: 'SMS', name: 'N', region: 'USA' }), 'BAD_USER_INPUT', /input\.region: an ISO 3166 two-letter region/],
  ['createChannel', 'unknown default queue', () => ({ kind: 'EMAIL', name: 'N', defaultQueueId: randomGid('Queue') }), 'NOT_FOUND', /^Queue not found$/],
  ['createChannel', 'non-admin key', () => ({ kind: 'EMAIL', name: 'N' }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['rotateChannelSecret', 'unknown channel', () => gid('IntakeChannel', randomUUID()), 'NOT_FOUND', /^Channel not found$/],
  ['rotateChannelSecret', 'a case id as channel', () => w.case, 'BAD_USER_INPUT', /is not a valid IntakeChannel id/],
  ['rotateChannelSecret', 'non-admin key', () => intake.channel, 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['disableChannel', 'unknown channel', () => gid('IntakeChannel', randomUUID()), 'NOT_FOUND', /^Channel not found$/],
  ['disableChannel', 'non-admin key', () => intake.channel, 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['replyOnChannel', 'empty body', () => ({ caseId: intake.channelCase, body: '' }), 'BAD_USER_INPUT', /^invalid input: input\.body: Too small/],
  ['replyOnChannel', 'subject too long', () => ({ caseId: intake.channelCase, body: 'B', subject: long(301) }), 'BAD_USER_INPUT', /^invalid input: input\.subject: Too big/],
  ['replyOnChannel', 'case from no channel', () => ({ caseId: w.case, body: 'B' }), 'CONFLICT', /^this case came in on no channel; name the channel to reply on$/],
  ['replyOnChannel', 'disabled channel', () => ({ caseId: intake.channelCase, body: 'B', channelId: intake.disabled }), 'CONFLICT', /^this channel is disabled; reply on another$/],
  ['replyOnChannel', 'unknown channel', () => ({ caseId: intake.channelCase, body: 'B', channelId: gid('IntakeChannel', randomUUID()) }), 'NOT_FOUND', /^Channel not found$/],
  ['replyOnChannel', 'unknown case', () => ({ caseId: randomGid('Case'), body: 'B' }), 'NOT_FOUND', /^Case not found$/],

  ['ingestInteractions', 'more than 1000 rows', () => ({ channelId: intake.channel, rows: Array.from({ length: 1001 }, () => row()) }), 'BAD_USER_INPUT', /^send at most 1000 rows per batch$/],
  ['ingestInteractions', 'row without a contact (variables)', () => ({ channelId: intake.channel, rows: [{ body: 'Hi' }] }), 'BAD_USER_INPUT', /Field "contact" of required type "IngestContactInput!" was not provided/],
  ['ingestInteractions', 'bad direction (variables)', () => ({ channelId: intake.channel, rows: [row({ direction: 'SIDEWAYS' })] }), 'BAD_USER_INPUT', /"SIDEWAYS" does not exist in "Direction"/],
  ['ingestInteractions', 'unknown channel', () => ({ channelId: gid('IntakeChannel', randomUUID()), rows: [row()] }), 'NOT_FOUND', /^Channel not found$/],
  ['ingestInteractions', 'disabled channel', () => ({ channelId: intake.disabled, rows: [row()] }), 'CONFLICT', /^this channel is disabled$/],

  ['rateCase', 'rating 6', () => ({ caseId: extra.closedCase, rating: 6 }), 'BAD_USER_INPUT', /^invalid input: input\.rating: Too big/],
  ['rateCase', 'rating 0', () => ({ caseId: extra.closedCase, rating: 0 }), 'BAD_USER_INPUT', /^invalid input: input\.rating: Too small/],
  ['rateCase', 'fractional rating (variables)', () => ({ caseId: extra.closedCase, rating: 4.5 }), 'BAD_USER_INPUT', /Int cannot represent non-integer value: 4\.5/],
  ['rateCase', 'comment too long', () => ({ caseId: extra.closedCase, rating: 5, comment: long(2_001) }), 'BAD_USER_INPUT', /rateCase\(input\.comment\): is 2001 characters; the limit is 2000/],
  ['rateCase', 'open case', () => ({ caseId: w.case, rating: 5 }), 'CONFLICT', /^a case is rated once it is solved$/],
  ['rateCase', 'unknown case', () => ({ caseId: randomGid('Case'), rating: 5 }), 'NOT_FOUND', /^Case not found$/],
  ['rateCase', 'already rated', () => ({ caseId: extra.closedCase, rating: 5 }), 'ALREADY_RATED', /^this case has been rated already$/],

  ['publishPluginVersion', 'manifest not JSON', () => publishing({ manifest: '{ not json' }), 'BAD_USER_INPUT', /^manifest is not JSON$/],
  ['publishPluginVersion', 'garbage manifest', () => publishing({ manifest: JSON.stringify({ id: 'acme.greeter', version: 'one' }) }), 'BAD_USER_INPUT', /Invalid plugin manifest:[\s\S]*manifest\.version: must be a semver version/],
  ['publishPluginVersion', 'unsigned', () => publishing({ signature: '' }), 'BAD_USER_INPUT', /signature must be the base64 ed25519 signature/],
  ['publishPluginVersion', 'signature not base64', () => publishing({ signature: 'signed, honestly' }), 'BAD_USER_INPUT', /signature must be the base64 ed25519 signature/],
  ['publishPluginVersion', 'signed with another key', () => publishing({ signature: plugins.greeter13.sign(plugins.globex.key) }), 'FORBIDDEN', /signature does not verify with acme's key/],
  ['publishPluginVersion', "another version's signature", () => publishing({ signature: plugins.greeter1.sign(plugins.acme.key) }), 'FORBIDDEN', /signature does not verify/],
  ['publishPluginVersion', 'manifest changed after signing', () => publishing({ manifest: plugins.greeter13.manifest.replace('Greets customers', 'Steals customers') }), 'FORBIDDEN', /signature does not verify/],
  ['publishPluginVersion', 'bundle changed after signing', () => publishing({ bundle: `${plugins.greeter13.bundle}\n/* injected */` }), 'BAD_USER_INPUT', /bundle sha256 [0-9a-f]{64} differs from the manifest's/],
  ['publishPluginVersion', 'unknown publisher', () => publishing({ publisherId: randomUUID() }), 'NOT_FOUND', /^publisher [0-9a-f-]{36} not found$/],
  ['publishPluginVersion', "another publisher's namespace", () => publishing({ publisherId: plugins.globex.id, signature: plugins.greeter13.sign(plugins.globex.key) }), 'FORBIDDEN', /publisher "globex" cannot publish acme\.greeter/],
  ['publishPluginVersion', 'version already published', () => publishing({ manifest: plugins.greeter1.manifest, bundle: plugins.greeter1.bundle, signature: plugins.greeter1.sign(plugins.acme.key) }), 'CONFLICT', /acme\.greeter@1\.0\.0 is already published; versions are immutable/],
  ['publishPluginVersion', 'non-admin key', () => publishing(), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['installPlugin', 'bad semver range', () => installing({ version: 'one point oh' }), 'BAD_USER_INPUT', /"one point oh" is not a semver range/],
  ['installPlugin', 'no version in range', () => installing({ version: '^2' }), 'NOT_FOUND', /no version of acme\.hello matches \^2 \(published: 1\.0\.0\)/],
  ['installPlugin', 'unknown plugin', () => installing({ pluginId: 'acme.nope' }), 'NOT_FOUND', /^plugin acme\.nope not found$/],
  ['installPlugin', 'missing consent', () => installing({ grantScopes: ['customers:read'], grantEgress: [] }), 'CONSENT_REQUIRED', /acme\.hello@1\.0\.0 needs the admin's consent for scopes storage and egress to api\.greetings\.test/],
  ['installPlugin', 'scope not asked for', () => installing({ grantScopes: ['customers:read', 'storage', 'orders:read'] }), 'BAD_USER_INPUT', /acme\.hello@1\.0\.0 does not ask for orders:read/],
  ['installPlugin', 'egress not asked for', () => installing({ grantEgress: ['api.greetings.test', 'evil.example'] }), 'BAD_USER_INPUT', /does not ask for evil\.example/],
  ['installPlugin', 'bad config', () => installing({ config: { greeting: '' } }), 'BAD_USER_INPUT', /invalid config: config\.greeting: must NOT have fewer than 1 characters/],
  ['installPlugin', 'config of the wrong type', () => installing({ config: { greeting: 42 } }), 'BAD_USER_INPUT', /invalid config: config\.greeting: must be string/],
  ['installPlugin', 'config not an object', () => installing({ config: 'Hey' }), 'BAD_USER_INPUT', /invalid input: config/],
  ['installPlugin', 'unknown secret name', () => installing({ secrets: [{ name: 'NOPE', value: 'x' }] }), 'BAD_USER_INPUT', /acme\.hello declares no secret named NOPE/],
  ['installPlugin', 'empty secret value', () => installing({ secrets: [{ name: 'GREETINGS_TOKEN', value: '' }] }), 'BAD_USER_INPUT', /invalid input: secrets\.GREETINGS_TOKEN/],
  ['installPlugin', 'already installed', () => installing({ pluginId: 'acme.greeter' }), 'CONFLICT', /acme\.greeter is already installed \(1\.0\.0\); upgrade it instead/],
  ['installPlugin', 'non-admin key', () => installing(), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['configurePlugin', 'not installed', () => ({ pluginId: 'acme.hello', config: { greeting: 'Yo' } }), 'NOT_FOUND', /^installation of acme\.hello not found$/],
  ['configurePlugin', 'bad config', () => ({ pluginId: 'acme.greeter', config: { greeting: '' } }), 'BAD_USER_INPUT', /invalid config: config\.greeting/],
  ['configurePlugin', 'bad config beside a good secret', () => ({ pluginId: 'acme.greeter', config: { greeting: 7 }, secrets: [{ name: 'GREETINGS_TOKEN', value: 'tok-new' }] }), 'BAD_USER_INPUT', /invalid config: config\.greeting: must be string/],
  ['configurePlugin', 'good config beside an unknown secret', () => ({ pluginId: 'acme.greeter', config: { greeting: 'Yo' }, secrets: [{ name: 'NOPE', value: 'x' }] }), 'BAD_USER_INPUT', /acme\.greeter declares no secret named NOPE/],
  ['configurePlugin', 'empty secret value', () => ({ pluginId: 'acme.greeter', secrets: [{ name: 'GREETINGS_TOKEN', value: '' }] }), 'BAD_USER_INPUT', /invalid input: secrets\.GREETINGS_TOKEN/],
  ['configurePlugin', 'non-admin key', () => ({ pluginId: 'acme.greeter', config: { greeting: 'Yo' } }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['upgradePlugin', 'bad semver range', () => ({ pluginId: 'acme.greeter', version: 'latest!' }), 'BAD_USER_INPUT', /"latest!" is not a semver range/],
  ['upgradePlugin', 'not newer', () => ({ pluginId: 'acme.greeter', version: '1.0.0' }), 'CONFLICT', /acme\.greeter 1\.0\.0 is installed; the newest match for 1\.0\.0 is 1\.0\.0, not newer/],
  ['upgradePlugin', 'new scope without consent', () => ({ pluginId: 'acme.greeter', version: '^1' }), 'CONSENT_REQUIRED', /acme\.greeter@1\.2\.0 needs the admin's consent for scopes orders:read$/],
  ['upgradePlugin', 'scope not asked for', () => ({ pluginId: 'acme.greeter', version: '^1', grantScopes: ['orders:read', 'cases:write'] }), 'BAD_USER_INPUT', /acme\.greeter@1\.2\.0 does not ask for cases:write/],
  ['upgradePlugin', 'no version in range', () => ({ pluginId: 'acme.greeter', version: '^3' }), 'NOT_FOUND', /no version of acme\.greeter matches \^3/],
  ['upgradePlugin', 'not installed', () => ({ pluginId: 'acme.hello', version: '^1' }), 'NOT_FOUND', /^installation of acme\.hello not found$/],
  ['upgradePlugin', 'unknown plugin', () => ({ pluginId: 'acme.nope' }), 'NOT_FOUND', /^installation of acme\.nope not found$/],
  ['upgradePlugin', 'non-admin key', () => ({ pluginId: 'acme.greeter', version: '^1', grantScopes: ['orders:read'] }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['rollbackPlugin', 'nothing to roll back', () => 'acme.greeter', 'CONFLICT', /^acme\.greeter has no earlier version to roll back to$/],
  ['rollbackPlugin', 'not installed', () => 'acme.hello', 'NOT_FOUND', /^installation of acme\.hello not found$/],
  ['rollbackPlugin', 'non-admin key', () => 'acme.greeter', 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['uninstallPlugin', 'not installed', () => 'acme.hello', 'NOT_FOUND', /^installation of acme\.hello not found$/],
  ['uninstallPlugin', 'unknown plugin', () => 'acme.nope', 'NOT_FOUND', /^installation of acme\.nope not found$/],
  ['uninstallPlugin', 'non-admin key', () => 'acme.greeter', 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['purgePluginData', 'while installed', () => 'acme.greeter', 'CONFLICT', /^uninstall acme\.greeter before purging its data$/],
  ['purgePluginData', 'never installed', () => 'acme.hello', 'NOT_FOUND', /^installation of acme\.hello not found$/],
  ['purgePluginData', 'non-admin key', () => 'acme.greeter', 'FORBIDDEN', ADMIN_ONLY, 'agent'],

  ['replayDeadLetter', 'unknown event', () => ({ eventId: randomUUID(), pluginId: 'acme.greeter' }), 'NOT_FOUND', /^dead letter not found$/],
  ['replayDeadLetter', 'plugin not installed', () => ({ eventId: randomUUID(), pluginId: 'acme.hello' }), 'NOT_FOUND', /^dead letter not found$/],
  ['replayDeadLetter', 'non-admin key', () => ({ eventId: randomUUID(), pluginId: 'acme.greeter' }), 'FORBIDDEN', ADMIN_ONLY, 'agent'],
];

describe('every mutation refuses bad input and writes nothing', () => {
  it('covers every mutation of the schema', async () => {
    const fields = ok(await t.gql('{ __type(name: "Mutation") { fields { name } } }')).__type.fields.map((f: any) => f.name);
    expect([...fields].sort()).toEqual([...MUTATION_NAMES].sort());
    expect(new Set(CASES.map((c) => c[0]))).toEqual(new Set(fields));
  });

  it.each(CASES)('%s: %s', async (name, _what, input, code, message, role) => {
    const before = await dumpTenant(tp, t.tenantId);
    const controlBefore = await dumpControl(tp);
    const res = await mutate(role === 'agent' ? agent : t, name, input());
    expectError(res, code, message);
    expect(res.data?.[name] ?? null).toBeNull(); // the mutation field is null (nullable payloads); nothing else was asked
    const after = await dumpTenant(tp, t.tenantId);
    expect(rowCounts(after)).toEqual(rowCounts(before));
    expect(after).toEqual(before);
    // Registry, installations, secrets and audit log too (plugin mutations write there).
    const controlAfter = await dumpControl(tp);
    expect(rowCounts(controlAfter)).toEqual(rowCounts(controlBefore));
    expect(controlAfter).toEqual(controlBefore);
  });
});

describe('plugin admin inputs name each issue from the argument down', () => {
  it('configurePlugin and installPlugin: config problems at ["input", "config", …]', async () => {
    const configured = await mutate(t, 'configurePlugin', { pluginId: 'acme.greeter', config: { greeting: 7 } });
    expect(configured.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'config', 'greeting'], message: 'must be string' }] });
    const installed = await mutate(t, 'installPlugin', installing({ config: 'Hey' }));
    expect(installed.errors![0]!.extensions!.issues).toEqual([{ path: ['input', 'config'], message: expect.any(String) }]);
  });
});

describe('schema-level type errors are refused while validating', () => {
  const DOCS: [string, string, RegExp][] = [
    ['missing required field', 'mutation { createAccount(input: {}) { account { id } } }', /CreateAccountInput\.name/],
    ['unknown input field', 'mutation { createAccount(input: { name: "A", owner: "me" }) { account { id } } }', /owner/],
    ['string for an Int', 'mutation { createOrder(input: { customerId: "x", currency: "EUR", lines: [{ sku: "a", name: "b", quantity: "two", unitPriceCents: 1 }] }) { order { id } } }', /Int/],
    ['float vote', 'mutation { voteCommunityPost(input: { postId: "x", customerId: "y", value: 1.5 }) { post { id } } }', /Int/],
    ['unknown enum literal', 'mutation { createCase(input: { customerId: "x", subject: "s", priority: SUPER }) { case { id } } }', /CasePriority/],
    ['string for an enum', 'mutation { updateOrderStatus(input: { id: "x", status: "PAID" }) { order { id } } }', /OrderStatus/],
    ['missing required field of a new module', 'mutation { createSlaCalendar(input: { name: "N", periods: [] }) { calendar { id } } }', /CreateSlaCalendarInput\.timeZone/],
    ['string for an Int rating', 'mutation { rateCase(input: { caseId: "x", rating: "five" }) { survey { rating } } }', /Int/],
    ['unknown enum literal of a new module', 'mutation { createChannel(input: { kind: FAX, name: "N" }) { secret } }', /Channel/],
    ['unknown mutation', 'mutation { dropAllTables { ok } }', /dropAllTables/],
    ['variable of the wrong type', 'mutation($n: String) { createAccount(input: { name: $n }) { account { id } } }', /String!/],
  ];
  it.each(DOCS)('%s → GRAPHQL_VALIDATION_FAILED', async (_what, doc, message) => {
    const before = await dumpTenant(tp, t.tenantId);
    const res = await t.gql(doc, { n: 'x' });
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const error of res.errors!) expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors!.map((e) => e.message).join('\n')).toMatch(message);
    expect(res.data).toBeUndefined();
    expect(await dumpTenant(tp, t.tenantId)).toEqual(before);
  });

  it('a malformed document → GRAPHQL_PARSE_FAILED', async () => {
    const res = await t.gql('mutation { createAccount(input: { name: "A" }) { account { id }');
    expectError(res, 'GRAPHQL_PARSE_FAILED', /Syntax Error/);
  });
});

describe('a failure after the first insert rolls the whole transaction back', () => {
  it('createCustomer whose second identity belongs to someone else leaves no customer and no identity', async () => {
    const before = await dumpTenant(tp, t.tenantId);
    // the customer row and its email identity are inserted, then the phone identity conflicts
    const res = await mutate(t, 'createCustomer', {
      name: 'Half Written', email: 'half@written.example',
      identities: [{ kind: 'SOCIAL', value: '@half' }, { kind: 'PHONE', value: '+1 555 0100' }],
    });
    expectError(res, 'CONFLICT', /phone \+1 555 0100 already belongs to another customer/);
    const after = await dumpTenant(tp, t.tenantId);
    expect(rowCounts(after)).toEqual(rowCounts(before));
    expect(after).toEqual(before);
    const find = `query($f: CustomerFilter) { customers(filter: $f) { edges { node { id } } } }`;
    expect(ok(await t.gql(find, { f: { nameStartsWith: 'Half' } })).customers.edges).toEqual([]);
    expect(ok(await t.gql(find, { f: { email: 'half@written.example' } })).customers.edges).toEqual([]);
    // the same customer without the stolen phone is accepted: the first inserts were legitimate
    const made = await create(t, 'createCustomer', { name: 'Half Written', email: 'half@written.example', identities: [{ kind: 'SOCIAL', value: '@half' }] });
    expect(made.customer.identities.map((i: any) => i.value)).toEqual(['half@written.example', '@half']);
  });

  it('updateCustomer that adds a new email then a taken phone keeps the old email and adds no identity', async () => {
    const id = (await create(t, 'createCustomer', { name: 'Uma Update', email: 'uma@example.com' })).customer.id;
    const before = await dumpTenant(tp, t.tenantId);
    const res = await mutate(t, 'updateCustomer', { id, email: 'uma.new@example.com', phone: '+1 555 0100' });
    expectError(res, 'CONFLICT', /phone \+1 555 0100 already belongs/);
    expect(await dumpTenant(tp, t.tenantId)).toEqual(before);
    const c = ok(await t.gql(`query($id: ID!) { customer(id: $id) { email phone identities { value } } }`, { id })).customer;
    expect(c).toEqual({ email: 'uma@example.com', phone: null, identities: [{ value: 'uma@example.com' }] });
  });

  it('a too-large order total is refused before anything is stored (it used to commit, then fail to serialize)', async () => {
    const before = rowCounts(await dumpTenant(tp, t.tenantId));
    const res = await mutate(t, 'createOrder', { customerId: w.customer, currency: 'EUR', lines: [{ ...line, quantity: 100_000, unitPriceCents: 100_000 }] });
    expectError(res, 'BAD_USER_INPUT', /order total is too large/);
    expect(rowCounts(await dumpTenant(tp, t.tenantId))).toEqual(before);
    // the largest representable total is fine and reads back exactly
    const max = await create(t, 'createOrder', { customerId: w.customer, currency: 'EUR', lines: [{ ...line, quantity: 1, unitPriceCents: 2_147_483_647 }] });
    expect(max.order.totalCents).toBe(2_147_483_647);
  });
});

describe('the plugin requests the bad inputs deviate from are accepted', () => {
  it('publishes, installs, configures, upgrades, rolls back, uninstalls and purges', async () => {
    expect((await create(t, 'publishPluginVersion', publishing())).version).toMatchObject({ pluginId: 'acme.greeter', version: '1.3.0' });
    expect((await create(t, 'installPlugin', installing())).installation).toMatchObject({
      pluginId: 'acme.hello', version: '1.0.0', status: 'ACTIVE', config: { greeting: 'Hey' }, secretNames: ['GREETINGS_TOKEN'],
    });
    const configured = await create(t, 'configurePlugin', { pluginId: 'acme.greeter', config: { greeting: 'Yo' }, secrets: [{ name: 'GREETINGS_TOKEN', value: 'tok-new' }] });
    expect(configured.installation).toMatchObject({ config: { greeting: 'Yo' }, secretNames: ['GREETINGS_TOKEN'] });
    const upgraded = await create(t, 'upgradePlugin', { pluginId: 'acme.greeter', version: '1.2.0', grantScopes: ['orders:read'] });
    expect(upgraded.installation).toMatchObject({ version: '1.2.0', previousVersion: '1.0.0', grantedScopes: ['customers:read', 'orders:read', 'storage'] });
    const rolledBack = await create(t, 'rollbackPlugin', 'acme.greeter');
    expect(rolledBack.installation).toMatchObject({ version: '1.0.0', previousVersion: '1.2.0', grantedScopes: ['customers:read', 'storage'] });
    expect((await create(t, 'uninstallPlugin', 'acme.greeter')).installation).toMatchObject({ status: 'UNINSTALLED' });
    expect(await create(t, 'purgePluginData', 'acme.greeter')).toEqual({ pluginId: 'acme.greeter', deletedKeys: 0 });
  });
});
