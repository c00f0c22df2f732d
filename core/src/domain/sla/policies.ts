import { asc, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import {
  accounts, agents, customers, queues, slaCalendars, slaPolicies, CASE_PRIORITIES, CHANNELS, SLA_ESCALATION_ACTIONS, SLA_EVENTS,
  SLA_TARGET_KINDS, type SlaConditions, type SlaEscalationRule, type SlaTargetKind, type SlaTargetRule,
} from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertAdmin, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';

export type SlaPolicy = typeof slaPolicies.$inferSelect;

export const MAX_POLICIES = 100;
/** A year: longer targets are a typo, not a service level. */
const MAX_TARGET_MINUTES = 525_600;

const conditionsInput = z.object({
  priorities: z.array(z.enum(CASE_PRIORITIES)).max(CASE_PRIORITIES.length).default([]),
  channels: z.array(z.enum(CHANNELS)).max(CHANNELS.length).default([]),
  queueIds: z.array(z.string()).max(50).default([]),
  tiers: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
});

const targetInput = z.object({
  kind: z.enum(SLA_TARGET_KINDS),
  priority: z.enum(CASE_PRIORITIES).nullish(),
  minutes: z.number().int().min(1).max(MAX_TARGET_MINUTES),
  businessHours: z.boolean().default(true),
});

const escalationInput = z.object({
  on: z.enum(SLA_EVENTS),
  targetKind: z.enum(SLA_TARGET_KINDS).nullish(),
  action: z.enum(SLA_ESCALATION_ACTIONS),
  queueId: z.string().nullish(),
  agentId: z.string().nullish(),
}).superRefine((e, ctx) => {
  if (e.action === 'REASSIGN' && !e.queueId && !e.agentId) ctx.addIssue({ code: 'custom', path: ['queueId'], message: 'a reassignment names a queue, an agent or both' });
  if (e.action === 'NOTIFY' && !e.agentId) ctx.addIssue({ code: 'custom', path: ['agentId'], message: 'a notification names the supervisor (an agent) to notify' });
  if (e.action === 'RAISE_PRIORITY' && (e.queueId || e.agentId)) ctx.addIssue({ code: 'custom', path: ['action'], message: 'raising the priority takes no queue or agent' });
});

const targets = z.array(targetInput).min(1, 'a policy has at least one target').max(SLA_TARGET_KINDS.length * (CASE_PRIORITIES.length + 1))
  .superRefine((list, ctx) => {
    list.forEach((t, i) => {
      const twin = list.findIndex((u) => u.kind === t.kind && (u.priority ?? null) === (t.priority ?? null));
      if (twin < i) ctx.addIssue({ code: 'custom', path: [i], message: `repeats target ${twin} (same kind and priority)` });
    });
  });

const policyFields = {
  name: z.string().trim().min(1).max(100),
  /** 1 is first; a position past the end appends. */
  position: z.number().int().min(1).max(MAX_POLICIES).nullish(),
  enabled: z.boolean().default(true),
  conditions: conditionsInput.default({ priorities: [], channels: [], queueIds: [], tiers: [] }),
  calendarId: z.string().nullish(),
  targets,
  warnPercent: z.number().int().min(1).max(99).default(15),
  warnMinutes: z.number().int().min(1).max(MAX_TARGET_MINUTES).nullish(),
  escalations: z.array(escalationInput).max(20).default([]),
};

/** A target counted in business hours needs the calendar that defines them. */
const businessHoursNeedCalendar = (v: { calendarId?: string | null; targets?: { businessHours: boolean }[] }, ctx: z.RefinementCtx) => {
  if (v.calendarId || !v.targets) return;
  v.targets.forEach((t, i) => {
    if (t.businessHours) ctx.addIssue({ code: 'custom', path: ['targets', i, 'businessHours'], message: 'counting business hours needs a calendarId (or set businessHours: false)' });
  });
};

export const createSlaPolicyInput = z.object(policyFields).superRefine(businessHoursNeedCalendar);
export const updateSlaPolicyInput = z.object({
  name: policyFields.name.optional(),
  position: policyFields.position,
  enabled: z.boolean().optional(),
  conditions: conditionsInput.optional(),
  calendarId: policyFields.calendarId,
  targets: targets.optional(),
  warnPercent: z.number().int().min(1).max(99).optional(),
  warnMinutes: policyFields.warnMinutes,
  escalations: z.array(escalationInput).max(20).optional(),
}).refine((v) => Object.keys(v).length > 0, 'give at least one field to change');

type EscalationInput = z.infer<typeof escalationInput>;

const toTarget = (t: z.infer<typeof targetInput>): SlaTargetRule =>
  ({ kind: t.kind, priority: t.priority ?? null, minutes: t.minutes, businessHours: t.businessHours });
const toEscalation = (e: EscalationInput): SlaEscalationRule =>
  ({ on: e.on, targetKind: e.targetKind ?? null, action: e.action, queueId: e.queueId ?? null, agentId: e.agentId ?? null });

/** Every queue, agent and calendar the policy names exists in this tenant (NOT_FOUND otherwise, like a foreign id). */
async function assertPolicyRefs(tx: TenantTx, p: { calendarId?: string | null; conditions?: SlaConditions; escalations?: EscalationInput[] }) {
  if (p.calendarId) await requireRow(tx, slaCalendars, p.calendarId, 'SlaCalendar');
  const queueIds = new Set([...(p.conditions?.queueIds ?? []), ...(p.escalations ?? []).flatMap((e) => (e.queueId ? [e.queueId] : []))]);
  const agentIds = new Set((p.escalations ?? []).flatMap((e) => (e.agentId ? [e.agentId] : [])));
  if (queueIds.size) {
    const found = await tx.select({ id: queues.id }).from(queues).where(inArray(queues.id, [...queueIds]));
    if (found.length !== queueIds.size) throw notFound('Queue');
  }
  if (agentIds.size) {
    const found = await tx.select({ id: agents.id }).from(agents).where(inArray(agents.id, [...agentIds]));
    if (found.length !== agentIds.size) throw notFound('Agent');
  }
}

async function assertNameFree(tx: TenantTx, name: string, exceptId?: string) {
  const same = await tx.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.name, name)).get();
  if (same && same.id !== exceptId) throw new AppError('CONFLICT', `a policy named "${name}" exists already`);
}

