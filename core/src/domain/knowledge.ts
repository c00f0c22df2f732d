import { eq, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { articleRatings, customers, knowledgeArticles, ARTICLE_STATUSES } from '../db/tenant-schema.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { likeText, pageOfRows, requireRow } from './rows.js';

export type KnowledgeArticle = typeof knowledgeArticles.$inferSelect;
export type ArticleRating = typeof articleRatings.$inferSelect;

const tags = z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20);

export const createArticleInput = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().min(1).max(200_000),
  status: z.enum(ARTICLE_STATUSES).default('DRAFT'),
  locale: z.string().trim().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale such as en or en-GB').default('en'),
  tags: tags.default([]),
});
export const updateArticleInput = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  body: z.string().min(1).max(200_000).optional(),
  status: z.enum(ARTICLE_STATUSES).optional(),
  tags: tags.optional(),
}).refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export const rateArticleInput = z.object({
  articleId: z.string(),
  helpful: z.boolean(),
  comment: z.string().trim().max(2000).nullish(),
  customerId: z.string().nullish(),
});

export interface ArticleFilter {
  status?: KnowledgeArticle['status'] | null;
  search?: string | null;
}

export function getArticle(ctx: TenantContext, id: string): Promise<KnowledgeArticle> {
  return requireRow(ctx.data.db, knowledgeArticles, id, 'KnowledgeArticle');
}

export async function listArticles(ctx: TenantContext, args: PageArgs & { filter?: ArticleFilter | null }): Promise<Connection<KnowledgeArticle>> {
  const f = args.filter ?? {};
  const where: (SQL | undefined)[] = [];
  if (f.status) where.push(eq(knowledgeArticles.status, f.status));
  const term = f.search?.trim();
  if (term) where.push(or(likeText(knowledgeArticles.title, term, 'contains'), likeText(knowledgeArticles.body, term, 'contains')));
  return pageOfRows(ctx.data.db, knowledgeArticles, where, {
    sort: knowledgeArticles.createdAt, id: knowledgeArticles.id, direction: 'desc', sortValue: (a) => timeKey(a.createdAt),
  }, args);
}

export async function createArticle(ctx: TenantContext, raw: unknown): Promise<KnowledgeArticle> {
  assertCanWrite(ctx);
  const input = parseInput(createArticleInput, raw);
  return ctx.data.write(async (tx) => {
    const now = new Date();
    const article: KnowledgeArticle = { id: newId(), ...input, helpfulCount: 0, notHelpfulCount: 0, createdAt: now, updatedAt: now };
    await tx.insert(knowledgeArticles).values(article);
    await emitEvent(tx, ctx.actor, 'knowledge.article_created', article.id, { title: article.title, status: article.status });
    return article;
  });
}

export async function updateArticle(ctx: TenantContext, id: string, raw: unknown): Promise<KnowledgeArticle> {
  assertCanWrite(ctx);
  const input = parseInput(updateArticleInput, raw);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, knowledgeArticles, id, 'KnowledgeArticle');
    const changes = { ...input, updatedAt: new Date() };
    await tx.update(knowledgeArticles).set(changes).where(eq(knowledgeArticles.id, id));
    await emitEvent(tx, ctx.actor, 'knowledge.article_updated', id, { fields: Object.keys(input) });
    return { ...current, ...changes };
  });
}

/** Records a rating and keeps the article's counters in step in the same transaction. */
export async function rateArticle(ctx: TenantContext, raw: unknown): Promise<{ article: KnowledgeArticle; rating: ArticleRating }> {
  assertCanWrite(ctx);
  const input = parseInput(rateArticleInput, raw);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, knowledgeArticles, input.articleId, 'KnowledgeArticle');
    if (input.customerId) await requireRow(tx, customers, input.customerId, 'Customer');
    const rating: ArticleRating = {
      id: newId(), articleId: input.articleId, customerId: input.customerId ?? null,
      helpful: input.helpful, comment: input.comment ?? null, createdAt: new Date(),
    };
    await tx.insert(articleRatings).values(rating);
    const counter = input.helpful ? knowledgeArticles.helpfulCount : knowledgeArticles.notHelpfulCount;
    const [article] = await tx.update(knowledgeArticles)
      .set(input.helpful ? { helpfulCount: sql`${counter} + 1` } : { notHelpfulCount: sql`${counter} + 1` })
      .where(eq(knowledgeArticles.id, input.articleId)).returning();
    await emitEvent(tx, ctx.actor, 'knowledge.article_rated', input.articleId, { helpful: input.helpful });
    return { article: article!, rating };
  });
}
