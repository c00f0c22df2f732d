import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { agents, agentSkills, cases, queues, AGENT_STATUSES } from '../db/tenant-schema.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertAdmin, assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';
import { presenceFields, PRESENCE_OF_STATUS, returnOffersOf } from './routing/presence.js';

export type Agent = typeof agents.$inferSelect;
export type AgentSkill = typeof agentSkills.$inferSelect;
export type Queue = typeof queues.$inferSelect;

/** Cases an agent is still working on count against their capacity. */
export const OPEN_CASE_STATUSES = ['NEW', 'OPEN', 'PENDING'] as const;

const skill = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a skill is 1–40 letters, digits, _ or -');
const skillsInput = z.array(z.object({ skill, level: z.number().int().min(1).max(10).default(1) })).max(50)
  .refine((s) => new Set(s.map((x) => x.skill)).size === s.length, 'each skill once');

export const createAgentInput = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().toLowerCase().pipe(z.email()),
  /** Capacity units: a case takes its channel's weight (routing/config.ts); 6 holds one call, three chats or six emails. */
  capacity: z.number().int().min(0).max(100).default(6),
  status: z.enum(AGENT_STATUSES).default('OFFLINE'),
  skills: skillsInput.default([]),
});
export const updateAgentInput = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  capacity: z.number().int().min(0).max(100).optional(),
  status: z.enum(AGENT_STATUSES).optional(),
  skills: skillsInput.optional(),
}).refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export const createQueueInput = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullish(),
  requiredSkill: skill.nullish(),
});

export function getAgent(ctx: TenantContext, id: string): Promise<Agent> {
  return requireRow(ctx.data.db, agents, id, 'Agent');
}

export function getQueue(ctx: TenantContext, id: string): Promise<Queue> {
  return requireRow(ctx.data.db, queues, id, 'Queue');
}

export function listAgents(ctx: TenantContext, args: PageArgs): Promise<Connection<Agent>> {
  return pageOfRows(ctx.data.db, agents, [], {
    sort: agents.createdAt, id: agents.id, direction: 'asc', sortValue: (a) => timeKey(a.createdAt),
  }, args);
}

export function listQueues(ctx: TenantContext, args: PageArgs): Promise<Connection<Queue>> {
  return pageOfRows(ctx.data.db, queues, [], {
    sort: queues.createdAt, id: queues.id, direction: 'asc', sortValue: (q) => timeKey(q.createdAt),
  }, args);
}

export function skillsOfAgents(ctx: TenantContext, agentIds: readonly string[]): Promise<AgentSkill[]> {
  return ctx.data.db.select().from(agentSkills).where(inArray(agentSkills.agentId, [...agentIds]))
    .orderBy(asc(agentSkills.skill));
}

export async function openCaseCounts(ctx: TenantContext, agentIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await ctx.data.db
    .select({ agentId: cases.assigneeId, n: sql<number>`count(*)` })
    .from(cases)
    .where(and(inArray(cases.assigneeId, [...agentIds]), inArray(cases.status, [...OPEN_CASE_STATUSES])))
    .groupBy(cases.assigneeId);
  return new Map(rows.map((r) => [r.agentId ?? '', r.n]));
}

export async function createAgent(ctx: TenantContext, raw: unknown): Promise<Agent> {
  assertAdmin(ctx);
  const input = parseInput(createAgentInput, raw);
  return ctx.data.write(async (tx) => {
    const [taken] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.email, input.email)).limit(1);
    if (taken) throw new AppError('CONFLICT', `an agent with email ${input.email} already exists`);
    const now = new Date();
    const agent: Agent = {
      id: newId(), name: input.name, email: input.email, capacity: input.capacity, createdAt: now,
      idleSince: null, ...presenceFields(PRESENCE_OF_STATUS[input.status], now),
    };
    await tx.insert(agents).values(agent);
    if (input.skills.length) await tx.insert(agentSkills).values(input.skills.map((s) => ({ agentId: agent.id, ...s })));
    await emitEvent(tx, ctx.actor, 'agent.created', agent.id, { name: agent.name });
    return agent;
  });
}

/**
 * Admins change anything and supervise everyone's presence; an agent key changes only the status
 * of the agent it is tied to (`mosaic apikey create --role agent --agent <id>`). The model has no
 * supervisor flag: supervising is what admin keys are for.
 */
export async function updateAgent(ctx: TenantContext, id: string, raw: unknown): Promise<Agent> {
  assertCanWrite(ctx);
  const input = parseInput(updateAgentInput, raw);
  if (ctx.role !== 'admin') {
    if (Object.keys(input).some((k) => k !== 'status')) assertAdmin(ctx);
    assertOwnAgent(ctx, id);
  }
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, agents, id, 'Agent');
    const { skills, status, ...rest } = input;
    // The deprecated status sets the presence it stands for, and the status shown follows it.
    const fields = { ...rest, ...(status ? presenceFields(PRESENCE_OF_STATUS[status], new Date()) : {}) };
    if (Object.keys(fields).length) await tx.update(agents).set(fields).where(eq(agents.id, id));
    if (status && status !== 'ONLINE') await returnOffersOf(tx, ctx.actor, id, 'PRESENCE_CHANGED');
    if (skills) {
      await tx.delete(agentSkills).where(eq(agentSkills.agentId, id));
      if (skills.length) await tx.insert(agentSkills).values(skills.map((s) => ({ agentId: id, ...s })));
    }
    await emitEvent(tx, ctx.actor, 'agent.updated', id, { fields: Object.keys(input) });
    return { ...current, ...fields };
  });
}

function assertOwnAgent(ctx: TenantContext, id: string): void {
  if (!ctx.agentId) {
    throw new AppError('FORBIDDEN', 'this agent key is not tied to an agent, so it changes no agent\'s status; use a key made with --agent <id>, or an admin key');
  }
  if (ctx.agentId !== id) throw new AppError('FORBIDDEN', 'an agent key changes only its own agent\'s status; an admin key changes anyone\'s');
}

export async function createQueue(ctx: TenantContext, raw: unknown): Promise<Queue> {
  assertAdmin(ctx);
  const input = parseInput(createQueueInput, raw);
  return ctx.data.write(async (tx) => {
    const [taken] = await tx.select({ id: queues.id }).from(queues).where(eq(queues.name, input.name)).limit(1);
    if (taken) throw new AppError('CONFLICT', `a queue named ${input.name} already exists`);
    const queue: Queue = {
      id: newId(), name: input.name, description: input.description ?? null, requiredSkill: input.requiredSkill ?? null, createdAt: new Date(),
    };
    await tx.insert(queues).values(queue);
    await emitEvent(tx, ctx.actor, 'queue.created', queue.id, { name: queue.name });
    return queue;
  });
}