/** All policies in the order they are tried. */
function orderedPolicies(db: TenantTx | TenantContext['data']['db']): Promise<SlaPolicy[]> {
  return db.select().from(slaPolicies).orderBy(asc(slaPolicies.position), asc(slaPolicies.id)).limit(MAX_POLICIES);
}

/** Puts `id` at `position` (1-based, clamped) and renumbers the others 1..n in their order. */
async function placeAt(tx: TenantTx, id: string, position: number | null | undefined) {
  const others = (await orderedPolicies(tx)).filter((p) => p.id !== id).map((p) => p.id);
  const at = Math.min(Math.max((position ?? others.length + 1) - 1, 0), others.length);
  const order = [...others.slice(0, at), id, ...others.slice(at)];
  for (const [i, pid] of order.entries()) await tx.update(slaPolicies).set({ position: i + 1 }).where(eq(slaPolicies.id, pid));
}

export function getSlaPolicy(ctx: TenantContext, id: string): Promise<SlaPolicy> {
  return requireRow(ctx.data.db, slaPolicies, id, 'SlaPolicy');
}

/** The tenant's policies, first tried first. */
export function listSlaPolicies(ctx: TenantContext): Promise<SlaPolicy[]> {
  return orderedPolicies(ctx.data.db);
}

/** Creates a policy at `position` (default last). Admins only. */
export async function createSlaPolicy(ctx: TenantContext, raw: unknown): Promise<SlaPolicy> {
  assertAdmin(ctx);
  const input = parseInput(createSlaPolicyInput, raw);
  const id = await ctx.data.write(async (tx) => {
    const [existing] = await tx.select({ n: count() }).from(slaPolicies);
    if ((existing?.n ?? 0) >= MAX_POLICIES) throw new AppError('CONFLICT', `a tenant keeps at most ${MAX_POLICIES} SLA policies`);
    await assertNameFree(tx, input.name);
    await assertPolicyRefs(tx, input);
    const now = new Date();
    const row: SlaPolicy = {
      id: newId(), name: input.name, position: MAX_POLICIES + 1, enabled: input.enabled, conditions: input.conditions,
      calendarId: input.calendarId ?? null, targets: input.targets.map(toTarget), warnPercent: input.warnPercent,
      warnMinutes: input.warnMinutes ?? null, escalations: input.escalations.map(toEscalation), createdAt: now, updatedAt: now,
    };
    await tx.insert(slaPolicies).values(row);
    await placeAt(tx, row.id, input.position);
    await emitEvent(tx, ctx.actor, 'sla_policy.created', row.id, { name: row.name });
    return row.id;
  });
  return getSlaPolicy(ctx, id);
}

/**
 * Changes a policy. Cases pick up the change when their matching fields next change; clocks
 * already running keep their due times until then.
 */
