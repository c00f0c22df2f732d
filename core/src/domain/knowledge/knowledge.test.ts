import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../../db/tenant-db.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createCase } from '../cases.js';
import { createCustomer } from '../customers.js';
import { createArticle, getArticle, listArticles, rateArticle, updateArticle, type KnowledgeArticle } from '../knowledge.js';
import { publicReader, staffReader, type KnowledgeReader } from './access.js';
import { linkArticleToCase, linkedArticles, suggestedArticles, suggestionQuery, unlinkArticleFromCase } from './case-links.js';
import { deflectionRate, recordKnowledgeActivity } from './deflection.js';
import { countVote } from './helpfulness.js';
import { searchArticles, type KnowledgeSearchInput } from './search.js';
import { getVersion, listVersions, restoreVersion } from './versions.js';

let dir: string;
let databases: TenantDatabases;
let data: TenantDb;
let other: TenantDb;
let admin: TenantContext;
let agentA: TenantContext;
let agentB: TenantContext;
let otherAdmin: TenantContext;

const TENANT = '33333333-3333-4333-8333-333333333333';
const OTHER = '44444444-4444-4444-8444-444444444444';
const as = (data: TenantDb, tenantId: string, role: TenantContext['role'], actor: string): TenantContext =>
  ({ tenantId, tenantSlug: tenantId.slice(0, 4), role, actor, data });
const titles = async (reader: KnowledgeReader, input: KnowledgeSearchInput) => (await searchArticles(reader, input)).map((h) => h.title);
const portal = () => publicReader({ tenantId: TENANT, tenantSlug: 'kb', data });
/** Votes written straight through the counter update, as many ratings would. */
const votes = (id: string, helpful: number, notHelpful: number) => data.write(async (tx) => {
  for (let i = 0; i < helpful; i++) await countVote(tx, id, true);
  for (let i = 0; i < notHelpful; i++) await countVote(tx, id, false);
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-knowledge-'));
  databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  data = await databases.provision(TENANT);
  other = await databases.provision(OTHER);
  admin = as(data, TENANT, 'admin', 'key-admin');
  agentA = as(data, TENANT, 'agent', 'key-agent-a');
  agentB = as(data, TENANT, 'agent', 'key-agent-b');
  otherAdmin = as(other, OTHER, 'admin', 'key-other');
});
afterAll(async () => {
  await databases.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ranking by text relevance and helpfulness', () => {
  it('lifts an article many found helpful above an equally relevant unrated one', async () => {
    const older = await createArticle(admin, { title: 'Descaling the kettle', body: 'Fill it with vinegar and water, then rinse.', visibility: 'PUBLIC' });
    const newer = await createArticle(admin, { title: 'Descaling the kettle', body: 'Fill it with vinegar and water, then rinse.', visibility: 'PUBLIC' });
    const before = await searchArticles(portal(), { query: 'descaling kettle' });
    expect(before.map((h) => h.id)).toEqual([newer.id, older.id]);
    expect(before[0]!.textScore).toBeCloseTo(before[1]!.textScore, 9);
    for (let i = 0; i < 30; i++) await rateArticle(admin, { articleId: older.id, helpful: true });
    const after = await searchArticles(portal(), { query: 'descaling kettle' });
    expect(after.map((h) => h.id)).toEqual([older.id, newer.id]);
    expect(after[0]!.helpfulness).toBeGreaterThan(0.85);
    expect(after[1]!.helpfulness).toBe(0);
    expect(after[0]!.score).toBeCloseTo(after[0]!.textScore * (1 + after[0]!.helpfulness), 9);
  });

  it('does not let 1 helpful vote out of 1 outrank 90 out of 100', async () => {
    const many = await createArticle(admin, { title: 'Pairing the headphones', body: 'Hold the button for five seconds.', visibility: 'PUBLIC' });
    const one = await createArticle(admin, { title: 'Pairing the headphones', body: 'Hold the button for five seconds.', visibility: 'PUBLIC' });
    await votes(many.id, 90, 10);
    await rateArticle(admin, { articleId: one.id, helpful: true });
    const hits = await searchArticles(portal(), { query: 'pairing headphones' });
    expect(hits.map((h) => h.id)).toEqual([many.id, one.id]);
    // The 95 % Wilson lower bounds: 1/1 is about 0.21, 90/100 about 0.83.
    expect(hits[1]!.helpfulness).toBeCloseTo(0.2065, 3);
    expect(hits[0]!.helpfulness).toBeCloseTo(0.8256, 3);
    const stored = await getArticle(admin, many.id);
    expect([stored.helpfulCount, stored.notHelpfulCount]).toEqual([90, 10]);
  });

  it('still ranks a much better text match above a helpful weak one', async () => {
    const strong = await createArticle(admin, { title: 'Warranty claim for a blender', body: 'A blender warranty claim needs the receipt. Blender warranty lasts two years.', visibility: 'PUBLIC' });
    const weak = await createArticle(admin, { title: 'Shop opening hours', body: 'We also handle the odd blender question, and a warranty now and then, among a great many other topics of every kind and length that dilute the words.', visibility: 'PUBLIC' });
    await votes(weak.id, 5, 0);
    expect((await searchArticles(portal(), { query: 'blender warranty' })).map((h) => h.id)).toEqual([strong.id, weak.id]);
  });
});

