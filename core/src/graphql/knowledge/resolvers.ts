import type { IResolvers } from '@graphql-tools/utils';
import { z } from 'zod';
import type { cases } from '../../db/tenant-schema.js';
import { statusOfVisibility, type KnowledgeArticle } from '../../domain/knowledge.js';
import {
  deflectionRate, linkArticleToCase, linkedArticles, listVersions, restoreVersion, searchArticles, staffReader,
  suggestedArticles, unlinkArticleFromCase, type ArticleHit,
} from '../../domain/knowledge/index.js';
import { notFound } from '../../lib/errors.js';
import { assertAdmin, assertCanWrite } from '../../tenancy/context.js';
import type { GraphQLContext } from '../context.js';
import { decodeInput } from '../mutation-input.js';

type Input = { input: Record<string, unknown> };
type Case = typeof cases.$inferSelect;

const restoreInput = z.object({ articleId: z.string(), version: z.number().int().min(1).max(1_000_000) });
const caseArticleInput = z.object({ caseId: z.string(), articleId: z.string() });

/** A hit's article through the request's loader (one query for every hit), which applies the caller's visibility. */
const hitArticle = async (hit: ArticleHit, _: unknown, ctx: GraphQLContext) => {
  const article = await ctx.loaders.article.load(hit.id);
  if (!article) throw notFound('KnowledgeArticle');
  return article;
};

async function caseLink(ctx: GraphQLContext, input: Input['input'], link: boolean) {
  assertCanWrite(ctx.tenant);
  const { caseId, articleId } = decodeInput('input', input, { caseId: 'Case', articleId: 'KnowledgeArticle' }, caseArticleInput) as z.infer<typeof caseArticleInput>;
  const changed = await (link ? linkArticleToCase : unlinkArticleFromCase)(ctx.tenant, caseId, articleId);
  const [found, article] = await Promise.all([ctx.loaders.case.load(caseId), ctx.loaders.article.load(articleId)]);
  return { case: found, article, changed };
}

export const knowledgeResolvers: IResolvers<unknown, GraphQLContext> = {
  KnowledgeArticle: {
    // The deprecated status, derived from visibility (the column it came from is gone).
    status: (a: KnowledgeArticle) => statusOfVisibility(a.visibility),
    versions: (a: KnowledgeArticle, args: { first?: number | null }, ctx: GraphQLContext) => listVersions(ctx.tenant, a.id, args.first ?? undefined),
  },
  KnowledgeSearchHit: { article: hitArticle },
  Case: {
    linkedArticles: (c: Case, _: unknown, ctx: GraphQLContext) => linkedArticles(ctx.tenant, c.id),
    suggestedArticles: (c: Case, args: { first?: number | null }, ctx: GraphQLContext) => suggestedArticles(ctx.tenant, c.id, args.first ?? undefined),
  },
  Query: {
    searchKnowledge: (_: unknown, args: { query: string; language?: string | null; fallbackLanguage?: string | null; first?: number | null; match?: 'ALL' | 'ANY' | null }, ctx: GraphQLContext) =>
      searchArticles(staffReader(ctx.tenant), {
        query: args.query, language: args.language, fallbackLanguage: args.fallbackLanguage ?? undefined,
        first: args.first ?? undefined, match: args.match === 'ANY' ? 'any' : 'all',
      }),
    knowledgeDeflection: (_: unknown, args: { from: Date; to: Date; windowHours?: number | null }, ctx: GraphQLContext) => {
      assertAdmin(ctx.tenant);
      return deflectionRate(ctx.tenant, args.from, args.to, { windowMs: args.windowHours == null ? undefined : args.windowHours * 3_600_000 });
    },
  },
  Mutation: {
    restoreKnowledgeArticleVersion: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      assertCanWrite(ctx.tenant);
      const { articleId, version } = decodeInput('input', input, { articleId: 'KnowledgeArticle' }, restoreInput) as z.infer<typeof restoreInput>;
      return { article: await restoreVersion(ctx.tenant, articleId, version) };
    },
    linkKnowledgeArticle: (_: unknown, { input }: Input, ctx: GraphQLContext) => caseLink(ctx, input, true),
    unlinkKnowledgeArticle: (_: unknown, { input }: Input, ctx: GraphQLContext) => caseLink(ctx, input, false),
  },
};