export async function updateSlaPolicy(ctx: TenantContext, id: string, raw: unknown): Promise<SlaPolicy> {
  assertAdmin(ctx);
  const input = parseInput(updateSlaPolicyInput, raw);
  await ctx.data.write(async (tx) => {
    const current = await requireRow(tx, slaPolicies, id, 'SlaPolicy');
    if (input.name !== undefined) await assertNameFree(tx, input.name, id);
    await assertPolicyRefs(tx, input);
    const next = {
      calendarId: input.calendarId === undefined ? current.calendarId : input.calendarId,
      targets: input.targets ? input.targets.map(toTarget) : current.targets,
    };
    if (!next.calendarId && next.targets.some((t) => t.businessHours)) {
      throw new AppError('BAD_USER_INPUT', 'invalid input: calendarId: the policy counts business hours and needs a calendar', {
        issues: [{ path: ['calendarId'], message: 'the policy counts business hours and needs a calendar' }],
      });
    }
    await tx.update(slaPolicies).set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.enabled !== undefined && { enabled: input.enabled }),
      ...(input.conditions !== undefined && { conditions: input.conditions }),
      ...(input.warnPercent !== undefined && { warnPercent: input.warnPercent }),
      ...(input.warnMinutes !== undefined && { warnMinutes: input.warnMinutes }),
      ...(input.escalations !== undefined && { escalations: input.escalations.map(toEscalation) }),
      ...next,
      updatedAt: new Date(),
    }).where(eq(slaPolicies.id, id));
    if (input.position != null) await placeAt(tx, id, input.position);
    await emitEvent(tx, ctx.actor, 'sla_policy.updated', id, { fields: Object.keys(input) });
  });
  return getSlaPolicy(ctx, id);
}

/** Deletes a policy; running clocks it started keep their targets (copied when they started). */
export async function deleteSlaPolicy(ctx: TenantContext, id: string): Promise<string> {
  assertAdmin(ctx);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, slaPolicies, id, 'SlaPolicy');
    await tx.delete(slaPolicies).where(eq(slaPolicies.id, id));
    await renumberPolicies(tx);
    await emitEvent(tx, ctx.actor, 'sla_policy.deleted', id, {});
    return id;
  });
}

/** Renumbers the policies 1..n after one left. */
async function renumberPolicies(tx: TenantTx) {
  for (const [i, p] of (await orderedPolicies(tx)).entries()) await tx.update(slaPolicies).set({ position: i + 1 }).where(eq(slaPolicies.id, p.id));
}

/** What a policy's conditions look at on a case. */
export interface CaseFacts {
  priority: Case['priority'];
  channel: Case['channel'];
  queueId: string | null;
  tier: string | null;
}

/** What of a case picks its policy (a case about to be inserted has these too). */
export type PolicyInputs = Pick<Case, 'customerId' | 'priority' | 'channel' | 'queueId'>;

/** The account tier of the case's customer, when the customer has an account with one. */
async function caseFacts(tx: TenantTx, kase: PolicyInputs): Promise<CaseFacts> {
  const row = await tx.select({ tier: accounts.tier }).from(customers)
    .innerJoin(accounts, eq(accounts.id, customers.accountId)).where(eq(customers.id, kase.customerId)).get();
  return { priority: kase.priority, channel: kase.channel, queueId: kase.queueId, tier: row?.tier ?? null };
}

const accepts = <T>(allowed: readonly T[], value: T | null) => allowed.length === 0 || (value !== null && allowed.includes(value));

/** Whether a policy's conditions select a case with these facts (every non-empty list must contain the case's value). */
export function policySelects(policy: SlaPolicy, facts: CaseFacts): boolean {
  const c = policy.conditions;
  return policy.enabled && accepts(c.priorities, facts.priority) && accepts(c.channels, facts.channel)
    && accepts(c.queueIds, facts.queueId) && accepts(c.tiers, facts.tier);
}

/**
 * The first enabled policy, in order, whose conditions select the case; null when none does.
 * The case's facts and the policies are read together (one round trip on a libsql server).
 */
export async function policyForCase(tx: TenantTx, kase: PolicyInputs): Promise<SlaPolicy | null> {
  const [facts, policies] = await Promise.all([caseFacts(tx, kase), orderedPolicies(tx)]);
  return policies.find((p) => policySelects(p, facts)) ?? null;
}

/** The policy's rule for one kind of target at a priority: the priority's own, else the one for any priority. */
export function targetRule(policy: SlaPolicy, kind: SlaTargetKind, priority: Case['priority']): SlaTargetRule | null {
  const ofKind = policy.targets.filter((t) => t.kind === kind);
  return ofKind.find((t) => t.priority === priority) ?? ofKind.find((t) => t.priority === null) ?? null;
}
