import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { caseArticles, cases, knowledgeArticles } from '../../db/tenant-schema.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import { readableArticle, type KnowledgeArticle } from '../knowledge.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { staffReader, visibleTo } from './access.js';
import { MAX_QUERY_TERMS, searchTerms } from './fts-query.js';
import { searchArticles, type ArticleHit } from './search.js';

/** How many articles one case may have linked (a case cites a few answers, not a library). */
export const MAX_LINKED_ARTICLES = 50;
export const MAX_SUGGESTIONS = 20;

/**
 * Links an article the agent may read to a case. Linking twice changes nothing (answers false).
 * CONFLICT-free by design: the pair is the key, so a double click cannot link twice.
 */
export async function linkArticleToCase(ctx: TenantContext, caseId: string, articleId: string): Promise<boolean> {
  assertCanWrite(ctx);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, cases, caseId, 'Case');
    await readableArticle(ctx, tx, articleId);
    const inserted = await tx.insert(caseArticles).values({ caseId, articleId, linkedBy: ctx.actor, createdAt: new Date() })
      .onConflictDoNothing().returning({ caseId: caseArticles.caseId });
    if (inserted.length === 0) return false;
    await emitEvent(tx, ctx.actor, 'knowledge.article_linked', articleId, { caseId });
    return true;
  });
}

/** Removes a link; answers false when there was none. */
export async function unlinkArticleFromCase(ctx: TenantContext, caseId: string, articleId: string): Promise<boolean> {
  assertCanWrite(ctx);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, cases, caseId, 'Case');
    await readableArticle(ctx, tx, articleId);
    const removed = await tx.delete(caseArticles).where(and(eq(caseArticles.caseId, caseId), eq(caseArticles.articleId, articleId)))
      .returning({ caseId: caseArticles.caseId });
    if (removed.length === 0) return false;
    await emitEvent(tx, ctx.actor, 'knowledge.article_unlinked', articleId, { caseId });
    return true;
  });
}

/** The articles linked to a case that the caller may read, the most recently linked first. */
export async function linkedArticles(ctx: TenantContext, caseId: string): Promise<KnowledgeArticle[]> {
  const rows = await ctx.data.db.select({ article: knowledgeArticles }).from(caseArticles)
    .innerJoin(knowledgeArticles, eq(knowledgeArticles.id, caseArticles.articleId))
    .where(and(eq(caseArticles.caseId, caseId), visibleTo(staffReader(ctx))))
    .orderBy(desc(caseArticles.createdAt)).limit(MAX_LINKED_ARTICLES);
  return rows.map((r) => r.article);
}

/**
 * The words a case's text is searched by: its MAX_QUERY_TERMS longest distinct words of three
 * letters or more. Short words ("my", "is", "can") are in most articles and only slow an any-word
 * search; longer ones tend to name the problem ("refund", "tracking").
 */
export function suggestionQuery(text: string): string {
  const words = searchTerms(text.slice(0, 20_000), 1_000).filter((w) => [...w].length >= 3);
  return words.map((w, i) => ({ w, i })).sort((a, b) => b.w.length - a.w.length || a.i - b.i)
    .slice(0, MAX_QUERY_TERMS).sort((a, b) => a.i - b.i).map((x) => x.w).join(' ');
}

/**
 * Articles that may answer a case: the same search as everywhere, over the words of its subject
 * and description (any word, the best first), without the ones already linked.
 */
export async function suggestedArticles(ctx: TenantContext, caseId: string, first = 5): Promise<ArticleHit[]> {
  const limit = parseInput(z.number().int().min(1).max(MAX_SUGGESTIONS), first);
  const found = await requireRow(ctx.data.db, cases, caseId, 'Case');
  const query = suggestionQuery(`${found.subject} ${found.description ?? ''}`);
  const linked = new Set((await ctx.data.db.select({ id: caseArticles.articleId }).from(caseArticles)
    .where(eq(caseArticles.caseId, caseId)).limit(MAX_LINKED_ARTICLES)).map((r) => r.id));
  const hits = await searchArticles(staffReader(ctx), { query, match: 'any', first: Math.min(limit + linked.size, 50) });
  return hits.filter((h) => !linked.has(h.id)).slice(0, limit);
}
