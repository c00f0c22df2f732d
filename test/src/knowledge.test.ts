/**
 * The knowledge base over real HTTP: the ranked search and why each hit ranks (textScore,
 * helpfulness), visibility per key, versions and restore, articles on cases and suggestions,
 * deflection for admins, typed FTS syntax, and another tenant's ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domain } from '@mosaic/core';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { create, expectError, ok, uniqueSlug } from './fixtures.js';

let tp: TestPlatform;
let admin: Client & { tenantId: string };
let agent: Client;
let otherAgent: Client;
let foreign: Client & { tenantId: string };

beforeAll(async () => {
  tp = await startTestPlatform();
  admin = await tp.tenant(uniqueSlug('kb'));
  agent = await tp.keyFor(admin.tenantId, 'agent');
  otherAgent = await tp.keyFor(admin.tenantId, 'agent');
  foreign = await tp.tenant(uniqueSlug('kb-other'));
});
afterAll(() => tp?.close());

const SEARCH = `query($q: String!, $language: String, $match: KnowledgeSearchMatch) {
  searchKnowledge(query: $q, language: $language, match: $match) { article { id title visibility } snippet textScore helpfulness score } }`;
const search = async (client: Client, q: string, vars: Record<string, unknown> = {}) => ok(await client.gql(SEARCH, { q, ...vars })).searchKnowledge as any[];
const CREATE = `mutation($i: CreateKnowledgeArticleInput!) { createKnowledgeArticle(input: $i) { article { id visibility status locale version helpfulness } } }`;
const article = async (client: Client, input: Record<string, unknown>) => ok(await client.gql(CREATE, { i: input })).createKnowledgeArticle.article;
const rate = (client: Client, articleId: string, helpful: boolean) =>
  client.gql(`mutation($i: RateKnowledgeArticleInput!) { rateKnowledgeArticle(input: $i) { article { id helpfulness } } }`, { i: { articleId, helpful } });

describe('knowledge search over GraphQL', () => {
  it('ranks by text relevance blended with helpfulness and explains each hit', async () => {
    const older = await article(admin, { title: 'Cleaning the espresso machine', body: 'Run a descaler through it monthly.', visibility: 'PUBLIC' });
    const newer = await article(admin, { title: 'Cleaning the espresso machine', body: 'Run a descaler through it monthly.', visibility: 'PUBLIC' });
    expect(older).toMatchObject({ visibility: 'PUBLIC', status: 'PUBLISHED', version: 1, helpfulness: 0 });
    expect((await search(agent, 'espresso')).map((h) => h.article.id)).toEqual([newer.id, older.id]);
    for (let i = 0; i < 12; i++) ok(await rate(admin, older.id, true));
    const hits = await search(agent, 'espresso');
    expect(hits.map((h) => h.article.id)).toEqual([older.id, newer.id]);
    expect(hits[0].helpfulness).toBeGreaterThan(0.7);
    expect(hits[0].textScore).toBeCloseTo(hits[1].textScore, 9);
    expect(hits[0].score).toBeCloseTo(hits[0].textScore * (1 + hits[0].helpfulness), 9);
    expect(hits[0].snippet).toBe('Run a descaler through it monthly.');
  });

  it('answers typed FTS syntax as plain words, never as an error', async () => {
    for (const q of ['"espresso', 'espresso AND', 'NEAR(espresso', '*', 'espresso)', '(((', 'title:espresso', '-espresso', '^']) {
      ok(await admin.gql(SEARCH, { q }));
      ok(await admin.gql(SEARCH, { q, match: 'ANY' }));
    }
    expect((await search(admin, 'espresso)', { match: 'ANY' })).length).toBeGreaterThan(0);
    expectError(await admin.gql(SEARCH, { q: 'espresso', language: 'not a language' }), 'BAD_USER_INPUT');
  });

  it('shows each key what it may read: drafts to their author and admins, internal articles to agents', async () => {
    const draft = await article(agent, { title: 'Grinder recall draft', body: 'grinder recall', visibility: 'DRAFT' });
    await article(admin, { title: 'Grinder recall internal', body: 'grinder recall', visibility: 'INTERNAL' });
    const titles = async (client: Client) => (await search(client, 'grinder recall')).map((h) => h.article.title).sort();
    expect(await titles(agent)).toEqual(['Grinder recall draft', 'Grinder recall internal']);
    expect(await titles(otherAgent)).toEqual(['Grinder recall internal']);
    expect(await titles(admin)).toEqual(['Grinder recall draft', 'Grinder recall internal']);
    expectError(await otherAgent.gql(`query($id: ID!) { knowledgeArticle(id: $id) { id } }`, { id: draft.id }), 'NOT_FOUND');
    const viaNode = ok(await otherAgent.gql(`query($id: ID!) { nodes(ids: [$id]) { id } }`, { id: draft.id }));
    expect(viaNode.nodes).toEqual([null]);
  });
});

describe('versions over GraphQL', () => {
  it('lists versions and restores one', async () => {
    const a = await article(admin, { title: 'Loyalty points v1', body: 'Points expire after a year.', visibility: 'INTERNAL', locale: 'en-gb' });
    expect(a.locale).toBe('en-GB');
    ok(await admin.gql(`mutation($i: UpdateKnowledgeArticleInput!) { updateKnowledgeArticle(input: $i) { article { id } } }`,
      { i: { id: a.id, title: 'Loyalty points v2', body: 'Points never expire.', visibility: 'PUBLIC' } }));
    const VERSIONS = `query($id: ID!) { knowledgeArticle(id: $id) { title version visibility versions { version title visibility author } } }`;
    const before = ok(await admin.gql(VERSIONS, { id: a.id })).knowledgeArticle;
    expect(before).toMatchObject({ title: 'Loyalty points v2', version: 2, visibility: 'PUBLIC' });
    expect(before.versions.map((v: any) => [v.version, v.title, v.visibility])).toEqual([[2, 'Loyalty points v2', 'PUBLIC'], [1, 'Loyalty points v1', 'INTERNAL']]);
    expect(before.versions[0].author).toEqual(expect.any(String));
    const RESTORE = `mutation($i: RestoreKnowledgeArticleVersionInput!) { restoreKnowledgeArticleVersion(input: $i) { article { title version visibility } } }`;
    expect(ok(await agent.gql(RESTORE, { i: { articleId: a.id, version: 1 } })).restoreKnowledgeArticleVersion.article)
      .toEqual({ title: 'Loyalty points v1', version: 3, visibility: 'INTERNAL' });
    expectError(await agent.gql(RESTORE, { i: { articleId: a.id, version: 9 } }), 'NOT_FOUND');
    expectError(await agent.gql(RESTORE, { i: { articleId: a.id, version: 0 } }), 'BAD_USER_INPUT');
    expectError(await foreign.gql(RESTORE, { i: { articleId: a.id, version: 1 } }), 'NOT_FOUND');
  });
});

describe('articles on cases over GraphQL', () => {
  it('links and unlinks articles, suggests them from the case text, and keeps tenants apart', async () => {
    const refund = await article(admin, { title: 'Refund for a cracked mug', body: 'Send a photo of the cracked mug for a refund.', visibility: 'PUBLIC' });
    const customer = (await create(admin, 'createCustomer', { name: 'Mia' })).customer.id;
    const kase = (await create(admin, 'createCase', { customerId: customer, subject: 'Mug arrived cracked', description: 'Can I get a refund?' })).case.id;
    const CASE = `query($id: ID!) { case(id: $id) { linkedArticles { id } suggestedArticles(first: 3) { article { id } textScore helpfulness score } } }`;
    const before = ok(await agent.gql(CASE, { id: kase })).case;
    expect(before.linkedArticles).toEqual([]);
    expect(before.suggestedArticles[0].article.id).toBe(refund.id);
    expect(before.suggestedArticles[0].textScore).toBeGreaterThan(0);
    const LINK = `mutation($i: CaseArticleInput!) { linkKnowledgeArticle(input: $i) { changed case { id } article { id } } }`;
    const UNLINK = `mutation($i: CaseArticleInput!) { unlinkKnowledgeArticle(input: $i) { changed } }`;
    expect(ok(await agent.gql(LINK, { i: { caseId: kase, articleId: refund.id } })).linkKnowledgeArticle).toEqual({ changed: true, case: { id: kase }, article: { id: refund.id } });
    expect(ok(await agent.gql(LINK, { i: { caseId: kase, articleId: refund.id } })).linkKnowledgeArticle.changed).toBe(false);
    const after = ok(await agent.gql(CASE, { id: kase })).case;
    expect(after.linkedArticles).toEqual([{ id: refund.id }]);
    expect(after.suggestedArticles.map((h: any) => h.article.id)).not.toContain(refund.id);
    expect(ok(await agent.gql(UNLINK, { i: { caseId: kase, articleId: refund.id } })).unlinkKnowledgeArticle.changed).toBe(true);
    expect(ok(await agent.gql(UNLINK, { i: { caseId: kase, articleId: refund.id } })).unlinkKnowledgeArticle.changed).toBe(false);
    // Another tenant's article or case is NOT_FOUND, like a missing one.
    const theirCustomer = (await create(foreign, 'createCustomer', { name: 'Max' })).customer.id;
    const theirCase = (await create(foreign, 'createCase', { customerId: theirCustomer, subject: 'cracked mug' })).case.id;
    expectError(await foreign.gql(LINK, { i: { caseId: theirCase, articleId: refund.id } }), 'NOT_FOUND');
    expectError(await agent.gql(LINK, { i: { caseId: theirCase, articleId: refund.id } }), 'NOT_FOUND');
    expect(ok(await foreign.gql(CASE, { id: theirCase })).case.suggestedArticles).toEqual([]);
    const integrator = await tp.keyFor(admin.tenantId, 'integrator');
    expectError(await integrator.gql(LINK, { i: { caseId: kase, articleId: refund.id } }), 'FORBIDDEN');
  });
});

describe('deflection over GraphQL', () => {
  it('answers admins the deflection of a period and refuses other keys', async () => {
    const data = await tp.platform.tenants.get(admin.tenantId);
    const base = Date.UTC(2026, 0, 10, 12);
    await domain.knowledgeBase.recordKnowledgeActivity(data, { visitor: 'anon-visitor-1', kind: 'SEARCH', at: new Date(base) });
    await domain.knowledgeBase.recordKnowledgeActivity(data, { visitor: 'anon-visitor-2', kind: 'VIEW', articleId: 'x', at: new Date(base + 60_000) });
    await domain.knowledgeBase.recordKnowledgeActivity(data, { visitor: 'anon-visitor-2', kind: 'CASE', at: new Date(base + 3_600_000) });
    const DEFLECTION = `query($from: DateTime!, $to: DateTime!, $w: Int) { knowledgeDeflection(from: $from, to: $to, windowHours: $w) { events deflected rate pending } }`;
    const vars = { from: new Date(base - 3_600_000).toISOString(), to: new Date(base + 3_600_000).toISOString() };
    expect(ok(await admin.gql(DEFLECTION, vars)).knowledgeDeflection).toEqual({ events: 2, deflected: 1, rate: 0.5, pending: 0 });
    expectError(await agent.gql(DEFLECTION, vars), 'FORBIDDEN');
    expectError(await admin.gql(DEFLECTION, { ...vars, w: 0 }), 'BAD_USER_INPUT');
    expect(ok(await foreign.gql(DEFLECTION, vars)).knowledgeDeflection.events).toBe(0);
  });
});
