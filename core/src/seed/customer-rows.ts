/**
 * Rows that hang off one customer: identities, cases, interactions and orders. Everything of a
 * customer is generated together so cases, interactions and orders stay consistent with each
 * other and with the customer's lifetime, and rows land in the indexes in customer-id order.
 */
import {
  between, byAge, CASE_STATUS_BY_AGE, CHANNEL_MIX, ORDER_STATUS_BY_AGE, PRIORITY_MIX, sampleCustomer, TOPIC_MIX, YEAR,
  type AgentRef, type SeedContext,
} from './context.js';
import type { Topic } from './pools.js';
import { Weighted } from './rng.js';
import { seedAddress } from './addresses.js';
import { newId } from '../lib/ids.js';
import { phoneIdentity } from '../domain/phone-numbers.js';

export interface AccountRef {
  id: string;
  domain: string;
}

const TIERS = new Weighted([['enterprise', 10], ['business', 35], ['starter', 55]] as const);
const FREE_MAIL = ['example.com', 'example.net', 'example.org'];
const SOCIAL_PROVIDERS = ['twitter', 'facebook', 'instagram'];
const CURRENCIES = new Weighted([['USD', 70], ['EUR', 15], ['GBP', 10], ['CAD', 5]] as const);
/** About 0.3 cases and 1.5 orders per customer on average. */
const CASES_PER_CUSTOMER = new Weighted([[0, 76], [1, 18], [2, 5], [3, 1]] as const);
const ORDERS_PER_CUSTOMER = new Weighted([[0, 27], [1, 30], [2, 20], [3, 13], [4, 6], [5, 4]] as const);
const LINES_PER_ORDER = new Weighted([[1, 50], [2, 30], [3, 13], [4, 7]] as const);
const QUANTITY = new Weighted([[1, 80], [2, 14], [3, 6]] as const);
const OPEN = new Set(['NEW', 'OPEN', 'PENDING']);
/** Channels where an agent is on the other end even for inbound contact. */
const LIVE = new Set(['CHAT', 'PHONE', 'VIDEO']);
const WITH_SUBJECT = new Set(['EMAIL', 'PORTAL']);

const handle = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export function addAccount(ctx: SeedContext): AccountRef {
  const { rng, now } = ctx;
  const company = rng.pick(ctx.pools.companies);
  // Accounts predate their customers (who appear over the last three years).
  const createdAt = now - 3 * YEAR - Math.floor(rng.next() * YEAR);
  const account = { id: newId(), domain: company.domain };
  const address = JSON.stringify(seedAddress(ctx.places));
  ctx.t.accounts.add(account.id, company.name, company.domain, TIERS.draw(rng), address, createdAt, between(rng, createdAt, now));
  return account;
}

/** Picks an agent with `skill` who can take another open case, or null (the case waits in its queue). */
function assignee(ctx: SeedContext, topic: Topic, open: boolean): AgentRef | null {
  const pool = topic === 'general' ? ctx.agents : ctx.agentsBySkill.get(topic) ?? ctx.agents;
  if (pool.length === 0) return null;
  if (!open) return ctx.rng.pick(pool);
  for (let attempt = 0; attempt < 3; attempt++) {
    const agent = ctx.rng.pick(pool);
    // Leave one slot free so routing a new case can still find someone.
    if (agent.openLoad < agent.capacity - 1) {
      agent.openLoad++;
      return agent;
    }
  }
  return null;
}

interface CaseRef {
  id: string;
  topic: Topic;
  subject: string;
  channel: string;
  assigneeId: string | null;
  createdAt: number;
  updatedAt: number;
}

export function addCustomer(ctx: SeedContext, account: AccountRef | null, interactionsPerCustomer: number): void {
  const { rng, pools, t, now } = ctx;
  const n = ctx.seq.customer++;
  const first = rng.pick(pools.firstNames);
  const last = rng.pick(pools.lastNames);
  // The running number keeps emails, phones and handles unique across runs.
  const email = `${handle(first)}.${handle(last)}${n}@${account ? account.domain : rng.pick(FREE_MAIL)}`;
  const digits = String(n).padStart(7, '0');
  const phone = `+1 555 ${digits.slice(0, -4)} ${digits.slice(-4)}`;
  const createdAt = now - 60_000 - Math.floor(rng.next() * 3 * YEAR);
  const id = newId();
  // Most customers gave an address (an order needs one); some never did.
  const address = ctx.places.chance(0.85) ? JSON.stringify(seedAddress(ctx.places)) : null;
  t.customers.add(id, account?.id ?? null, `${first} ${last}`, email, phone, 'ACTIVE', address, createdAt, between(rng, createdAt, now));
  t.identities.add(newId(), id, 'EMAIL', email, null, rng.chance(0.8) ? 1 : 0, createdAt);
  t.identities.add(newId(), id, 'PHONE', phoneIdentity(phone), null, rng.chance(0.5) ? 1 : 0, createdAt);
  if (rng.chance(0.15)) {
    t.identities.add(newId(), id, 'SOCIAL', `@${handle(first)}${handle(last)}${n}`, rng.pick(SOCIAL_PROVIDERS), 0, createdAt);
  }
  sampleCustomer(ctx, id);

  // Interactions are spread over the last two years (and never before the customer existed).
  const from = Math.max(createdAt, now - 2 * YEAR);
  const cases = addCases(ctx, id, from);
  addInteractions(ctx, id, from, cases, interactionsPerCustomer);
  addOrders(ctx, id, createdAt);
}

