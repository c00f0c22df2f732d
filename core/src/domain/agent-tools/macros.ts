import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantTx } from '../../db/tenant-db.js';
import { agents, cannedResponses, cases, macros, queues, CASE_PRIORITIES, CASE_STATUSES } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertAdmin, assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import type { Interaction } from '../interactions.js';
import { emitEvent } from '../outbox.js';
import { type Connection, type PageArgs } from '../pagination.js';
import { pageOfRows, requireRow } from '../rows.js';
import { templateValuesForCase } from './canned-responses.js';
import { announceCaseWrites, changeCaseTx, recordReplyTx, type CaseChanges } from './case-writes.js';
import { addCaseNoteTx, noteAuthor, noteBody } from './notes.js';
import { changeCaseTagsTx, tagSchema } from './tags.js';
import { renderTemplate } from './template.js';

export const MACRO_ACTION_TYPES = [
  'SET_STATUS', 'SET_PRIORITY', 'SET_QUEUE', 'SET_ASSIGNEE', 'ADD_TAGS', 'REMOVE_TAGS', 'ADD_NOTE', 'REPLY_WITH_CANNED_RESPONSE',
] as const;

/** One step of a macro; each type takes its own field (checked below) and nothing else. */
export const macroAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SET_STATUS'), status: z.enum(CASE_STATUSES) }).strict(),
  z.object({ type: z.literal('SET_PRIORITY'), priority: z.enum(CASE_PRIORITIES) }).strict(),
  z.object({ type: z.literal('SET_QUEUE'), queueId: z.string().nullable() }).strict(),
  z.object({ type: z.literal('SET_ASSIGNEE'), assigneeId: z.string().nullable() }).strict(),
  z.object({ type: z.literal('ADD_TAGS'), tags: z.array(tagSchema).min(1).max(50) }).strict(),
  z.object({ type: z.literal('REMOVE_TAGS'), tags: z.array(tagSchema).min(1).max(50) }).strict(),
  z.object({ type: z.literal('ADD_NOTE'), body: noteBody }).strict(),
  z.object({ type: z.literal('REPLY_WITH_CANNED_RESPONSE'), cannedResponseId: z.string() }).strict(),
]);
export type MacroAction = z.infer<typeof macroAction>;

const name = z.string().trim().min(1).max(100);
const actions = z.array(macroAction).min(1).max(20);
export const createMacroInput = z.object({ name, actions });
export const updateMacroInput = z.object({ name: name.optional(), actions: actions.optional() })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export const applyMacroInput = z.object({ macroId: z.string(), caseId: z.string() });

export interface Macro {
  id: string;
  name: string;
  actions: MacroAction[];
  createdAt: Date;
  updatedAt: Date;
}

/** A stored macro with its actions read back through the schema (what was saved was checked). */
function toMacro(row: typeof macros.$inferSelect): Macro {
  return { ...row, actions: actions.parse(row.actions) };
}

export async function getMacro(ctx: TenantContext, id: string): Promise<Macro> {
  return toMacro(await requireRow(ctx.data.db, macros, id, 'Macro'));
}

/** The tenant's macros by name. */
export async function listMacros(ctx: TenantContext, args: PageArgs): Promise<Connection<Macro>> {
  const page = await pageOfRows(ctx.data.db, macros, [], { sort: macros.name, id: macros.id, direction: 'asc', sortValue: (m) => m.name }, args);
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toMacro(e.node) })) };
}

/** What every step refers to exists now (it is checked again when the macro runs). */
async function assertReferences(tx: TenantTx, steps: readonly MacroAction[]) {
  for (const step of steps) {
    if (step.type === 'SET_QUEUE' && step.queueId) await requireRow(tx, queues, step.queueId, 'Queue');
    if (step.type === 'SET_ASSIGNEE' && step.assigneeId) await requireRow(tx, agents, step.assigneeId, 'Agent');
    if (step.type === 'REPLY_WITH_CANNED_RESPONSE') await requireRow(tx, cannedResponses, step.cannedResponseId, 'CannedResponse');
  }
}

async function assertNameFree(tx: TenantTx, value: string, except?: string) {
  const [taken] = await tx.select({ id: macros.id }).from(macros).where(and(eq(macros.name, value), except ? ne(macros.id, except) : undefined)).limit(1);
  if (taken) throw new AppError('CONFLICT', `a macro named ${value} already exists`);
}

