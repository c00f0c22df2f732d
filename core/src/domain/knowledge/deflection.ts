import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDb } from '../../db/tenant-db.js';
import { KNOWLEDGE_ACTIVITY_KINDS, cases, knowledgeActivity } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';

/** How long after a search or view a case from the same visitor still means self-service failed. */
export const DEFAULT_DEFLECTION_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The longest window accepted (a month): beyond it a case is a new question, not a failed search. */
export const MAX_DEFLECTION_WINDOW_MS = 31 * 24 * 60 * 60 * 1000;
/** The longest period one deflection query covers. */
export const MAX_DEFLECTION_PERIOD_MS = 366 * 24 * 60 * 60 * 1000;

/** A portal session id or an anonymous visitor id (from a cookie): opaque, bounded, plain characters. */
export const visitorId = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'a visitor id of 8 to 128 letters, digits or _.:-');

export const knowledgeActivityInput = z.object({
  visitor: visitorId,
  customerId: z.string().min(1).max(64).nullish(),
  kind: z.enum(KNOWLEDGE_ACTIVITY_KINDS),
  articleId: z.string().min(1).max(64).nullish(),
  at: z.date().optional(),
});

/**
 * Records one piece of self-service activity: a search (kind SEARCH), an article view (VIEW), or
 * a case the visitor opened (CASE). One small insert into an append-only table; the query is not
 * stored (it may hold personal data and deflection does not need it).
 */
export async function recordKnowledgeActivity(data: TenantDb, raw: z.input<typeof knowledgeActivityInput>): Promise<void> {
  const input = parseInput(knowledgeActivityInput, raw);
  await data.write((tx) => tx.insert(knowledgeActivity).values({
    visitor: input.visitor, customerId: input.customerId ?? null, kind: input.kind, articleId: input.articleId ?? null, at: input.at ?? new Date(),
  }));
}

export interface DeflectionStats {
  /** Searches and views in the period whose window has closed. */
  events: number;
  /** Of those, the ones no case from the same visitor (or signed-in customer) followed within the window. */
  deflected: number;
  /** deflected / events, or null without events. */
  rate: number | null;
  /** Searches and views in the period whose window is still open (not yet decided, not counted). */
  pending: number;
}

export interface DeflectionOptions {
  windowMs?: number;
  /** The clock (tests set it); events whose window ends after it are pending. */
  now?: Date;
}

/**
 * Deflection over [from, to): each portal search or article view counts as deflected when no case
 * followed from that visitor within the window: neither a CASE activity of the same visitor id nor,
 * for a signed-in visitor, a case of the same customer on any channel. Computed in one SQL query
 * over the activity's time index, probing the visitor and the customer's-cases indexes per event.
 */
export async function deflectionRate(ctx: { data: TenantDb }, from: Date, to: Date, options: DeflectionOptions = {}): Promise<DeflectionStats> {
  const windowMs = parseInput(z.number().int().min(60_000).max(MAX_DEFLECTION_WINDOW_MS), options.windowMs ?? DEFAULT_DEFLECTION_WINDOW_MS);
  if (!(to.getTime() > from.getTime()) || to.getTime() - from.getTime() > MAX_DEFLECTION_PERIOD_MS) {
    throw new AppError('BAD_USER_INPUT', 'the period must end after it starts and cover at most 366 days');
  }
  const now = (options.now ?? new Date()).getTime();
  const a = knowledgeActivity;
  const followedByCase = sql`(exists (select 1 from ${a} c where c.visitor = ${a.visitor} and c.kind = 'CASE' and c.at >= ${a.at} and c.at < ${a.at} + ${windowMs})
    or (${a.customerId} is not null and exists (select 1 from ${cases} k where k.customer_id = ${a.customerId} and k.created_at >= ${a.at} and k.created_at < ${a.at} + ${windowMs})))`;
  const decided = sql`${a.at} + ${windowMs} <= ${now}`;
  const [row] = await ctx.data.db.select({
    events: sql<number>`coalesce(sum(case when ${decided} then 1 else 0 end), 0)`,
    deflected: sql<number>`coalesce(sum(case when ${decided} and not ${followedByCase} then 1 else 0 end), 0)`,
    pending: sql<number>`coalesce(sum(case when ${decided} then 0 else 1 end), 0)`,
  }).from(a).where(sql`${a.at} >= ${from.getTime()} and ${a.at} < ${to.getTime()} and ${a.kind} in ('SEARCH', 'VIEW')`);
  const events = Number(row?.events ?? 0);
  const deflected = Number(row?.deflected ?? 0);
  return { events, deflected, rate: events > 0 ? deflected / events : null, pending: Number(row?.pending ?? 0) };
}
