import { sql, type SQL } from 'drizzle-orm';
import type { InArgs } from '@libsql/client';
import { SQLiteAsyncDialect, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { TenantTx } from '../../db/tenant-db.js';
import { knowledgeArticles } from '../../db/tenant-schema.js';

/** z for a two-sided 95 % interval. */
const Z = 1.959963984540054;

type Count = AnySQLiteColumn | SQL;

/**
 * The lower bound of the 95 % Wilson score interval of `helpful` out of `helpful + notHelpful`
 * votes, as SQL (0 without votes). A few votes give a wide interval and so a low bound: 1 of 1
 * helpful is 0.21, 90 of 100 is 0.83, so a handful of votes never outranks many.
 */
export function wilsonLowerBound(helpful: Count, notHelpful: Count): SQL<number> {
  const n = sql`((${helpful}) + (${notHelpful}))`;
  const p = sql`((${helpful}) * 1.0 / ${n})`;
  const z2 = sql.raw(String(Z * Z));
  return sql<number>`(case when ${n} > 0 then
    (${p} + ${z2} / (2.0 * ${n}) - ${sql.raw(String(Z))} * sqrt((${p} * (1.0 - ${p}) + ${z2} / (4.0 * ${n})) / ${n})) / (1.0 + ${z2} / ${n})
    else 0.0 end)`;
}

/**
 * Counts one vote on an article and rewrites its stored helpfulness in the same statement, so
 * the counters and the bound never disagree, even under concurrent votes. Returns false when no
 * article has this id.
 */
export async function countVote(tx: TenantTx, articleId: string, helpful: boolean): Promise<boolean> {
  const h = helpful ? sql`${knowledgeArticles.helpfulCount} + 1` : sql`${knowledgeArticles.helpfulCount}`;
  const u = helpful ? sql`${knowledgeArticles.notHelpfulCount}` : sql`${knowledgeArticles.notHelpfulCount} + 1`;
  const rows = await tx.update(knowledgeArticles)
    .set({ helpfulCount: h, notHelpfulCount: u, helpfulness: wilsonLowerBound(h, u) })
    .where(sql`${knowledgeArticles.id} = ${articleId}`).returning({ id: knowledgeArticles.id });
  return rows.length > 0;
}

/**
 * One statement recomputing every article's helpfulness from its counters, for bulk writers
 * (seeding, imports) that insert counts directly instead of voting.
 */
export function recomputeHelpfulnessStatement(): { sql: string; args: InArgs } {
  const query = new SQLiteAsyncDialect().sqlToQuery(sql`update ${knowledgeArticles} set ${sql.identifier('helpfulness')} = ${wilsonLowerBound(sql`${sql.identifier('helpful_count')}`, sql`${sql.identifier('not_helpful_count')}`)}`);
  return { sql: query.sql, args: query.params as InArgs };
}