/** Saves a macro (admins: a macro changes whatever case an agent applies it to). */
export async function createMacro(ctx: TenantContext, raw: unknown): Promise<Macro> {
  assertAdmin(ctx);
  const input = parseInput(createMacroInput, raw);
  return ctx.data.write(async (tx) => {
    await assertNameFree(tx, input.name);
    await assertReferences(tx, input.actions);
    const now = new Date();
    const macro: Macro = { id: newId(), name: input.name, actions: input.actions, createdAt: now, updatedAt: now };
    await tx.insert(macros).values(macro);
    await emitEvent(tx, ctx.actor, 'macro.created', macro.id, { name: macro.name });
    return macro;
  });
}

export async function updateMacro(ctx: TenantContext, id: string, raw: unknown): Promise<Macro> {
  assertAdmin(ctx);
  const input = parseInput(updateMacroInput, raw);
  return ctx.data.write(async (tx) => {
    const current = toMacro(await requireRow(tx, macros, id, 'Macro'));
    if (input.name) await assertNameFree(tx, input.name, id);
    if (input.actions) await assertReferences(tx, input.actions);
    const changes = { ...input, updatedAt: new Date() };
    await tx.update(macros).set(changes).where(eq(macros.id, id));
    await emitEvent(tx, ctx.actor, 'macro.updated', id, { fields: Object.keys(input) });
    return { ...current, ...changes };
  });
}

export async function deleteMacro(ctx: TenantContext, id: string): Promise<string> {
  assertAdmin(ctx);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, macros, id, 'Macro');
    await tx.delete(macros).where(eq(macros.id, id));
    await emitEvent(tx, ctx.actor, 'macro.deleted', id, {});
    return id;
  });
}

/** The error of a step, naming the step (from 0) so the agent knows which one failed. */
function stepFailed(error: unknown, index: number, step: MacroAction): unknown {
  if (!(error instanceof AppError)) return error;
  return new AppError(error.code, `macro step ${index + 1} (${step.type}): ${error.message}`, { ...error.details, step: index });
}

/**
 * Applies every step of a macro to a case in ONE transaction: status, priority, queue, assignee,
 * tags, a private note, a canned reply. If any step fails (a queue or canned response gone, a
 * case over its tag limit…), nothing of the macro is written and the error names the step.
 */
export async function applyMacro(ctx: TenantContext, raw: unknown): Promise<{ case: Case; replies: Interaction[] }> {
  assertCanWrite(ctx);
  const input = parseInput(applyMacroInput, raw);
  const agentId = ctx.agentId ?? null;
  const result = await ctx.data.write(async (tx) => {
    const macro = toMacro(await requireRow(tx, macros, input.macroId, 'Macro'));
    let kase = await requireRow(tx, cases, input.caseId, 'Case');
    const now = new Date();
    const replies: Interaction[] = [];
    const fields: CaseChanges = {};
    for (const [index, step] of macro.actions.entries()) {
      try {
        switch (step.type) {
          case 'SET_STATUS': fields.status = step.status; break;
          case 'SET_PRIORITY': fields.priority = step.priority; break;
          case 'SET_QUEUE': fields.queueId = step.queueId; if (step.queueId) await requireRow(tx, queues, step.queueId, 'Queue'); break;
          case 'SET_ASSIGNEE': fields.assigneeId = step.assigneeId; if (step.assigneeId) await requireRow(tx, agents, step.assigneeId, 'Agent'); break;
          case 'ADD_TAGS': await changeCaseTagsTx(tx, kase.id, step.tags, [], now); break;
          case 'REMOVE_TAGS': await changeCaseTagsTx(tx, kase.id, [], step.tags, now); break;
          case 'ADD_NOTE': await addCaseNoteTx(tx, ctx.actor, { caseId: kase.id, body: step.body, authorAgentId: noteAuthor(ctx, null) }, now); break;
          case 'REPLY_WITH_CANNED_RESPONSE': {
            const template = await requireRow(tx, cannedResponses, step.cannedResponseId, 'CannedResponse');
            const body = renderTemplate(template.body, await templateValuesForCase(tx, { ...kase, ...fields }, agentId));
            replies.push(await recordReplyTx(tx, ctx.actor, kase, { body, agentId }, now));
            break;
          }
        }
      } catch (error) {
        throw stepFailed(error, index, step);
      }
    }
    const changed = Object.keys(fields).length > 0;
    if (changed) kase = await changeCaseTx(tx, ctx.actor, kase, fields, now);
    await emitEvent(tx, ctx.actor, 'case.macro_applied', kase.id, { macroId: macro.id, name: macro.name, steps: macro.actions.map((a) => a.type) });
    return { case: kase, changed, replies };
  });
  announceCaseWrites(ctx.tenantId, result.case, result.changed, result.replies);
  return { case: result.case, replies: result.replies };
}
