import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { knowledgeArticleVersions } from '../../db/tenant-schema.js';
import { notFound } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import { readableArticle, writeArticleVersion, type KnowledgeArticle } from '../knowledge.js';
import { emitEvent } from '../outbox.js';

export type ArticleVersion = typeof knowledgeArticleVersions.$inferSelect;

/** How many versions one read answers at most (the newest). */
export const MAX_VERSIONS = 100;

const versionNumber = z.number().int().min(1).max(1_000_000);

/** An article's versions, newest first (at most MAX_VERSIONS); NOT_FOUND if the caller may not read the article. */
export async function listVersions(ctx: TenantContext, articleId: string, first = MAX_VERSIONS): Promise<ArticleVersion[]> {
  await readableArticle(ctx, ctx.data.db, articleId);
  const limit = parseInput(z.number().int().min(1).max(MAX_VERSIONS), first);
  return ctx.data.db.select().from(knowledgeArticleVersions).where(eq(knowledgeArticleVersions.articleId, articleId))
    .orderBy(desc(knowledgeArticleVersions.version)).limit(limit);
}

/** One version of an article; NOT_FOUND for a version it never had. */
export async function getVersion(ctx: TenantContext, articleId: string, version: number): Promise<ArticleVersion> {
  await readableArticle(ctx, ctx.data.db, articleId);
  const n = parseInput(versionNumber, version);
  const [row] = await ctx.data.db.select().from(knowledgeArticleVersions)
    .where(and(eq(knowledgeArticleVersions.articleId, articleId), eq(knowledgeArticleVersions.version, n))).limit(1);
  if (!row) throw notFound('KnowledgeArticleVersion');
  return row;
}

/**
 * Makes an old version current again: its title, body, visibility, language and tags become the
 * article's next version (history is never rewritten; the restore is itself a version).
 */
export async function restoreVersion(ctx: TenantContext, articleId: string, version: number): Promise<KnowledgeArticle> {
  assertCanWrite(ctx);
  const n = parseInput(versionNumber, version);
  return ctx.data.write(async (tx) => {
    const current = await readableArticle(ctx, tx, articleId);
    const [old] = await tx.select().from(knowledgeArticleVersions)
      .where(and(eq(knowledgeArticleVersions.articleId, articleId), eq(knowledgeArticleVersions.version, n))).limit(1);
    if (!old) throw notFound('KnowledgeArticleVersion');
    const { title, body, visibility, locale, tags } = old;
    const next: KnowledgeArticle = { ...current, title, body, visibility, locale, tags, version: current.version + 1, updatedAt: new Date() };
    await writeArticleVersion(tx, ctx, next);
    await emitEvent(tx, ctx.actor, 'knowledge.article_restored', articleId, { restoredVersion: n, version: next.version });
    return next;
  });
}
