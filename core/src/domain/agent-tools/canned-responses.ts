import { and, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDrizzle, TenantTx } from '../../db/tenant-db.js';
import { agents, cannedResponses, cases, customers, orders } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { emitEvent } from '../outbox.js';
import { type Connection, type PageArgs } from '../pagination.js';
import { pageOfRows, requireRow } from '../rows.js';
import { MAX_TEMPLATE_LENGTH, renderTemplate, templateVariables, type TemplateValues } from './template.js';

export type CannedResponse = typeof cannedResponses.$inferSelect;

const name = z.string().trim().min(1).max(100);
const body = z.string().trim().min(1).max(MAX_TEMPLATE_LENGTH);
export const createCannedResponseInput = z.object({ name, body });
export const updateCannedResponseInput = z.object({ name: name.optional(), body: body.optional() })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export const renderCannedResponseInput = z.object({ cannedResponseId: z.string(), caseId: z.string() });

type Reader = TenantDrizzle | TenantTx;

export function getCannedResponse(ctx: TenantContext, id: string): Promise<CannedResponse> {
  return requireRow(ctx.data.db, cannedResponses, id, 'CannedResponse');
}

/** The tenant's canned responses by name. */
export function listCannedResponses(ctx: TenantContext, args: PageArgs): Promise<Connection<CannedResponse>> {
  return pageOfRows(ctx.data.db, cannedResponses, [], { sort: cannedResponses.name, id: cannedResponses.id, direction: 'asc', sortValue: (c) => c.name }, args);
}

async function assertNameFree(tx: TenantTx, value: string, except?: string) {
  const [taken] = await tx.select({ id: cannedResponses.id }).from(cannedResponses)
    .where(and(eq(cannedResponses.name, value), except ? ne(cannedResponses.id, except) : undefined)).limit(1);
  if (taken) throw new AppError('CONFLICT', `a canned response named ${value} already exists`);
}

/** Saves a canned response; TEMPLATE_INVALID when it names a variable that does not exist. */
export async function createCannedResponse(ctx: TenantContext, raw: unknown): Promise<CannedResponse> {
  assertCanWrite(ctx);
  const input = parseInput(createCannedResponseInput, raw);
  templateVariables(input.body);
  return ctx.data.write(async (tx) => {
    await assertNameFree(tx, input.name);
    const now = new Date();
    const row: CannedResponse = { id: newId(), name: input.name, body: input.body, createdAt: now, updatedAt: now };
    await tx.insert(cannedResponses).values(row);
    await emitEvent(tx, ctx.actor, 'canned_response.created', row.id, { name: row.name });
    return row;
  });
}

export async function updateCannedResponse(ctx: TenantContext, id: string, raw: unknown): Promise<CannedResponse> {
  assertCanWrite(ctx);
  const input = parseInput(updateCannedResponseInput, raw);
  if (input.body) templateVariables(input.body);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, cannedResponses, id, 'CannedResponse');
    if (input.name) await assertNameFree(tx, input.name, id);
    const changes = { ...input, updatedAt: new Date() };
    await tx.update(cannedResponses).set(changes).where(eq(cannedResponses.id, id));
    await emitEvent(tx, ctx.actor, 'canned_response.updated', id, { fields: Object.keys(input) });
    return { ...current, ...changes };
  });
}

/** Deletes a canned response; macros replying with it fail (NOT_FOUND) until changed. */
export async function deleteCannedResponse(ctx: TenantContext, id: string): Promise<string> {
  assertCanWrite(ctx);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, cannedResponses, id, 'CannedResponse');
    await tx.delete(cannedResponses).where(eq(cannedResponses.id, id));
    await emitEvent(tx, ctx.actor, 'canned_response.deleted', id, {});
    return id;
  });
}

/**
 * The values a template is filled with for a case: its customer, the case, the agent replying
 * (else the assignee) and the customer's latest order.
 */
export async function templateValuesForCase(db: Reader, kase: Case, agentId: string | null): Promise<TemplateValues> {
  const customer = await requireRow(db, customers, kase.customerId, 'Customer');
  const who = agentId ?? kase.assigneeId;
  const agent = who ? await db.select().from(agents).where(eq(agents.id, who)).get() : undefined;
  const order = await db.select({ number: orders.number, status: orders.status }).from(orders)
    .where(eq(orders.customerId, kase.customerId)).orderBy(desc(orders.placedAt), desc(orders.id)).get();
  return {
    'customer.name': customer.name, 'customer.email': customer.email, 'customer.phone': customer.phone,
    'case.number': kase.number, 'case.subject': kase.subject, 'case.status': kase.status, 'case.priority': kase.priority,
    'agent.name': agent?.name ?? null, 'agent.email': agent?.email ?? null,
    'order.number': order?.number ?? null, 'order.status': order?.status ?? null,
  };
}

/** A canned response filled in for a case (plain text, ready to send or edit). */
export async function renderCannedResponse(ctx: TenantContext, raw: unknown): Promise<string> {
  const input = parseInput(renderCannedResponseInput, raw);
  const [template, kase] = await Promise.all([
    getCannedResponse(ctx, input.cannedResponseId), requireRow(ctx.data.db, cases, input.caseId, 'Case'),
  ]);
  return renderTemplate(template.body, await templateValuesForCase(ctx.data.db, kase, ctx.agentId ?? null));
}
