import type { IResolvers } from '@graphql-tools/utils';
import type { z } from 'zod';
import type { Case } from '../../domain/cases.js';
import * as sla from '../../domain/sla/index.js';
import type { SlaEscalationRule } from '../../db/tenant-schema.js';
import { AppError, notFound } from '../../lib/errors.js';
import { parseGlobalId, toGlobalId } from '../../lib/ids.js';
import { invalidInput, type InputIssue } from '../../lib/validate.js';
import { assertAdmin } from '../../tenancy/context.js';
import type { GraphQLContext } from '../context.js';
import { localId } from '../ids.js';
import { decodeIdArgument, decodeInput, type IdFields } from '../mutation-input.js';
import { mapLoader, perRequest } from '../request-loaders.js';

type Input = { input: Record<string, unknown> };
type Row = { id: string };

const loadersOf = perRequest((ctx) => ({
  targets: mapLoader((ids) => sla.caseSlaTargetsOf(ctx.tenant, ids), [] as sla.CaseSlaTarget[]),
  calendars: mapLoader(async () => new Map((await sla.listSlaCalendars(ctx.tenant)).map((c) => [c.id, c])), null as sla.SlaCalendar | null),
}));

/** Global ids inside lists and nested objects, decoded in place; bad ones become issues (paths from the input). */
function decodeNestedIds(input: Record<string, unknown>, issues: InputIssue[]): Record<string, unknown> {
  const decode = (value: unknown, type: string, path: (string | number)[]) => {
    if (typeof value !== 'string') return value;
    const parsed = parseGlobalId(value);
    if (parsed?.type === type) return parsed.id;
    issues.push({ path: ['input', ...path], message: `is not a valid ${type} id` });
    return value;
  };
  const out = { ...input };
  const conditions = out.conditions as { queueIds?: unknown } | null | undefined;
  if (conditions && Array.isArray(conditions.queueIds)) {
    out.conditions = { ...conditions, queueIds: conditions.queueIds.map((q, i) => decode(q, 'Queue', ['conditions', 'queueIds', i])) };
  }
  if (Array.isArray(out.escalations)) {
    out.escalations = out.escalations.map((e: Record<string, unknown>, i) => (e && typeof e === 'object'
      ? { ...e, queueId: decode(e.queueId, 'Queue', ['escalations', i, 'queueId']), agentId: decode(e.agentId, 'Agent', ['escalations', i, 'agentId']) }
      : e));
  }
  return out;
}

/**
 * An admin mutation's `input`, checked in one pass: ids at the top and inside conditions and
 * escalation rules, the domain's zod schema and the text rule; every problem at once.
 */
function checked(ctx: GraphQLContext, input: Input['input'], schema: z.ZodType, ids: IdFields) {
  assertAdmin(ctx.tenant);
  const nested: InputIssue[] = [];
  const withNested = decodeNestedIds(input, nested);
  try {
    const decoded = decodeInput('input', withNested, ids, schema);
    if (nested.length) throw invalidInput(nested);
    return decoded;
  } catch (error) {
    if (!nested.length || !(error instanceof AppError) || error.code !== 'BAD_USER_INPUT') throw error;
    const earlier = (error.details?.issues as InputIssue[] | undefined) ?? [];
    throw invalidInput([...earlier.filter((e) => !nested.some((n) => n.path.join('.') === e.path.join('.'))), ...nested]);
  }
}

/** Splits the decoded `id` off an update input. */
function target(ctx: GraphQLContext, type: string, input: Input['input'], schema: z.ZodType, ids: IdFields = {}) {
  const { id, ...changes } = checked(ctx, input, schema, { id: type, ...ids });
  return { id: id as string, changes };
}

const globalId = (type: string) => (row: Row) => toGlobalId(type, row.id);
const detailOf = (e: sla.SlaEscalation) => e.detail as unknown as sla.EscalationDetail & { kind: string };

