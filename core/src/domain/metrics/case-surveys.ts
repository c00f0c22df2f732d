import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { caseSurveys, cases } from '../../db/tenant-schema.js';
import { AppError, notFound } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';

export type CaseSurvey = typeof caseSurveys.$inferSelect;

export const caseSurveyInput = z.object({
  caseId: z.string().min(1).max(100),
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(2_000).nullish().transform((c) => (c ? c : null)),
});

const SOLVED = new Set(['SOLVED', 'CLOSED']);

/**
 * Records how satisfied the case's customer is with it (CSAT, 1–5), once per case and only once
 * it is solved. `asCustomer` is set when the customer answers themselves (the portal): a case of
 * anyone else's is NOT_FOUND, like a missing one. An API key records answers collected elsewhere.
 */
export async function rateCase(ctx: TenantContext, raw: unknown, asCustomer?: string, now = new Date()): Promise<CaseSurvey> {
  assertCanWrite(ctx);
  const input = parseInput(caseSurveyInput, raw);
  return ctx.data.write(async (tx) => {
    const kase = await requireRow(tx, cases, input.caseId, 'Case');
    if (asCustomer !== undefined && kase.customerId !== asCustomer) throw notFound('Case');
    if (!SOLVED.has(kase.status)) throw new AppError('CONFLICT', 'a case is rated once it is solved');
    const row: CaseSurvey = { caseId: kase.id, customerId: kase.customerId, rating: input.rating, comment: input.comment, answeredAt: now };
    // The primary key keeps it to one answer per case, also between two concurrent answers.
    const inserted = await tx.insert(caseSurveys).values(row).onConflictDoNothing().returning({ caseId: caseSurveys.caseId });
    if (inserted.length === 0) throw new AppError('ALREADY_RATED', 'this case has been rated already');
    await emitEvent(tx, ctx.actor, 'case.rated', kase.id, { customerId: kase.customerId, rating: row.rating });
    return row;
  });
}

/** The ratings of these cases, by case id (cases without one are left out). */
export async function surveysOf(ctx: TenantContext, caseIds: readonly string[]): Promise<Map<string, CaseSurvey>> {
  if (caseIds.length === 0) return new Map();
  const rows = await ctx.data.db.select().from(caseSurveys).where(inArray(caseSurveys.caseId, [...caseIds]));
  return new Map(rows.map((r) => [r.caseId, r]));
}

/** One case's rating, or null. */
export async function surveyOf(ctx: TenantContext, caseId: string): Promise<CaseSurvey | null> {
  const [row] = await ctx.data.db.select().from(caseSurveys).where(eq(caseSurveys.caseId, caseId));
  return row ?? null;
}
