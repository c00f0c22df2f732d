import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../db/tenant-db.js';
import { customers, knowledgeArticleVersions, knowledgeArticles } from '../db/tenant-schema.js';
import { newId } from '../lib/ids.js';
import type { TenantContext } from '../tenancy/context.js';
import { createArticle, updateArticle } from './knowledge.js';
import { ftsQuery } from './knowledge/fts-query.js';
import { getPublishedArticle, myArticleRating, rateArticleOnce, searchPublishedArticles } from './portal-knowledge.js';
import type { PortalCustomer, PortalTenant } from './portal-customer.js';

let dir: string;
let databases: TenantDatabases;
let data: TenantDb;
let tenant: PortalTenant;
let admin: TenantContext;

async function customer(): Promise<PortalCustomer> {
  const id = newId();
  const now = new Date();
  await data.write((tx) => tx.insert(customers).values({ id, name: 'C', status: 'ACTIVE', createdAt: now, updatedAt: now }));
  return { ...tenant, userId: newId(), customerId: id };
}
const titles = async (query: string, locale = 'en') => (await searchPublishedArticles(tenant, { query, locale })).map((h) => h.title);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-portal-knowledge-'));
  databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  const tenantId = '22222222-2222-4222-8222-222222222222';
  data = await databases.provision(tenantId);
  tenant = { tenantId, tenantSlug: 'kb', data };
  admin = { tenantId, tenantSlug: 'kb', role: 'admin', actor: 'system', data };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('portal knowledge search', () => {
  it('finds published articles by every word (the last as a prefix), never drafts or archived ones', async () => {
    await createArticle(admin, { title: 'Refund a payment', body: 'Refunds reach your card within five days.', status: 'PUBLISHED' });
    await createArticle(admin, { title: 'Refund secrets', body: 'internal refund notes', status: 'DRAFT' });
    await createArticle(admin, { title: 'Old refund rules', body: 'no longer valid', status: 'ARCHIVED' });
    expect(await titles('refund')).toEqual(['Refund a payment']);
    expect(await titles('card fiv')).toEqual(['Refund a payment']);
    expect(await titles('card tomorrow')).toEqual([]);
  });

  it('reads punctuation and FTS syntax as nothing special', async () => {
    expect(ftsQuery(['a"b', 'c'])).toBe('"a""b" "c"*');
    expect(ftsQuery(['a', 'b'], 'any')).toBe('"a" OR "b"*');
    for (const q of ['"', 'refund AND', 'NEAR(refund', '*', '%_', 'refund)']) await expect(searchPublishedArticles(tenant, { query: q, locale: 'en' })).resolves.toBeDefined();
    expect(await titles('refund)')).toEqual(['Refund a payment']);
  });

  it('keeps the index in step with edits and deletes', async () => {
    const a = await createArticle(admin, { title: 'Change your address', body: 'Open settings.', status: 'PUBLISHED' });
    expect(await titles('address')).toEqual(['Change your address']);
    await updateArticle(admin, a.id, { title: 'Change your delivery details', body: 'Open the account page.' });
    expect(await titles('address')).toEqual([]);
    expect(await titles('delivery account')).toEqual(['Change your delivery details']);
    await data.write(async (tx) => {
      await tx.delete(knowledgeArticleVersions).where(eq(knowledgeArticleVersions.articleId, a.id));
      await tx.delete(knowledgeArticles).where(eq(knowledgeArticles.id, a.id));
    });
    expect(await titles('delivery')).toEqual([]);
  });

  it('puts the visitor\'s language first, regional forms included, then English; no other language', async () => {
    await createArticle(admin, { title: 'Invoice copy', body: 'Download the invoice.', status: 'PUBLISHED', locale: 'en' });
    await createArticle(admin, { title: 'Copia de la factura (invoice)', body: 'Descargue la factura.', status: 'PUBLISHED', locale: 'es-MX' });
    expect(await titles('invoice', 'es')).toEqual(['Copia de la factura (invoice)', 'Invoice copy']);
    expect(await titles('invoice', 'en')).toEqual(['Invoice copy']);
    await createArticle(admin, { title: 'Copie de facture (invoice)', body: 'Téléchargez la facture.', status: 'PUBLISHED', locale: 'fr' });
    expect(await titles('invoice', 'es')).toEqual(['Copia de la factura (invoice)', 'Invoice copy']);
    const newest = await titles('', 'es');
    expect(newest[0]).toBe('Copia de la factura (invoice)');
    expect(newest).not.toContain('Refund secrets');
  });

  it('matches any word for suggestions, the best first', async () => {
    const hits = await searchPublishedArticles(tenant, { query: 'where is my refund', locale: 'en', match: 'any' });
    expect(hits[0]?.title).toBe('Refund a payment');
    expect(await titles('where is my refund')).toEqual([]);
  });
});

describe('portal article ratings', () => {
  it('counts one answer per customer; a second changes nothing', async () => {
    const a = await createArticle(admin, { title: 'Rated', body: 'Body', status: 'PUBLISHED' });
    const ana = await customer();
    const bo = await customer();
    expect(await myArticleRating(ana, a.id)).toBeNull();
    expect(await rateArticleOnce(ana, a.id, true)).toEqual({ helpful: true, counted: true });
    expect(await rateArticleOnce(ana, a.id, false)).toEqual({ helpful: true, counted: false });
    await Promise.all([rateArticleOnce(bo, a.id, false), rateArticleOnce(bo, a.id, false)]);
    const after = await getPublishedArticle(tenant, a.id);
    expect([after.helpfulCount, after.notHelpfulCount]).toEqual([1, 1]);
    expect(await myArticleRating(ana, a.id)).toBe(true);
  });

  it('refuses drafts and missing articles as NOT_FOUND', async () => {
    const draft = await createArticle(admin, { title: 'Draft', body: 'Body' });
    const ana = await customer();
    await expect(rateArticleOnce(ana, draft.id, true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getPublishedArticle(tenant, draft.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rateArticleOnce(ana, newId(), true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