export const slaResolvers: IResolvers<unknown, GraphQLContext> = {
  SlaCalendar: {
    id: globalId('SlaCalendar'),
    periods: (c: sla.SlaCalendar) => [...c.periods].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute).map(sla.periodView),
  },
  SlaPolicy: {
    id: globalId('SlaPolicy'),
    calendar: (p: sla.SlaPolicy, _: unknown, ctx: GraphQLContext) => (p.calendarId ? loadersOf(ctx).calendars.load(p.calendarId) : null),
  },
  SlaPolicyConditions: {
    queues: async (c: sla.SlaPolicy['conditions'], _: unknown, ctx: GraphQLContext) =>
      (await Promise.all(c.queueIds.map((id) => ctx.loaders.queue.load(id)))).filter(Boolean),
  },
  SlaEscalationRule: {
    queue: (r: SlaEscalationRule, _: unknown, ctx: GraphQLContext) => (r.queueId ? ctx.loaders.queue.load(r.queueId) : null),
    agent: (r: SlaEscalationRule, _: unknown, ctx: GraphQLContext) => (r.agentId ? ctx.loaders.agent.load(r.agentId) : null),
  },
  SlaEscalation: {
    targetKind: (e: sla.SlaEscalation) => detailOf(e).kind,
    queue: (e: sla.SlaEscalation, _: unknown, ctx: GraphQLContext) => { const id = detailOf(e).queueId; return id ? ctx.loaders.queue.load(id) : null; },
    agent: (e: sla.SlaEscalation, _: unknown, ctx: GraphQLContext) => { const id = detailOf(e).agentId; return id ? ctx.loaders.agent.load(id) : null; },
    fromPriority: (e: sla.SlaEscalation) => detailOf(e).fromPriority ?? null,
    toPriority: (e: sla.SlaEscalation) => detailOf(e).toPriority ?? null,
  },
  SlaOutcome: {
    hitRate: (o: sla.SlaOutcome) => (o.hit + o.missed === 0 ? null : o.hit / (o.hit + o.missed)),
  },
  CaseSlaTarget: {
    case: async (t: sla.CaseSlaTarget, _: unknown, ctx: GraphQLContext) => {
      const kase = await ctx.loaders.case.load(t.caseId);
      if (!kase) throw notFound('Case');
      return kase;
    },
    policy: async (t: sla.CaseSlaTarget, _: unknown, ctx: GraphQLContext) => {
      if (!t.policyId) return null;
      return sla.getSlaPolicy(ctx.tenant, t.policyId).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
        throw error;
      });
    },
  },
  Case: {
    slaTargets: (c: Case, _: unknown, ctx: GraphQLContext) => loadersOf(ctx).targets.load(c.id),
    slaEscalations: (c: Case, args: { first?: number | null }, ctx: GraphQLContext) => {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > 50) throw invalidInput([{ path: ['first'], message: 'is 1–50' }]);
      return sla.listSlaEscalations(ctx.tenant, c.id, first);
    },
  },
  Query: {
    slaCalendars: (_: unknown, __: unknown, ctx: GraphQLContext) => sla.listSlaCalendars(ctx.tenant),
    slaCalendar: (_: unknown, args: { id: string }, ctx: GraphQLContext) => sla.getSlaCalendar(ctx.tenant, localId('SlaCalendar', args.id)),
    slaPolicies: (_: unknown, __: unknown, ctx: GraphQLContext) => sla.listSlaPolicies(ctx.tenant),
    slaTargetsDue: (_: unknown, args: { before: Date; first?: number | null }, ctx: GraphQLContext) => sla.slaTargetsDue(ctx.tenant, args),
    slaOutcomes: (_: unknown, args: { from: Date; to: Date }, ctx: GraphQLContext) => {
      if (args.to.getTime() <= args.from.getTime()) throw invalidInput([{ path: ['to'], message: 'is after from' }]);
      return sla.slaOutcomes(ctx.tenant, args);
    },
    slaPolicy: (_: unknown, args: { id: string }, ctx: GraphQLContext) => sla.getSlaPolicy(ctx.tenant, localId('SlaPolicy', args.id)),
  },
  Mutation: {
    createSlaCalendar: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ calendar: await sla.createSlaCalendar(ctx.tenant, checked(ctx, input, sla.createSlaCalendarInput, {})) }),
    updateSlaCalendar: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'SlaCalendar', input, sla.updateSlaCalendarInput);
      return { calendar: await sla.updateSlaCalendar(ctx.tenant, id, changes) };
    },
    addSlaHolidays: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { calendarId, ...rest } = checked(ctx, input, sla.addSlaHolidaysInput, { calendarId: 'SlaCalendar' });
      return { calendar: await sla.addSlaHolidays(ctx.tenant, calendarId as string, rest) };
    },
    deleteSlaCalendar: async (_: unknown, args: { id: string }, ctx: GraphQLContext) => {
      assertAdmin(ctx.tenant);
      const id = await sla.deleteSlaCalendar(ctx.tenant, decodeIdArgument('id', args.id, 'SlaCalendar'));
      return { deletedId: toGlobalId('SlaCalendar', id) };
    },
    createSlaPolicy: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ policy: await sla.createSlaPolicy(ctx.tenant, checked(ctx, input, sla.createSlaPolicyInput, { calendarId: 'SlaCalendar' })) }),
    updateSlaPolicy: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'SlaPolicy', input, sla.updateSlaPolicyInput, { calendarId: 'SlaCalendar' });
      return { policy: await sla.updateSlaPolicy(ctx.tenant, id, changes) };
    },
    deleteSlaPolicy: async (_: unknown, args: { id: string }, ctx: GraphQLContext) => {
      assertAdmin(ctx.tenant);
      const id = await sla.deleteSlaPolicy(ctx.tenant, decodeIdArgument('id', args.id, 'SlaPolicy'));
      return { deletedId: toGlobalId('SlaPolicy', id) };
    },
  },
};