describe('visibility per caller', () => {
  let draft: KnowledgeArticle;
  let internal: KnowledgeArticle;
  let open: KnowledgeArticle;
  beforeAll(async () => {
    draft = await createArticle(agentA, { title: 'Gadget recall draft', body: 'gadget recall wording', visibility: 'DRAFT' });
    internal = await createArticle(admin, { title: 'Gadget recall internal', body: 'gadget recall escalation path', visibility: 'INTERNAL' });
    open = await createArticle(admin, { title: 'Gadget recall notice', body: 'gadget recall for customers', visibility: 'PUBLIC' });
  });

  it('shows customers PUBLIC only, agents INTERNAL too and their own drafts, admins everything', async () => {
    const found = async (reader: KnowledgeReader) => (await titles(reader, { query: 'gadget recall' })).sort();
    expect(await found(portal())).toEqual(['Gadget recall notice']);
    expect(await found(staffReader(agentB))).toEqual(['Gadget recall internal', 'Gadget recall notice']);
    expect(await found(staffReader(agentA))).toEqual(['Gadget recall draft', 'Gadget recall internal', 'Gadget recall notice']);
    expect(await found(staffReader(admin))).toEqual(['Gadget recall draft', 'Gadget recall internal', 'Gadget recall notice']);
  });

  it('answers someone else\'s draft as NOT_FOUND everywhere, like a missing article', async () => {
    await expect(getArticle(agentB, draft.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(updateArticle(agentB, draft.id, { title: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rateArticle(agentB, { articleId: draft.id, helpful: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listVersions(agentB, draft.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await getArticle(agentA, draft.id)).id).toBe(draft.id);
    const listed = await listArticles(agentB, { first: 50, filter: { search: 'gadget recall' } });
    expect(listed.edges.map((e) => e.node.id).sort()).toEqual([internal.id, open.id].sort());
  });

  it('maps the deprecated status onto visibility', async () => {
    const published = await createArticle(admin, { title: 'Status mapped', body: 'b', status: 'PUBLISHED' });
    const archived = await createArticle(admin, { title: 'Status archived', body: 'b', status: 'ARCHIVED' });
    expect([published.visibility, archived.visibility]).toEqual(['PUBLIC', 'DRAFT']);
    const both = await createArticle(admin, { title: 'Both given', body: 'b', status: 'PUBLISHED', visibility: 'INTERNAL' });
    expect(both.visibility).toBe('INTERNAL');
  });
});

describe('languages', () => {
  beforeAll(async () => {
    await createArticle(admin, { title: 'Voucher codes', body: 'Enter the voucher at checkout.', visibility: 'PUBLIC', locale: 'en' });
    await createArticle(admin, { title: 'Códigos voucher', body: 'Introduzca el voucher al pagar.', visibility: 'PUBLIC', locale: 'es-MX' });
    await createArticle(admin, { title: 'Codes voucher', body: 'Saisissez le voucher au paiement.', visibility: 'PUBLIC', locale: 'fr' });
  });

  it('puts the reader\'s language first (regional forms included), then the fallback, and leaves others out', async () => {
    expect(await titles(portal(), { query: 'voucher', language: 'es' })).toEqual(['Códigos voucher', 'Voucher codes']);
    expect(await titles(portal(), { query: 'voucher', language: 'fr-CA', fallbackLanguage: 'es' })).toEqual(['Codes voucher', 'Códigos voucher']);
    expect(await titles(portal(), { query: 'voucher', language: 'en' })).toEqual(['Voucher codes']);
    expect((await titles(portal(), { query: 'voucher' })).sort()).toEqual(['Codes voucher', 'Códigos voucher', 'Voucher codes']);
    const listed = await listArticles(admin, { first: 10, filter: { language: 'es', search: 'voucher' } });
    expect(listed.edges.map((e) => e.node.title)).toEqual(['Códigos voucher']);
  });

  it('stores BCP 47 tags in canonical form and refuses what is not one', async () => {
    expect((await createArticle(admin, { title: 'Tag case', body: 'b', locale: 'PT-br' })).locale).toBe('pt-BR');
    expect((await createArticle(admin, { title: 'Script tag', body: 'b', locale: 'zh-hant-tw' })).locale).toBe('zh-Hant-TW');
    expect((await createArticle(admin, { title: 'Variant tag', body: 'b', locale: 'es-419' })).locale).toBe('es-419');
    for (const locale of ['e', 'en_GB', 'english', 'en-', '12', 'en-GB-toolongsubtag', 'xx-ZZZZZ-1', 'x'.repeat(40)]) {
      await expect(createArticle(admin, { title: 'Bad tag', body: 'b', locale })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    await expect(searchArticles(portal(), { query: 'voucher', language: 'not a tag' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('safe query building', () => {
  it('never lets typed FTS syntax fail a search, and still finds the words', async () => {
    await createArticle(admin, { title: 'Router lights', body: 'A blinking router light means no signal.', visibility: 'PUBLIC' });
    const inputs = ['"router', 'router"', '"router lights"', 'router AND', 'AND', 'OR router', 'NOT', 'router*', '*', '**router',
      'NEAR(router lights)', 'NEAR(router', '(router', 'router)', '((((', ')', '-router', '^router', 'title:router', 'body : router',
      '{router}', 'router + lights', "router's", '%_', '\\', '', '   ', '日本語 router', 'router\tlights'];
    for (const query of inputs) {
      await expect(searchArticles(portal(), { query })).resolves.toBeDefined();
      await expect(searchArticles(portal(), { query, match: 'any' })).resolves.toBeDefined();
      await expect(listArticles(admin, { first: 5, filter: { search: query } })).resolves.toBeDefined();
    }
    for (const query of ['"router', 'router)', 'NEAR(router lights)', 'title:router', 'router AND']) {
      expect(await titles(portal(), { query, match: 'any' })).toContain('Router lights');
    }
    // NEAR is a plain word here (every word must occur, and "near" does not).
    expect(await titles(portal(), { query: 'NEAR(router lights)' })).toEqual([]);
    // Control characters are refused by the platform's text rule, with a code, before any query.
    await expect(searchArticles(portal(), { query: 'router\u0000lights' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('caps the words read and refuses an over-long query with a coded error', async () => {
    const fillers = Array.from({ length: 100 }, (_, i) => `filler${i}`);
    expect(await titles(portal(), { query: ['router', ...fillers].join(' '), match: 'any' })).toEqual(['Router lights']);
    // Only the first 12 distinct words count: a word after them is not searched for.
    expect(await titles(portal(), { query: [...fillers.slice(0, 12), 'router'].join(' '), match: 'any' })).toEqual([]);
    await expect(searchArticles(portal(), { query: 'x'.repeat(1_001) })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('versions', () => {
  it('records every edit, reads old versions and restores one as a new version', async () => {
    const a = await createArticle(agentA, { title: 'Gift wrapping v1', body: 'Wrapping costs three euros.', visibility: 'INTERNAL' });
    expect(a.version).toBe(1);
    await updateArticle(agentB, a.id, { title: 'Gift wrapping v2', body: 'Wrapping is free.' });
    const v3 = await updateArticle(agentA, a.id, { visibility: 'PUBLIC', locale: 'en-GB' });
    expect(v3).toMatchObject({ version: 3, title: 'Gift wrapping v2', visibility: 'PUBLIC', locale: 'en-GB' });
    const versions = await listVersions(admin, a.id);
    expect(versions.map((v) => [v.version, v.title, v.visibility, v.author])).toEqual([
      [3, 'Gift wrapping v2', 'PUBLIC', 'key-agent-a'], [2, 'Gift wrapping v2', 'INTERNAL', 'key-agent-b'], [1, 'Gift wrapping v1', 'INTERNAL', 'key-agent-a'],
    ]);
    expect((await getVersion(admin, a.id, 1)).body).toBe('Wrapping costs three euros.');
    const restored = await restoreVersion(agentB, a.id, 1);
    expect(restored).toMatchObject({ version: 4, title: 'Gift wrapping v1', body: 'Wrapping costs three euros.', visibility: 'INTERNAL', locale: 'en' });
    expect(await getArticle(admin, a.id)).toMatchObject({ version: 4, title: 'Gift wrapping v1', visibility: 'INTERNAL' });
    expect((await listVersions(admin, a.id)).map((v) => v.version)).toEqual([4, 3, 2, 1]);
    // The search index follows the restore; the portal no longer sees an internal article.
    expect(await titles(staffReader(admin), { query: 'wrapping costs' })).toEqual(['Gift wrapping v1']);
    expect(await titles(portal(), { query: 'wrapping' })).toEqual([]);
    await expect(restoreVersion(admin, a.id, 99)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getVersion(admin, a.id, 0)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('articles on cases', () => {
  it('searches a case by its longest words of three letters or more, in their order', () => {
    expect(suggestionQuery('My order arrived late and the parcel tracking never moved, can I get a refund? The ORDER!'))
      .toBe('order arrived late and the parcel tracking never moved can get refund');
    const long = Array.from({ length: 30 }, (_, i) => `w${'x'.repeat(i % 7)}${i}`).join(' ');
    expect(suggestionQuery(long).split(' ')).toHaveLength(12);
  });

  it('links, unlinks and suggests articles from the case subject and description', async () => {
    const refund = await createArticle(admin, { title: 'Refund for a broken toaster', body: 'Send a photo of the toaster and we refund it.', visibility: 'INTERNAL' });
    const customer = await createCustomer(admin, { name: 'Ines' });
    const kase = await createCase(agentA, { customerId: customer.id, subject: 'My toaster arrived broken', description: 'I would like a refund please.' });
    const suggested = await suggestedArticles(agentA, kase.id);
    expect(suggested[0]?.id).toBe(refund.id);
    expect(await linkArticleToCase(agentA, kase.id, refund.id)).toBe(true);
    expect(await linkArticleToCase(agentA, kase.id, refund.id)).toBe(false);
    expect((await linkedArticles(agentB, kase.id)).map((a) => a.id)).toEqual([refund.id]);
    expect((await suggestedArticles(agentA, kase.id)).map((h) => h.id)).not.toContain(refund.id);
    expect(await unlinkArticleFromCase(agentA, kase.id, refund.id)).toBe(true);
    expect(await unlinkArticleFromCase(agentA, kase.id, refund.id)).toBe(false);
    expect(await linkedArticles(agentA, kase.id)).toEqual([]);
    const draft = await createArticle(agentA, { title: 'Toaster draft', body: 'toaster', visibility: 'DRAFT' });
    await expect(linkArticleToCase(agentB, kase.id, draft.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(suggestedArticles(agentA, 'no-such-case')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(linkArticleToCase(as(data, TENANT, 'integrator', 'key-int'), kase.id, refund.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('deflection', () => {
  it('counts a search or view with no case from that visitor within the window, and not one followed by a case', async () => {
    const customer = await createCustomer(admin, { name: 'Olu' });
    const kase = await createCase(admin, { customerId: customer.id, subject: 'Help' });
    const t = kase.createdAt.getTime();
    const at = (offsetH: number) => new Date(t + offsetH * 3_600_000);
    await recordKnowledgeActivity(data, { visitor: 'anon-deflected-1', kind: 'SEARCH', at: at(-2) });
    await recordKnowledgeActivity(data, { visitor: 'anon-deflected-1', kind: 'VIEW', articleId: 'a1', at: at(-1.9) });
    await recordKnowledgeActivity(data, { visitor: 'anon-case-after', kind: 'SEARCH', at: at(-3) });
    await recordKnowledgeActivity(data, { visitor: 'anon-case-after', kind: 'CASE', at: at(-1) });
    // Signed in: their case from any channel counts against the search (the case above, 2 h later).
    await recordKnowledgeActivity(data, { visitor: 'session-olu-1', customerId: customer.id, kind: 'SEARCH', at: at(-2) });
    // A case 30 h later is outside the 24 h window: still deflected.
    await recordKnowledgeActivity(data, { visitor: 'session-olu-2', customerId: customer.id, kind: 'SEARCH', at: at(-30) });
    // Another visitor's case does not count against this one.
    await recordKnowledgeActivity(data, { visitor: 'anon-deflected-2', kind: 'SEARCH', at: at(-2.5) });
    // Still inside its window at `now`: pending, not counted.
    await recordKnowledgeActivity(data, { visitor: 'anon-too-recent', kind: 'SEARCH', at: at(47) });

    const now = at(48);
    const stats = await deflectionRate({ data }, at(-40), at(48), { now });
    expect(stats).toEqual({ events: 6, deflected: 4, rate: 4 / 6, pending: 1 });
    // With a 48 h window the case 30 h later counts against that search too.
    expect(await deflectionRate({ data }, at(-40), at(0), { now, windowMs: 48 * 3_600_000 })).toMatchObject({ events: 6, deflected: 3 });
    // Only the period asked for.
    expect(await deflectionRate({ data }, at(-1.95), at(-1.5), { now })).toEqual({ events: 1, deflected: 1, rate: 1, pending: 0 });
    expect(await deflectionRate({ data }, at(100), at(101), { now })).toEqual({ events: 0, deflected: 0, rate: null, pending: 0 });
    await expect(deflectionRate({ data }, at(1), at(0))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(recordKnowledgeActivity(data, { visitor: 'x', kind: 'SEARCH' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(recordKnowledgeActivity(data, { visitor: 'anon-<script>', kind: 'VIEW' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    // Another tenant has none of it.
    expect(await deflectionRate({ data: other }, at(-40), at(48), { now })).toMatchObject({ events: 0 });
  });
});

describe('tenant isolation', () => {
  it('answers another tenant\'s article, versions and cases as NOT_FOUND and never finds them', async () => {
    const mine = await createArticle(admin, { title: 'Tenant secret procedure', body: 'isolation marker', visibility: 'PUBLIC' });
    const theirs = await createArticle(otherAdmin, { title: 'Other tenant article', body: 'isolation marker', visibility: 'PUBLIC' });
    await expect(getArticle(otherAdmin, mine.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listVersions(otherAdmin, mine.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(restoreVersion(otherAdmin, mine.id, 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rateArticle(otherAdmin, { articleId: mine.id, helpful: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await titles(staffReader(otherAdmin), { query: 'isolation marker' })).toEqual(['Other tenant article']);
    expect(await titles(portal(), { query: 'isolation marker' })).toEqual(['Tenant secret procedure']);
    const customer = await createCustomer(otherAdmin, { name: 'Zed' });
    const theirCase = await createCase(otherAdmin, { customerId: customer.id, subject: 'isolation marker' });
    await expect(linkArticleToCase(otherAdmin, theirCase.id, mine.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(linkArticleToCase(admin, theirCase.id, theirs.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await suggestedArticles(otherAdmin, theirCase.id)).map((h) => h.id)).toEqual([theirs.id]);
  });
});
