import type { IResolvers } from '@graphql-tools/utils';
import * as tools from '../../domain/agent-tools/index.js';
import type { Case } from '../../domain/cases.js';
import type { Customer } from '../../domain/customers.js';
import { rowsByIds } from '../../domain/rows.js';
import { caseNotes } from '../../db/tenant-schema.js';
import type { PageArgs } from '../../domain/pagination.js';
import { notFound } from '../../lib/errors.js';
import { parseGlobalId, toGlobalId } from '../../lib/ids.js';
import { invalidInput, type InputIssue } from '../../lib/validate.js';
import { assertCanWrite } from '../../tenancy/context.js';
import type { GraphQLContext } from '../context.js';
import { localId, optionalLocalId } from '../ids.js';
import { decodeIdArgument, decodeInput, type IdFields } from '../mutation-input.js';
import { mapLoader, perRequest } from '../request-loaders.js';

type Input = { input: Record<string, unknown> };
type Row = { id: string };
const globalId = (type: string) => (row: Row) => toGlobalId(type, row.id);

const loadersOf = perRequest((ctx) => ({
  caseTags: mapLoader((ids) => tools.tagsOfCases(ctx.tenant, ids), [] as string[]),
  customerTags: mapLoader((ids) => tools.tagsOfCustomers(ctx.tenant, ids), [] as string[]),
}));

/** The `input` argument checked in one pass with its ids decoded; a read-only key learns that first. */
function checked(ctx: GraphQLContext, input: Input['input'], ids: IdFields = {}) {
  assertCanWrite(ctx.tenant);
  return decodeInput('input', input, ids);
}

/** Each action's own field for its type; the others a client sent as null are dropped. */
const ACTION_FIELD: Record<tools.MacroAction['type'], string> = {
  SET_STATUS: 'status', SET_PRIORITY: 'priority', SET_QUEUE: 'queueId', SET_ASSIGNEE: 'assigneeId',
  ADD_TAGS: 'tags', REMOVE_TAGS: 'tags', ADD_NOTE: 'body', REPLY_WITH_CANNED_RESPONSE: 'cannedResponseId',
};
const ACTION_IDS: Record<string, string> = { queueId: 'Queue', assigneeId: 'Agent', cannedResponseId: 'CannedResponse' };

/** A macro input's actions with their global ids decoded; every bad id is an issue under input.actions.N. */
function decodeActions(actions: unknown): unknown {
  if (!Array.isArray(actions)) return actions;
  const issues: InputIssue[] = [];
  const decoded = actions.map((raw: Record<string, unknown>, index) => {
    const own = ACTION_FIELD[raw.type as tools.MacroAction['type']];
    const action: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (value === null && key !== own) continue;
      const idType = ACTION_IDS[key];
      if (idType && typeof value === 'string') {
        const parsed = parseGlobalId(value);
        if (parsed?.type === idType) action[key] = parsed.id;
        else issues.push({ path: ['input', 'actions', index, key], message: `is not a valid ${idType} id` });
      } else action[key] = value;
    }
    return action;
  });
  if (issues.length) throw invalidInput(issues);
  return decoded;
}

/** The `id` argument of a lone-id mutation, decoded under the mutation-input rule. */
function idArgument(ctx: GraphQLContext, id: string, type: string): string {
  assertCanWrite(ctx.tenant);
  return decodeIdArgument('id', id, type);
}

