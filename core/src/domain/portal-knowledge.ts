import { and, asc, desc, eq, gte, lt, ne, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { articleRatings, knowledgeArticles } from '../db/tenant-schema.js';
import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { emitEvent } from './outbox.js';
import type { KnowledgeArticle } from './knowledge.js';
import { actingFor, type PortalCustomer, type PortalTenant } from './portal-customer.js';

/** An article as a result list shows it: no full body, a short opening instead. */
export interface ArticleHit {
  id: string;
  title: string;
  snippet: string;
  locale: string;
  updatedAt: Date;
}

/** How many hits a search answers at most; suggestions while typing use fewer. */
export const MAX_SEARCH_HITS = 50;
const SNIPPET_CHARS = 240;
/** How many of the newest matches a search ranks by relevance (bm25 costs per ranked article). */
export const RANK_WINDOW = 2_000;

export const articleSearchInput = z.object({
  query: z.string().trim().max(200).default(''),
  /** The visitor's language: its articles come first (en matches en and en-GB). */
  locale: z.string().regex(/^[a-z]{2}$/),
  first: z.number().int().min(1).max(MAX_SEARCH_HITS).default(20),
  /** `all`: every word must occur (search); `any`: one is enough, the best first (suggestions). */
  match: z.enum(['all', 'any']).default('all'),
});

const published = eq(knowledgeArticles.status, 'PUBLISHED');

/**
 * The FTS5 index over articles' title and body (migration 0007_knowledge_search, kept in step by
 * triggers). Declared here, not in the schema: drizzle-kit must not try to create it as a table.
 * It maps to articles by their implicit rowid, which a VACUUM may renumber: after one, rebuild it
 * with `INSERT INTO knowledge_articles_fts(knowledge_articles_fts) VALUES('rebuild')`.
 */
const articlesFts = sqliteTable('knowledge_articles_fts', { rowid: integer('rowid'), title: text('title'), body: text('body') });

/** A word as an FTS5 string (quotes doubled), so no word is read as query syntax. */
const ftsString = (word: string) => `"${word.replace(/"/g, '""')}"`;

/**
 * The FTS5 query for what the visitor typed: every word (or any word) must occur, the last one
 * also as the start of a longer word (results follow the typing).
 */
export function ftsQuery(words: readonly string[], match: 'all' | 'any' = 'all'): string {
  return words.map((w, i) => (i === words.length - 1 ? `${ftsString(w)}*` : ftsString(w))).join(match === 'all' ? ' ' : ' OR ');
}

const hitColumns = {
  id: knowledgeArticles.id,
  title: knowledgeArticles.title,
  snippet: sql<string>`substr(${knowledgeArticles.body}, 1, ${SNIPPET_CHARS})`,
  locale: knowledgeArticles.locale,
  updatedAt: knowledgeArticles.updatedAt,
};

/**
 * Searches the PUBLISHED articles for the portal through the full-text index: every word of
 * `query` in the title or the body, articles in the visitor's language first, then by relevance
 * (title words weigh more) among the newest RANK_WINDOW matches. An empty query lists the newest, the visitor's language first.
 * Drafts and archived articles are never found.
 */
export async function searchPublishedArticles(tenant: PortalTenant, raw: z.input<typeof articleSearchInput>): Promise<ArticleHit[]> {
  const input = parseInput(articleSearchInput, raw);
  // Letters and digits only: punctuation is no word to the index and would only fail the query.
  const words = input.query.split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 8);
  // "es" and its regional forms ("es-MX") sort between "es" and "es." ("-" comes before ".").
  const inLanguage = and(gte(knowledgeArticles.locale, input.locale), lt(knowledgeArticles.locale, `${input.locale}.`))!;
  const db = tenant.data.db;
  if (words.length > 0) {
    // Ranking every match costs a bm25 per matching article, which is most of them for a common
    // word; the newest RANK_WINDOW matches (the index walks them in rowid order) are ranked instead.
    const matches = db.select({
      rowid: sql<number>`${articlesFts}.rowid`.as('match_rowid'),
      score: sql<number>`bm25(${articlesFts}, 8.0, 1.0)`.as('match_score'),
    }).from(articlesFts)
      .where(sql`${articlesFts} match ${ftsQuery(words, input.match)}`)
      .orderBy(sql`${articlesFts}.rowid desc`).limit(RANK_WINDOW).as('matches');
    return db.select(hitColumns).from(knowledgeArticles)
      .innerJoin(matches, sql`${knowledgeArticles}.rowid = ${matches.rowid}`)
      .where(published)
      .orderBy(desc(inLanguage), asc(matches.score), desc(knowledgeArticles.createdAt))
      .limit(input.first);
  }
  // Two index walks instead of sorting every published article by language.
  // The visitor's exact language walks the portal index in order; regional forms follow with the rest.
  const own = await db.select(hitColumns).from(knowledgeArticles).where(and(published, eq(knowledgeArticles.locale, input.locale)))
    .orderBy(desc(knowledgeArticles.createdAt), desc(knowledgeArticles.id)).limit(input.first);
  if (own.length === input.first) return own;
  const others = await db.select(hitColumns).from(knowledgeArticles).where(and(published, ne(knowledgeArticles.locale, input.locale)))
    .orderBy(desc(knowledgeArticles.createdAt), desc(knowledgeArticles.id)).limit(input.first - own.length);
  return [...own, ...others];
}

/** A published article; drafts, archived and missing ones are all NOT_FOUND. */
export async function getPublishedArticle(tenant: PortalTenant, id: string): Promise<KnowledgeArticle> {
  const [row] = await tenant.data.db.select().from(knowledgeArticles).where(and(eq(knowledgeArticles.id, id), published)).limit(1);
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
 * second tab cannot count twice). Checked and written in one transaction.
 */
export async function rateArticleOnce(customer: PortalCustomer, articleId: string, rawHelpful: unknown): Promise<{ helpful: boolean; counted: boolean }> {
  const { helpful } = parseInput(z.object({ helpful: z.boolean() }), { helpful: rawHelpful });
  const ctx = actingFor(customer);
  return customer.data.write(async (tx) => {
    const [article] = await tx.select({ id: knowledgeArticles.id }).from(knowledgeArticles)
      .where(and(eq(knowledgeArticles.id, articleId), published)).limit(1);
    if (!article) throw notFound('KnowledgeArticle');
    const [earlier] = await tx.select({ helpful: articleRatings.helpful }).from(articleRatings)
      .where(and(eq(articleRatings.articleId, articleId), eq(articleRatings.customerId, customer.customerId))).limit(1);
    if (earlier) return { helpful: earlier.helpful, counted: false };
    await tx.insert(articleRatings).values({ id: newId(), articleId, customerId: customer.customerId, helpful, comment: null, createdAt: new Date() });
    await tx.update(knowledgeArticles)
      .set(helpful ? { helpfulCount: sql`${knowledgeArticles.helpfulCount} + 1` } : { notHelpfulCount: sql`${knowledgeArticles.notHelpfulCount} + 1` })
      .where(eq(knowledgeArticles.id, articleId));
    await emitEvent(tx, ctx.actor, 'knowledge.article_rated', articleId, { helpful });
    return { helpful, counted: true };
  });
}