function addCases(ctx: SeedContext, customerId: string, from: number): CaseRef[] {
  const { rng, pools, t, now } = ctx;
  const count = CASES_PER_CUSTOMER.draw(rng);
  const refs: CaseRef[] = [];
  for (let i = 0; i < count; i++) {
    const topic = TOPIC_MIX.draw(rng);
    const createdAt = between(rng, from, now);
    const age = now - createdAt;
    const status = byAge(CASE_STATUS_BY_AGE, age, rng);
    const open = OPEN.has(status);
    // Most NEW cases have not been picked up yet.
    const agent = status === 'NEW' && rng.chance(0.7) ? null : assignee(ctx, topic, open);
    const updatedAt = createdAt + Math.floor(rng.next() * Math.min(age, (open ? 3 : 10) * 86_400_000));
    const ref: CaseRef = {
      id: newId(), topic, subject: rng.pick(pools.texts[topic].subjects), channel: CHANNEL_MIX.draw(rng),
      assigneeId: agent?.id ?? null, createdAt, updatedAt,
    };
    t.cases.add(
      ref.id, ctx.seq.caseNumber++, customerId, ref.subject, rng.pick(pools.texts[topic].inbound), status,
      PRIORITY_MIX.draw(rng), ref.channel, ctx.queueByTopic.get(topic) ?? null, ref.assigneeId, createdAt, updatedAt,
    );
    refs.push(ref);
    if (!open) addSurvey(ctx, ref, customerId);
  }
  return refs;
}

/** Most customers leave a good rating, some none; answered within two days of the case being solved. */
const RATING_MIX = new Weighted<number>([[5, 46], [4, 28], [3, 12], [2, 7], [1, 7]]);
const SURVEY_COMMENTS = ['Quick and friendly, thank you.', 'Solved, but it took a while.', 'Nobody read my first message.', 'Great help with the return.'];

function addSurvey(ctx: SeedContext, ref: CaseRef, customerId: string): void {
  const { surveys, t, now } = ctx;
  if (!surveys.chance(0.4)) return;
  const rating = RATING_MIX.draw(surveys);
  const comment = surveys.chance(0.3) ? surveys.pick(SURVEY_COMMENTS) : null;
  t.caseSurveys.add(ref.id, customerId, rating, comment, Math.min(now, ref.updatedAt + Math.floor(surveys.next() * 2 * 86_400_000)));
}

/** Gamma(2)-distributed count with the requested mean: few customers with none, a long tail of heavy users. */
function interactionCount(ctx: SeedContext, mean: number): number {
  if (mean <= 0) return 0;
  return Math.round(-Math.log((1 - ctx.rng.next()) * (1 - ctx.rng.next())) * mean / 2);
}

function addInteractions(ctx: SeedContext, customerId: string, from: number, cases: CaseRef[], mean: number): void {
  const { rng, pools, t, now } = ctx;
  const count = interactionCount(ctx, mean);
  for (let i = 0; i < count; i++) {
    const c = cases.length > 0 && rng.chance(0.45) ? rng.pick(cases) : null;
    const topic = c ? c.topic : TOPIC_MIX.draw(rng);
    // A case's conversation happens while the case is being worked on.
    const occurredAt = c ? between(rng, c.createdAt, Math.min(now, c.updatedAt + 3_600_000)) : between(rng, from, now);
    const channel = c && rng.chance(0.7) ? c.channel : CHANNEL_MIX.draw(rng);
    const inbound = rng.chance(0.58);
    const texts = pools.texts[topic];
    let subject: string | null = null;
    if (WITH_SUBJECT.has(channel)) subject = c ? (inbound ? c.subject : `Re: ${c.subject}`) : rng.pick(texts.subjects);
    let agentId: string | null = null;
    if ((!inbound || LIVE.has(channel)) && ctx.agents.length > 0) agentId = c?.assigneeId ?? rng.pick(ctx.agents).id;
    t.interactions.add(
      newId(), customerId, c?.id ?? null, channel, inbound ? 'INBOUND' : 'OUTBOUND', subject,
      rng.pick(inbound ? texts.inbound : texts.outbound), agentId, occurredAt, occurredAt,
    );
  }
}

function addOrders(ctx: SeedContext, customerId: string, customerSince: number): void {
  const { rng, pools, t, now } = ctx;
  const count = ORDERS_PER_CUSTOMER.draw(rng);
  const currency = CURRENCIES.draw(rng);
  for (let i = 0; i < count; i++) {
    const id = newId();
    const placedAt = between(rng, customerSince, now);
    const lines = LINES_PER_ORDER.draw(rng);
    let total = 0;
    for (let l = 0; l < lines; l++) {
      const product = rng.pick(pools.products);
      const quantity = QUANTITY.draw(rng);
      total += quantity * product.priceCents;
      t.orderLines.add(newId(), id, product.sku, product.name, quantity, product.priceCents);
    }
    const number = `SO-${String(ctx.seq.order++).padStart(8, '0')}`;
    t.orders.add(id, number, customerId, byAge(ORDER_STATUS_BY_AGE, now - placedAt, rng), currency, total, placedAt, placedAt);
  }
}
