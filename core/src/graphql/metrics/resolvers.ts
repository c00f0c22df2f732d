import type { IResolvers } from '@graphql-tools/utils';
import type { Case } from '../../domain/cases.js';
import { caseSurveyInput, rateCase, serviceMetrics, surveysOf, type CaseSurvey, type ServiceMetricsRow } from '../../domain/metrics/index.js';
import { toGlobalId } from '../../lib/ids.js';
import type { GraphQLContext } from '../context.js';
import { decodeInput } from '../mutation-input.js';
import { mapLoader, perRequest } from '../request-loaders.js';

const loaders = perRequest((ctx) => ({ surveys: mapLoader<CaseSurvey | null>((ids) => surveysOf(ctx.tenant, ids), null) }));

/** Queue and agent keys are database ids inside; integrators see global ids. */
const publicKey = (groupBy: string) => (row: ServiceMetricsRow): ServiceMetricsRow => {
  if (row.key === '' || (groupBy !== 'QUEUE' && groupBy !== 'AGENT')) return row;
  return { ...row, key: toGlobalId(groupBy === 'QUEUE' ? 'Queue' : 'Agent', row.key) };
};

export const metricsResolvers: IResolvers = {
  Case: {
    survey: (c: Case, _: unknown, ctx: GraphQLContext) => loaders(ctx).surveys.load(c.id),
  },
  Query: {
    serviceMetrics: async (_: unknown, args: { from: Date; to: Date; groupBy?: string | null; timeZone?: string | null }, ctx: GraphQLContext) => {
      const m = await serviceMetrics(ctx.tenant, { from: args.from, to: args.to, groupBy: args.groupBy ?? undefined, timeZone: args.timeZone ?? undefined });
      return { ...m.period, rows: m.rows.map(publicKey(m.period.groupBy)), totals: m.totals, deflection: m.deflection };
    },
  },
  Mutation: {
    rateCase: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx: GraphQLContext) => {
      // The domain's schema too, so its issues are named from the argument down like every mutation's.
      const decoded = decodeInput('input', input, { caseId: 'Case' }, caseSurveyInput);
      return { survey: await rateCase(ctx.tenant, decoded) };
    },
  },
};
