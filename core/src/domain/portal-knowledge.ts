import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { articleRatings, knowledgeArticles } from '../db/tenant-schema.js';
import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { publicReader } from './knowledge/access.js';
import { countVote } from './knowledge/helpfulness.js';
import { searchArticles, type ArticleHit } from './knowledge/search.js';
import { emitEvent } from './outbox.js';
import type { KnowledgeArticle } from './knowledge.js';
import { actingFor, type PortalCustomer, type PortalTenant } from './portal-customer.js';

export type { ArticleHit };

const articleSearchInput = z.object({
  query: z.string().trim().max(200).default(''),
  /** The visitor's language: its articles come first (en matches en and en-GB), then English ones. */
  locale: z.string().regex(/^[a-z]{2}$/),
  first: z.number().int().min(1).max(50).default(20),
  /** `all`: every word must occur (search); `any`: one is enough, the best first (suggestions). */
  match: z.enum(['all', 'any']).default('all'),
});

const isPublic = eq(knowledgeArticles.visibility, 'PUBLIC');

/**
 * Searches the PUBLIC articles for the portal: the knowledge search (searchArticles) as any
 * visitor sees it, the visitor's language first. Drafts and internal articles are never found.
 */
export async function searchPublishedArticles(tenant: PortalTenant, raw: z.input<typeof articleSearchInput>): Promise<ArticleHit[]> {
  const { locale, ...input } = parseInput(articleSearchInput, raw);
  return searchArticles(publicReader(tenant), { ...input, language: locale });
}

/** A public article; drafts, internal and missing ones are all NOT_FOUND. */
export async function getPublishedArticle(tenant: PortalTenant, id: string): Promise<KnowledgeArticle> {
  const [row] = await tenant.data.db.select().from(knowledgeArticles).where(and(eq(knowledgeArticles.id, id), isPublic)).limit(1);
  if (!row) throw notFound('KnowledgeArticle');
  return row;
}

/** The customer's answer to "was this helpful?" for an article, or null before they answered. */
export async function myArticleRating(customer: PortalCustomer, articleId: string): Promise<boolean | null> {
  const [row] = await customer.data.db.select({ helpful: articleRatings.helpful }).from(articleRatings)
    .where(and(eq(articleRatings.articleId, articleId), eq(articleRatings.customerId, customer.customerId))).limit(1);
  return row ? row.helpful : null;
}

/**
 * "Was this helpful?" from a signed-in customer: one answer per customer and article. The first
 * one counts; answering again changes nothing and answers the first (so a double click or a
 * second tab cannot count twice). Checked and written in one transaction, the article's stored
 * helpfulness with it.
 */
export async function rateArticleOnce(customer: PortalCustomer, articleId: string, rawHelpful: unknown): Promise<{ helpful: boolean; counted: boolean }> {
  const { helpful } = parseInput(z.object({ helpful: z.boolean() }), { helpful: rawHelpful });
  const ctx = actingFor(customer);
  return customer.data.write(async (tx) => {
    const [article] = await tx.select({ id: knowledgeArticles.id }).from(knowledgeArticles)
      .where(and(eq(knowledgeArticles.id, articleId), isPublic)).limit(1);
    if (!article) throw notFound('KnowledgeArticle');
    const [earlier] = await tx.select({ helpful: articleRatings.helpful }).from(articleRatings)
      .where(and(eq(articleRatings.articleId, articleId), eq(articleRatings.customerId, customer.customerId))).limit(1);
    if (earlier) return { helpful: earlier.helpful, counted: false };
    await tx.insert(articleRatings).values({ id: newId(), articleId, customerId: customer.customerId, helpful, comment: null, createdAt: new Date() });
    await countVote(tx, articleId, helpful);
    await emitEvent(tx, ctx.actor, 'knowledge.article_rated', articleId, { helpful });
    return { helpful, counted: true };
  });
}
