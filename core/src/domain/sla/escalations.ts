import { desc, eq } from 'drizzle-orm';
import { slaEscalations } from '../../db/tenant-schema.js';
import type { TenantContext } from '../../tenancy/context.js';

export type SlaEscalation = typeof slaEscalations.$inferSelect;

/** The escalations applied to a case, newest first (at most `limit`). */
export function listSlaEscalations(ctx: TenantContext, caseId: string, limit = 50): Promise<SlaEscalation[]> {
  return ctx.data.db.select().from(slaEscalations).where(eq(slaEscalations.caseId, caseId))
    .orderBy(desc(slaEscalations.createdAt), desc(slaEscalations.id)).limit(limit);
}
