import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import { caseSlaTargets, type SlaTargetKind } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { CaseSlaTarget } from './targets.js';

export const MAX_DUE_TARGETS = 100;

/**
 * Running clocks due before `before`, soonest first (a "breaching soon" work list). Reads the
 * (status, due_at) index only.
 */
export async function slaTargetsDue(ctx: TenantContext, args: { before: Date; first?: number | null }): Promise<CaseSlaTarget[]> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_DUE_TARGETS) {
    throw new AppError('BAD_USER_INPUT', `invalid input: first: is 1–${MAX_DUE_TARGETS}`, { issues: [{ path: ['first'], message: `is 1–${MAX_DUE_TARGETS}` }] });
  }
  return ctx.data.db.select().from(caseSlaTargets)
    .where(and(eq(caseSlaTargets.status, 'ACTIVE'), lte(caseSlaTargets.dueAt, args.before)))
    .orderBy(asc(caseSlaTargets.dueAt), asc(caseSlaTargets.id)).limit(first);
}

/** Clocks decided in a period, per kind: met (HIT at its hit time) and missed (at its breach time). */
export interface SlaOutcome {
  kind: SlaTargetKind;
  hit: number;
  missed: number;
}

/**
 * How many clocks were met and missed in [from, to), per kind, counted by SQL over the index on
 * when each was decided (hit or breached). The hit rate is hit / (hit + missed).
 */
export async function slaOutcomes(ctx: TenantContext, range: { from: Date; to: Date }): Promise<SlaOutcome[]> {
  const decidedAt = sql`coalesce(${caseSlaTargets.hitAt}, ${caseSlaTargets.breachedAt})`;
  const rows = await ctx.data.db.select({
    kind: caseSlaTargets.kind,
    hit: sql<number>`sum(case when ${caseSlaTargets.status} = 'HIT' then 1 else 0 end)`,
    missed: sql<number>`sum(case when ${caseSlaTargets.status} = 'MISSED' then 1 else 0 end)`,
  }).from(caseSlaTargets)
    .where(and(gte(decidedAt, range.from.getTime()), lt(decidedAt, range.to.getTime())))
    .groupBy(caseSlaTargets.kind).orderBy(asc(caseSlaTargets.kind));
  return rows.map((r) => ({ kind: r.kind, hit: Number(r.hit), missed: Number(r.missed) }));
}
