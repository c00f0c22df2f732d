import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { CHANNELS, queueRouting, queues, RETURN_ACTIONS, routingChannelWeights } from '../../db/tenant-schema.js';
import type { TenantDrizzle, TenantTx } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { assertAdmin, type TenantContext } from '../../tenancy/context.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import type { SkillRequirement } from './ranking.js';
import { routingConfigured } from './activity.js';

export type QueueRouting = typeof queueRouting.$inferSelect;
export type Channel = (typeof CHANNELS)[number];

/**
 * Capacity units a case of each channel takes. A standard agent has 6 units (the default
 * capacity): a call or video takes all of them, a chat a third, an email a sixth. A case with no
 * channel weighs like an email. Tenants change them with setChannelWeights.
 */
export const DEFAULT_CHANNEL_WEIGHTS: Readonly<Record<Channel, number>> = {
  PHONE: 6, VIDEO: 6, CHAT: 2, SMS: 1, SOCIAL: 1, EMAIL: 1, PORTAL: 1,
};
export const UNTYPED_CASE_WEIGHT = 1;
export type ChannelWeights = Record<Channel, number>;

/** The unit count of a case of `channel` under `weights`. */
export const weightOf = (weights: ChannelWeights, channel: string | null): number =>
  (channel && channel in weights ? weights[channel as Channel] : UNTYPED_CASE_WEIGHT);

export async function loadChannelWeights(db: TenantDrizzle | TenantTx): Promise<ChannelWeights> {
  const rows = await db.select().from(routingChannelWeights);
  const weights: ChannelWeights = { ...DEFAULT_CHANNEL_WEIGHTS };
  for (const r of rows) if (r.channel in weights) weights[r.channel as Channel] = r.units;
  return weights;
}

const skillName = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a skill is 1–40 letters, digits, _ or -');

export const queueRoutingInput = z.object({
  queueId: z.string().min(1).max(100),
  priority: z.number().int().min(1).max(100).default(5),
  skills: z.array(z.object({ skill: skillName, level: z.number().int().min(1).max(10).default(1), additional: z.boolean().default(false) })).max(20)
    .refine((s) => new Set(s.map((x) => x.skill)).size === s.length, 'each skill once').default([]),
  skillDropSeconds: z.number().int().min(0).max(7 * 24 * 3600).nullish(),
  offerTimeoutSeconds: z.number().int().min(5).max(3600).default(30),
  returnAfterMinutes: z.number().int().min(1).max(30 * 24 * 60).nullish(),
  returnAction: z.enum(RETURN_ACTIONS).default('REROUTE'),
  fallbackQueueId: z.string().min(1).max(100).nullish(),
}).refine((v) => v.returnAction !== 'FALLBACK_QUEUE' || !!v.fallbackQueueId, { message: 'FALLBACK_QUEUE needs a fallbackQueueId', path: ['fallbackQueueId'] })
  .refine((v) => v.fallbackQueueId !== v.queueId, { message: 'a queue cannot fall back to itself', path: ['fallbackQueueId'] });

export const channelWeightsInput = z.object({
  weights: z.array(z.object({ channel: z.enum(CHANNELS), units: z.number().int().min(1).max(100) })).min(1).max(CHANNELS.length)
    .refine((w) => new Set(w.map((x) => x.channel)).size === w.length, 'each channel once'),
});

/**
 * Sets how a queue is routed (admins). From then on the periodic sweep offers its waiting cases
 * to agents; queues never configured are routed only on request (routeCase).
 */
export async function configureQueueRouting(ctx: TenantContext, raw: unknown, now = new Date()): Promise<QueueRouting> {
  assertAdmin(ctx);
  const input = parseInput(queueRoutingInput, raw);
  const configured = await ctx.data.write(async (tx) => {
    await requireRow(tx, queues, input.queueId, 'Queue');
    if (input.fallbackQueueId) await requireRow(tx, queues, input.fallbackQueueId, 'Queue');
    const row: QueueRouting = {
      queueId: input.queueId, priority: input.priority, skills: input.skills, skillDropSeconds: input.skillDropSeconds ?? null,
      offerTimeoutSeconds: input.offerTimeoutSeconds, returnAfterMinutes: input.returnAfterMinutes ?? null,
      returnAction: input.returnAction, fallbackQueueId: input.fallbackQueueId ?? null, updatedAt: now,
    };
    const { queueId, ...rest } = row;
    await tx.insert(queueRouting).values(row).onConflictDoUpdate({ target: queueRouting.queueId, set: rest });
    await emitEvent(tx, ctx.actor, 'queue.routing_configured', queueId, { priority: row.priority, returnAction: row.returnAction });
    return row;
  });
  routingConfigured(ctx.tenantId);
  return configured;
}

/** Sets the capacity units of the given channels (admins); the others keep theirs. */
export async function setChannelWeights(ctx: TenantContext, raw: unknown, now = new Date()): Promise<ChannelWeights> {
  assertAdmin(ctx);
  const input = parseInput(channelWeightsInput, raw);
  return ctx.data.write(async (tx) => {
    for (const w of input.weights) {
      await tx.insert(routingChannelWeights).values({ channel: w.channel, units: w.units, updatedAt: now })
        .onConflictDoUpdate({ target: routingChannelWeights.channel, set: { units: w.units, updatedAt: now } });
    }
    return loadChannelWeights(tx);
  });
}

export async function getQueueRouting(db: TenantDrizzle | TenantTx, queueId: string): Promise<QueueRouting | null> {
  const [row] = await db.select().from(queueRouting).where(eq(queueRouting.queueId, queueId)).limit(1);
  return row ?? null;
}

/** The routing configuration of every configured queue (a tenant has a handful of queues). */
export function listQueueRoutings(ctx: TenantContext): Promise<QueueRouting[]> {
  return ctx.data.db.select().from(queueRouting);
}

/** The routing rules in force for a queue: its configuration, else its legacy single required skill. */
export interface EffectiveRouting {
  queueId: string | null;
  priority: number;
  skills: SkillRequirement[];
  skillDropSeconds: number | null;
  offerTimeoutSeconds: number;
}

export async function effectiveRouting(db: TenantDrizzle | TenantTx, queueId: string | null): Promise<EffectiveRouting> {
  if (!queueId) return { queueId: null, priority: 5, skills: [], skillDropSeconds: null, offerTimeoutSeconds: 30 };
  const configured = await getQueueRouting(db, queueId);
  if (configured) return configured;
  const queue = await requireRow(db, queues, queueId, 'Queue');
  return {
    queueId, priority: 5, skillDropSeconds: null, offerTimeoutSeconds: 30,
    skills: queue.requiredSkill ? [{ skill: queue.requiredSkill, level: 1, additional: false }] : [],
  };
}

/** Thrown inside a routing transaction when a conditional write found the row changed. */
export class RoutingConflict extends AppError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}
