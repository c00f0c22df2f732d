import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantTx } from '../db/tenant-db.js';
import { ARTICLE_VISIBILITIES, articleRatings, customers, knowledgeArticles } from '../db/tenant-schema.js';
import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { mayRead, staffReader, visibleTo } from './knowledge/access.js';
import { ftsQuery, searchTerms } from './knowledge/fts-query.js';
import { countVote } from './knowledge/helpfulness.js';
import { inLanguage, languageTag } from './knowledge/language.js';
import { saveVersion } from './knowledge/version-rows.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';

export type KnowledgeArticle = typeof knowledgeArticles.$inferSelect;
export type ArticleRating = typeof articleRatings.$inferSelect;
export type ArticleVisibility = KnowledgeArticle['visibility'];

/**
 * The status articles had before visibility (still accepted and answered by the API, deprecated):
 * PUBLISHED is PUBLIC; DRAFT and ARCHIVED (withdrawn) are DRAFT.
 */
export const ARTICLE_STATUSES = ['DRAFT', 'PUBLISHED', 'ARCHIVED'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];
const VISIBILITY_OF_STATUS: Record<ArticleStatus, ArticleVisibility> = { DRAFT: 'DRAFT', PUBLISHED: 'PUBLIC', ARCHIVED: 'DRAFT' };
export const visibilityOfStatus = (status: ArticleStatus): ArticleVisibility => VISIBILITY_OF_STATUS[status];
/** The deprecated status of a visibility: PUBLIC is PUBLISHED, anything customers do not see DRAFT. */
export const statusOfVisibility = (visibility: ArticleVisibility): ArticleStatus => (visibility === 'PUBLIC' ? 'PUBLISHED' : 'DRAFT');

const tags = z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20);
const title = z.string().trim().min(1).max(300);
const body = z.string().min(1).max(200_000);
/** visibility wins over the deprecated status when both are given. */
const withVisibility = <T extends { visibility?: ArticleVisibility | null; status?: ArticleStatus | null }>({ status, ...rest }: T) =>
  ({ ...rest, visibility: rest.visibility ?? (status ? visibilityOfStatus(status) : undefined) });

export const createArticleInput = z.object({
  title, body,
  visibility: z.enum(ARTICLE_VISIBILITIES).nullish(),
  status: z.enum(ARTICLE_STATUSES).nullish(),
  locale: languageTag.default('en'),
  tags: tags.default([]),
}).transform(withVisibility);
export const updateArticleInput = z.object({
  title: title.optional(),
  body: body.optional(),
  visibility: z.enum(ARTICLE_VISIBILITIES).nullish(),
  status: z.enum(ARTICLE_STATUSES).nullish(),
  locale: languageTag.optional(),
  tags: tags.optional(),
}).refine((v) => Object.values(v).some((x) => x !== undefined && x !== null), 'give at least one field to change').transform(withVisibility);
export const rateArticleInput = z.object({
  articleId: z.string(),
  helpful: z.boolean(),
  comment: z.string().trim().max(2000).nullish(),
  customerId: z.string().nullish(),
});

export interface ArticleFilter {
  visibility?: ArticleVisibility | null;
  /** Deprecated: mapped onto visibility. */
  status?: ArticleStatus | null;
  /** Articles in this language or its regional forms. */
  language?: string | null;
  /** Articles containing every word (full-text, the last word as a prefix). */
  search?: string | null;
}

/** The article if the caller may read it; a draft of someone else is NOT_FOUND like a missing one. */
export async function getArticle(ctx: TenantContext, id: string): Promise<KnowledgeArticle> {
  return readableArticle(ctx, ctx.data.db, id);
}

/** An article the caller may read, inside or outside a transaction. */
export async function readableArticle(ctx: TenantContext, db: TenantContext['data']['db'] | TenantTx, id: string): Promise<KnowledgeArticle> {
  const article = await requireRow(db, knowledgeArticles, id, 'KnowledgeArticle');
  if (!mayRead(staffReader(ctx), article)) throw notFound('KnowledgeArticle');
  return article;
}

