import type { TenantTx } from '../../db/tenant-db.js';
import { knowledgeArticleVersions, knowledgeArticles } from '../../db/tenant-schema.js';

/** Appends the article's current state as its version `article.version`. */
export async function saveVersion(tx: TenantTx, article: typeof knowledgeArticles.$inferSelect, author: string): Promise<void> {
  const { id: articleId, version, title, body, visibility, locale, tags, updatedAt: createdAt } = article;
  await tx.insert(knowledgeArticleVersions).values({ articleId, version, title, body, visibility, locale, tags, author, createdAt });
}
