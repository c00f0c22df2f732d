import { and, desc, sql, type SQL } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { knowledgeArticles } from '../../db/tenant-schema.js';
import { parseInput } from '../../lib/validate.js';
import { visibleTo, type KnowledgeReader } from './access.js';
import { ftsQuery, searchTerms } from './fts-query.js';
import { inLanguage, languageParts, languageTag, primaryLanguage } from './language.js';

/** An article as a result list shows it (a short opening, not the body), with why it ranks where it does. */
export interface ArticleHit {
  id: string;
  title: string;
  snippet: string;
  locale: string;
  visibility: (typeof knowledgeArticles.$inferSelect)['visibility'];
  updatedAt: Date;
  /** Text relevance: bm25 of the words in title (weighted 8) and body, higher is better; 0 without a query. */
  textScore: number;
  /** The stored Wilson lower bound of the article's helpful votes (0 to 1). */
  helpfulness: number;
  /** What hits are sorted by (after language): textScore × (1 + HELPFULNESS_WEIGHT × helpfulness). */
  score: number;
}

/** How many hits a search answers at most; suggestions use fewer. */
export const MAX_SEARCH_HITS = 50;
/** The longest query read; the words beyond MAX_QUERY_TERMS are dropped anyway. */
export const MAX_QUERY_CHARS = 1_000;
export const SNIPPET_CHARS = 240;
/** How many of the newest matches a search ranks (bm25 costs per ranked article). */
export const RANK_WINDOW = 2_000;
/**
 * How much helpfulness lifts text relevance: a fully helpful article (bound near 1) counts up to
 * twice an unrated one of equal relevance. Multiplying keeps it independent of bm25's scale,
 * which varies with the query.
 */
export const HELPFULNESS_WEIGHT = 1.0;
/** The language shown after the visitor's own when they ask for one. */
export const DEFAULT_FALLBACK_LANGUAGE = 'en';

export const knowledgeSearchInput = z.object({
  query: z.string().max(MAX_QUERY_CHARS).default(''),
  /**
   * The reader's language: its articles (regional forms included) come first, then the fallback
   * language's; articles in other languages are left out. None: every language, by score.
   */
  language: languageTag.nullish(),
  fallbackLanguage: languageTag.default(DEFAULT_FALLBACK_LANGUAGE),
  first: z.number().int().min(1).max(MAX_SEARCH_HITS).default(20),
  /** `all`: every word must occur (search); `any`: one is enough, the best first (suggestions). */
  match: z.enum(['all', 'any']).default('all'),
});
export type KnowledgeSearchInput = z.input<typeof knowledgeSearchInput>;

/**
 * The FTS5 index over articles' title and body (migration 0007_knowledge_search, kept in step by
 * triggers). Declared here, not in the schema: drizzle-kit must not try to create it as a table.
 * It maps to articles by their implicit rowid, which a VACUUM may renumber: after one, rebuild it
 * with `INSERT INTO knowledge_articles_fts(knowledge_articles_fts) VALUES('rebuild')`.
 */
const articlesFts = sqliteTable('knowledge_articles_fts', { rowid: integer('rowid'), title: text('title'), body: text('body') });

const columns = {
  id: knowledgeArticles.id,
  title: knowledgeArticles.title,
  snippet: sql<string>`substr(${knowledgeArticles.body}, 1, ${SNIPPET_CHARS})`,
  locale: knowledgeArticles.locale,
  visibility: knowledgeArticles.visibility,
  updatedAt: knowledgeArticles.updatedAt,
  helpfulness: knowledgeArticles.helpfulness,
};

/** The language condition and the "own language first" order term for a search. */
function languageRules(language: string | null | undefined, fallback: string): { where?: SQL; first?: SQL } {
  if (!language) return {};
  const own = inLanguage(language);
  const where = primaryLanguage(language) === primaryLanguage(fallback) ? own : sql`(${own} or ${inLanguage(fallback)})`;
  return { where, first: desc(sql`(${own})`) };
}

/**
 * The one knowledge search, for the API, the console and the portal: the articles `reader` may
 * read that contain the words of `query` (see searchTerms: typed syntax is never FTS syntax),
 * ranked in SQL by bm25 text relevance blended with the stored helpfulness, the reader's language
 * first. A common word matches most articles; only the newest RANK_WINDOW matches are ranked.
 * An empty query lists the newest articles, the reader's language first.
 */
export async function searchArticles(reader: KnowledgeReader, raw: KnowledgeSearchInput): Promise<ArticleHit[]> {
  const input = parseInput(knowledgeSearchInput, raw);
  const words = searchTerms(input.query);
  const lang = languageRules(input.language, input.fallbackLanguage);
  const db = reader.data.db;
  if (words.length === 0) return newest(reader, input.first, input.language, input.fallbackLanguage);
  const matches = db.select({
    rowid: sql<number>`${articlesFts}.rowid`.as('match_rowid'),
    bm25: sql<number>`bm25(${articlesFts}, 8.0, 1.0)`.as('match_bm25'),
  }).from(articlesFts)
    .where(sql`${articlesFts} match ${ftsQuery(words, input.match)}`)
    .orderBy(sql`${articlesFts}.rowid desc`).limit(RANK_WINDOW).as('matches');
  // bm25 is negative, lower is better: its negation is the text score.
  const textScore = sql<number>`(-${matches.bm25})`;
  const score = sql<number>`(-${matches.bm25}) * (1.0 + ${HELPFULNESS_WEIGHT} * ${knowledgeArticles.helpfulness})`;
  // CROSS JOIN keeps the matches as the outer loop (each one article looked up by rowid): left to
  // itself the planner walks every visible article of the language and probes the matches.
  return db.select({ ...columns, textScore, score }).from(matches)
    .crossJoin(knowledgeArticles)
    .where(and(sql`${knowledgeArticles}.rowid = ${matches.rowid}`, visibleTo(reader), lang.where))
    .orderBy(...(lang.first ? [lang.first] : []), desc(score), desc(knowledgeArticles.createdAt))
    .limit(input.first);
}

/**
 * The newest articles, the reader's language first. Each language is two index walks in date
 * order (the plain tag, then regional forms) merged here, instead of sorting every article.
 */
async function newest(reader: KnowledgeReader, first: number, language: string | null | undefined, fallback: string): Promise<ArticleHit[]> {
  const walk = (where: SQL | undefined, limit: number) => reader.data.db
    .select({ ...columns, createdAt: knowledgeArticles.createdAt, textScore: sql<number>`0.0`, score: sql<number>`0.0` }).from(knowledgeArticles)
    .where(and(visibleTo(reader), where))
    .orderBy(desc(knowledgeArticles.createdAt), desc(knowledgeArticles.id)).limit(limit);
  const walkLanguage = async (tag: string, limit: number) => {
    const [plain, regional] = await Promise.all(languageParts(tag).map((part) => walk(part, limit)));
    return [...plain!, ...regional!].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).slice(0, limit);
  };
  if (!language) return strip(await walk(undefined, first));
  const own = await walkLanguage(language, first);
  if (own.length === first || primaryLanguage(language) === primaryLanguage(fallback)) return strip(own);
  return strip([...own, ...(await walkLanguage(fallback, first - own.length))]);
}

/** Hits without the sort key the merge needed. */
const strip = (rows: (ArticleHit & { createdAt: Date })[]): ArticleHit[] => rows.map(({ createdAt: _, ...hit }) => hit);