/** Knowledge articles the caller may read, newest first; `search` uses the full-text index, not a scan. */
export async function listArticles(ctx: TenantContext, args: PageArgs & { filter?: ArticleFilter | null }): Promise<Connection<KnowledgeArticle>> {
  const f = args.filter ?? {};
  const where: (SQL | undefined)[] = [visibleTo(staffReader(ctx))];
  const visibility = f.visibility ?? (f.status ? visibilityOfStatus(f.status) : null);
  if (visibility) where.push(eq(knowledgeArticles.visibility, visibility));
  if (f.language) where.push(inLanguage(parseInput(languageTag, f.language)));
  if (f.search?.trim()) {
    // A search with no word in it (only punctuation, "%") finds nothing rather than everything.
    const words = searchTerms(f.search);
    where.push(words.length > 0
      ? sql`${knowledgeArticles}.rowid in (select rowid from knowledge_articles_fts where knowledge_articles_fts match ${ftsQuery(words)})`
      : sql`0`);
  }
  return pageOfRows(ctx.data.db, knowledgeArticles, where, {
    sort: knowledgeArticles.createdAt, id: knowledgeArticles.id, direction: 'desc', sortValue: (a) => timeKey(a.createdAt),
  }, args);
}

/** Writes an article and its version 1; the caller is its author (it sees it while it is a draft). */
export async function createArticle(ctx: TenantContext, raw: unknown): Promise<KnowledgeArticle> {
  assertCanWrite(ctx);
  const { visibility, ...input } = parseInput(createArticleInput, raw);
  return ctx.data.write(async (tx) => {
    const now = new Date();
    const article: KnowledgeArticle = {
      id: newId(), ...input, visibility: visibility ?? 'DRAFT', helpfulCount: 0, notHelpfulCount: 0, helpfulness: 0,
      version: 1, createdBy: ctx.actor, createdAt: now, updatedAt: now,
    };
    await tx.insert(knowledgeArticles).values(article);
    await saveVersion(tx, article, ctx.actor);
    await emitEvent(tx, ctx.actor, 'knowledge.article_created', article.id, { title: article.title, visibility: article.visibility });
    return article;
  });
}

/** Changes an article and records the result as its next version. */
export async function updateArticle(ctx: TenantContext, id: string, raw: unknown): Promise<KnowledgeArticle> {
  assertCanWrite(ctx);
  const input = parseInput(updateArticleInput, raw);
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null)) as Partial<KnowledgeArticle>;
  return ctx.data.write(async (tx) => {
    const current = await readableArticle(ctx, tx, id);
    const next: KnowledgeArticle = { ...current, ...changes, version: current.version + 1, updatedAt: new Date() };
    await writeArticleVersion(tx, ctx, next);
    await emitEvent(tx, ctx.actor, 'knowledge.article_updated', id, { fields: Object.keys(changes), version: next.version });
    return next;
  });
}

/** Stores `next` (its content, version number and time) over the article and appends it to its versions. */
export async function writeArticleVersion(tx: TenantTx, ctx: TenantContext, next: KnowledgeArticle): Promise<void> {
  const { title: t, body: b, visibility, locale, tags: tg, version, updatedAt } = next;
  await tx.update(knowledgeArticles).set({ title: t, body: b, visibility, locale, tags: tg, version, updatedAt }).where(eq(knowledgeArticles.id, next.id));
  await saveVersion(tx, next, ctx.actor);
}

/** Records a rating; the counters and the stored helpfulness change in the same transaction. */
export async function rateArticle(ctx: TenantContext, raw: unknown): Promise<{ article: KnowledgeArticle; rating: ArticleRating }> {
  assertCanWrite(ctx);
  const input = parseInput(rateArticleInput, raw);
  return ctx.data.write(async (tx) => {
    await readableArticle(ctx, tx, input.articleId);
    if (input.customerId) await requireRow(tx, customers, input.customerId, 'Customer');
    const rating: ArticleRating = {
      id: newId(), articleId: input.articleId, customerId: input.customerId ?? null,
      helpful: input.helpful, comment: input.comment ?? null, createdAt: new Date(),
    };
    await tx.insert(articleRatings).values(rating);
    await countVote(tx, input.articleId, input.helpful);
    await emitEvent(tx, ctx.actor, 'knowledge.article_rated', input.articleId, { helpful: input.helpful });
    return { article: await requireRow(tx, knowledgeArticles, input.articleId, 'KnowledgeArticle'), rating };
  });
}

/** Articles by id that the caller may read (for DataLoader); others are simply absent. */
export async function readableArticlesByIds(ctx: TenantContext, ids: readonly string[]): Promise<Map<string, KnowledgeArticle>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.data.db.select().from(knowledgeArticles).where(and(inArray(knowledgeArticles.id, [...ids]), visibleTo(staffReader(ctx))));
  return new Map(rows.map((r) => [r.id, r]));
}
