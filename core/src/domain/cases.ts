import { eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { agents, cases, counters, customers, queues, CASE_PRIORITIES, CASE_STATUSES, CHANNELS } from '../db/tenant-schema.js';
import type { TenantTx } from '../db/tenant-db.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { liveEvents } from './live-events.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';
import { policyForCase } from './sla/policies.js';
import { slaOnCaseCreated, slaOnCaseUpdated } from './sla/targets.js';
import { assignCaseNow } from './routing/router.js';

export type Case = typeof cases.$inferSelect;

export const createCaseInput = z.object({
  customerId: z.string(),
  subject: z.string().trim().min(1).max(300),
  description: z.string().trim().max(20_000).nullish(),
  priority: z.enum(CASE_PRIORITIES).default('NORMAL'),
  channel: z.enum(CHANNELS).nullish(),
  queueId: z.string().nullish(),
  assigneeId: z.string().nullish(),
});

export const updateCaseInput = z.object({
  subject: z.string().trim().min(1).max(300).optional(),
  description: z.string().trim().max(20_000).nullish(),
  status: z.enum(CASE_STATUSES).optional(),
  priority: z.enum(CASE_PRIORITIES).optional(),
  queueId: z.string().nullish(),
  assigneeId: z.string().nullish(),
}).refine((v) => Object.keys(v).length > 0, 'give at least one field to change');

export interface CaseFilter {
  status?: Case['status'] | null;
  priority?: Case['priority'] | null;
  customerId?: string | null;
  assigneeId?: string | null;
  queueId?: string | null;
  /** Any of these statuses (the console's open work: NEW, OPEN, PENDING). */
  statusIn?: readonly Case['status'][] | null;
  /** Only cases nobody is assigned to yet. */
  unassigned?: boolean | null;
}

export function getCase(ctx: TenantContext, id: string): Promise<Case> {
  return requireRow(ctx.data.db, cases, id, 'Case');
}

export async function listCases(ctx: TenantContext, args: PageArgs & { filter?: CaseFilter | null }): Promise<Connection<Case>> {
  const f = args.filter ?? {};
  const where: (SQL | undefined)[] = [];
  if (f.status) where.push(eq(cases.status, f.status));
  if (f.priority) where.push(eq(cases.priority, f.priority));
  if (f.customerId) where.push(eq(cases.customerId, f.customerId));
  if (f.assigneeId) where.push(eq(cases.assigneeId, f.assigneeId));
  if (f.queueId) where.push(eq(cases.queueId, f.queueId));
  if (f.statusIn) where.push(inArray(cases.status, [...f.statusIn]));
  if (f.unassigned) where.push(isNull(cases.assigneeId));
  return pageOfRows(ctx.data.db, cases, where, {
    sort: cases.createdAt, id: cases.id, direction: 'desc', sortValue: (c) => timeKey(c.createdAt),
  }, args);
}

/** Next human-facing case number, allocated inside the creating transaction (also by channel intake). */
export async function nextCaseNumber(tx: TenantTx): Promise<number> {
  const [row] = await tx.insert(counters).values({ name: 'case_number', value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  if (!row) throw new Error('case number counter returned nothing');
  return row.value;
}

/** Checks the rows a case points at, read together (one round trip on a libsql server). */
async function assertRefs(tx: TenantTx, refs: { customerId?: string; queueId?: string | null; assigneeId?: string | null }) {
  const [customer] = await Promise.all([
    refs.customerId ? requireRow(tx, customers, refs.customerId, 'Customer') : undefined,
    refs.queueId ? requireRow(tx, queues, refs.queueId, 'Queue') : undefined,
    refs.assigneeId ? requireRow(tx, agents, refs.assigneeId, 'Agent') : undefined,
  ]);
  if (customer?.status === 'MERGED') throw new AppError('CONFLICT', 'this customer was merged; open the case on the customer it was merged into');
}

export async function createCase(ctx: TenantContext, raw: unknown): Promise<Case> {
  assertCanWrite(ctx);
  const input = parseInput(createCaseInput, raw);
  const created = await ctx.data.write(async (tx) => {
    const now = new Date();
    const draft: Omit<Case, 'number'> = {
      id: newId(),
      customerId: input.customerId,
      subject: input.subject,
      description: input.description ?? null,
      status: 'NEW',
      priority: input.priority,
      channel: input.channel ?? null,
      queueId: input.queueId ?? null,
      assigneeId: input.assigneeId ?? null,
      createdAt: now,
      updatedAt: now,
      solvedAt: null,
    };
    // Asked together, one round trip on a libsql server; the number is undone with the rest if a check fails.
    const [number, , policy] = await Promise.all([nextCaseNumber(tx), assertRefs(tx, input), policyForCase(tx, draft)]);
    const row: Case = { ...draft, number };
    await tx.insert(cases).values(row);
    await slaOnCaseCreated(tx, row, policy);
    await emitEvent(tx, ctx.actor, 'case.created', row.id, { number: row.number, customerId: row.customerId, priority: row.priority });
    return row;
  });
  // After the commit: a rolled-back write has thrown above and announces nothing.
  liveEvents.publish(ctx.tenantId, { type: 'case.created', customerId: created.customerId, case: created });
  return created;
}

export async function updateCase(ctx: TenantContext, id: string, raw: unknown): Promise<Case> {
  assertCanWrite(ctx);
  const input = parseInput(updateCaseInput, raw);
  const updated = await ctx.data.write(async (tx) => {
    const [current] = await Promise.all([requireRow(tx, cases, id, 'Case'), assertRefs(tx, input)]);
    const changes = { ...input, updatedAt: new Date() };
    await tx.update(cases).set(changes).where(eq(cases.id, id));
    await slaOnCaseUpdated(tx, current, { ...current, ...changes } as Case);
    await emitEvent(tx, ctx.actor, 'case.updated', id, { fields: Object.keys(input), status: changes.status ?? current.status });
    return { ...current, ...changes } as Case;
  });
  liveEvents.publish(ctx.tenantId, { type: 'case.updated', customerId: updated.customerId, case: updated });
  return updated;
}

/**
 * Assigns the case now to the best available agent of its queue (through the router, which
 * records why); CONFLICT when none is free.
 */
export async function routeCase(ctx: TenantContext, id: string): Promise<Case> {
  assertCanWrite(ctx);
  return assignCaseNow(ctx, id);
}