export const agentToolsResolvers: IResolvers<unknown, GraphQLContext> = {
  CaseNote: {
    id: globalId('CaseNote'),
    case: (n: tools.CaseNote, _: unknown, ctx) => ctx.loaders.case.load(n.caseId),
    author: (n: tools.CaseNote, _: unknown, ctx) => (n.authorAgentId ? ctx.loaders.agent.load(n.authorAgentId) : null),
  },
  AgentNotification: {
    id: globalId('AgentNotification'),
    case: (n: tools.AgentNotification, _: unknown, ctx) => (n.caseId ? ctx.loaders.case.load(n.caseId) : null),
    note: async (n: tools.AgentNotification, _: unknown, ctx) => {
      if (!n.noteId) return null;
      return (await rowsByIds(ctx.tenant.data.db, caseNotes, [n.noteId])).get(n.noteId) ?? null;
    },
  },
  CannedResponse: { id: globalId('CannedResponse') },
  Macro: { id: globalId('Macro') },
  MacroAction: {
    status: (a: tools.MacroAction) => (a.type === 'SET_STATUS' ? a.status : null),
    priority: (a: tools.MacroAction) => (a.type === 'SET_PRIORITY' ? a.priority : null),
    queue: (a: tools.MacroAction, _: unknown, ctx) => (a.type === 'SET_QUEUE' && a.queueId ? ctx.loaders.queue.load(a.queueId) : null),
    assignee: (a: tools.MacroAction, _: unknown, ctx) => (a.type === 'SET_ASSIGNEE' && a.assigneeId ? ctx.loaders.agent.load(a.assigneeId) : null),
    tags: (a: tools.MacroAction) => (a.type === 'ADD_TAGS' || a.type === 'REMOVE_TAGS' ? a.tags : null),
    body: (a: tools.MacroAction) => (a.type === 'ADD_NOTE' ? a.body : null),
    cannedResponse: (a: tools.MacroAction, _: unknown, ctx) =>
      (a.type === 'REPLY_WITH_CANNED_RESPONSE' ? tools.getCannedResponse(ctx.tenant, a.cannedResponseId).catch(() => null) : null),
  },
  ScheduledReply: {
    id: globalId('ScheduledReply'),
    case: (r: tools.ScheduledReply, _: unknown, ctx) => ctx.loaders.case.load(r.caseId),
    agent: (r: tools.ScheduledReply, _: unknown, ctx) => (r.agentId ? ctx.loaders.agent.load(r.agentId) : null),
    interaction: (r: tools.ScheduledReply, _: unknown, ctx) => (r.interactionId ? ctx.loaders.interaction.load(r.interactionId) : null),
  },
  Case: {
    notes: (c: Case, args: PageArgs, ctx) => tools.listCaseNotes(ctx.tenant, c.id, args),
    tags: (c: Case, _: unknown, ctx) => loadersOf(ctx).caseTags.load(c.id),
    scheduledReplies: (c: Case, args: PageArgs, ctx) => tools.listScheduledReplies(ctx.tenant, c.id, args),
  },
  Customer: {
    tags: (c: Customer, _: unknown, ctx) => loadersOf(ctx).customerTags.load(c.id),
  },
  Query: {
    agentNotifications: (_: unknown, args: PageArgs & { agentId?: string | null; unreadOnly?: boolean }, ctx: GraphQLContext) =>
      tools.listNotifications(ctx.tenant, { ...args, agentId: optionalLocalId('Agent', args.agentId) }),
    unreadNotificationCount: (_: unknown, args: { agentId?: string | null }, ctx: GraphQLContext) =>
      tools.unreadNotificationCount(ctx.tenant, optionalLocalId('Agent', args.agentId)),
    casesByTag: (_: unknown, args: PageArgs & { tag: string; status?: string | null }, ctx: GraphQLContext) =>
      tools.listCasesByTag(ctx.tenant, { tag: args.tag, status: args.status }, args),
    caseTags: (_: unknown, args: { prefix?: string | null }, ctx: GraphQLContext) => tools.caseTagCounts(ctx.tenant, args.prefix),
    templateVariables: () => tools.TEMPLATE_VARIABLES,
    cannedResponse: (_: unknown, args: { id: string }, ctx: GraphQLContext) => tools.getCannedResponse(ctx.tenant, localId('CannedResponse', args.id)),
    cannedResponses: (_: unknown, args: PageArgs, ctx: GraphQLContext) => tools.listCannedResponses(ctx.tenant, args),
    renderCannedResponse: (_: unknown, args: { cannedResponseId: string; caseId: string }, ctx: GraphQLContext) =>
      tools.renderCannedResponse(ctx.tenant, { cannedResponseId: localId('CannedResponse', args.cannedResponseId), caseId: localId('Case', args.caseId) }),
    macro: (_: unknown, args: { id: string }, ctx: GraphQLContext) => tools.getMacro(ctx.tenant, localId('Macro', args.id)),
    macros: (_: unknown, args: PageArgs, ctx: GraphQLContext) => tools.listMacros(ctx.tenant, args),
    scheduledReply: (_: unknown, args: { id: string }, ctx: GraphQLContext) => tools.getScheduledReply(ctx.tenant, localId('ScheduledReply', args.id)),
  },
  Mutation: {
    addCaseNote: (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      tools.addCaseNote(ctx.tenant, checked(ctx, input, { caseId: 'Case', authorAgentId: 'Agent' })),
    markNotificationsRead: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const decoded = decodeInput('input', input, { agentId: 'Agent' });
      const ids = Array.isArray(input.ids) ? (input.ids as string[]).map((id) => {
        const parsed = parseGlobalId(id);
        if (parsed?.type !== 'AgentNotification') throw notFound('AgentNotification');
        return parsed.id;
      }) : input.ids;
      return { count: await tools.markNotificationsRead(ctx.tenant, { ...decoded, ids }) };
    },
    tagCase: async (_: unknown, { input }: Input, ctx: GraphQLContext) => tools.tagCase(ctx.tenant, checked(ctx, input, { caseId: 'Case' })),
    tagCustomer: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { customerId, tags } = await tools.tagCustomer(ctx.tenant, checked(ctx, input, { customerId: 'Customer' }));
      return { customer: await ctx.loaders.customer.load(customerId), tags };
    },
    createCannedResponse: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ cannedResponse: await tools.createCannedResponse(ctx.tenant, checked(ctx, input)) }),
    updateCannedResponse: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, ...changes } = checked(ctx, input, { id: 'CannedResponse' });
      return { cannedResponse: await tools.updateCannedResponse(ctx.tenant, id as string, changes) };
    },
    deleteCannedResponse: async (_: unknown, args: { id: string }, ctx: GraphQLContext) =>
      ({ deletedId: toGlobalId('CannedResponse', await tools.deleteCannedResponse(ctx.tenant, idArgument(ctx, args.id, 'CannedResponse'))) }),
    createMacro: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ macro: await tools.createMacro(ctx.tenant, { ...checked(ctx, input), actions: decodeActions(input.actions) }) }),
    updateMacro: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, ...changes } = checked(ctx, input, { id: 'Macro' });
      if (changes.actions !== undefined && changes.actions !== null) changes.actions = decodeActions(changes.actions);
      return { macro: await tools.updateMacro(ctx.tenant, id as string, changes) };
    },
    deleteMacro: async (_: unknown, args: { id: string }, ctx: GraphQLContext) =>
      ({ deletedId: toGlobalId('Macro', await tools.deleteMacro(ctx.tenant, idArgument(ctx, args.id, 'Macro'))) }),
    applyMacro: (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      tools.applyMacro(ctx.tenant, checked(ctx, input, { macroId: 'Macro', caseId: 'Case' })),
    scheduleReply: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ scheduledReply: await tools.scheduleReply(ctx.tenant, checked(ctx, input, { caseId: 'Case', calendarId: 'SlaCalendar' })) }),
    cancelScheduledReply: async (_: unknown, args: { id: string }, ctx: GraphQLContext) =>
      ({ scheduledReply: await tools.cancelScheduledReply(ctx.tenant, idArgument(ctx, args.id, 'ScheduledReply')) }),
  },
};
