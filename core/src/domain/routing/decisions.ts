import { and, desc, eq } from 'drizzle-orm';
import { routingDecisions, type RoutingCandidateSnapshot } from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { newId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { timeKey, type Connection, type PageArgs } from '../pagination.js';
import { pageOfRows } from '../rows.js';
import type { CandidateAgent, RankedChoice, SkillRequirement } from './ranking.js';

export type RoutingDecision = typeof routingDecisions.$inferSelect;

/** How many of the ranked candidates a decision keeps (all of them are counted). */
const KEPT_CANDIDATES = 10;

const snapshot = (a: CandidateAgent, skillScore: number): RoutingCandidateSnapshot => ({
  agentId: a.agentId, loadUnits: a.loadUnits, capacityUnits: a.capacityUnits, skillScore, idleSince: a.idleSince,
  skills: [...a.skills].map(([skill, level]) => ({ skill, level })),
});

export interface DecisionFacts {
  caseId: string;
  queueId: string | null;
  kind: RoutingDecision['kind'];
  agentId: string | null;
  weight: number;
  required: SkillRequirement[];
  dropped: string[];
  choice: RankedChoice;
  actor: string;
  now: Date;
}

/** Writes why a case went where it went, in the transaction that sent it there. */
export async function recordDecision(tx: TenantTx, facts: DecisionFacts): Promise<RoutingDecision> {
  const scoreOf = (a: CandidateAgent) => facts.required.reduce((s, r) => s + (a.skills.get(r.skill) ?? 0), 0);
  const row: RoutingDecision = {
    id: newId(), caseId: facts.caseId, queueId: facts.queueId, kind: facts.kind, agentId: facts.agentId, rule: facts.choice.rule,
    weight: facts.weight, requiredSkills: facts.required, droppedSkills: facts.dropped,
    candidates: facts.choice.ranked.slice(0, KEPT_CANDIDATES).map((a) => snapshot(a, scoreOf(a))),
    candidateCount: facts.choice.ranked.length, actor: facts.actor, createdAt: facts.now,
  };
  await tx.insert(routingDecisions).values(row);
  return row;
}

/** A case's routing decisions, newest first (a Relay connection). */
export function listDecisions(ctx: TenantContext, caseId: string, args: PageArgs): Promise<Connection<RoutingDecision>> {
  return pageOfRows(ctx.data.db, routingDecisions, [eq(routingDecisions.caseId, caseId)], {
    sort: routingDecisions.createdAt, id: routingDecisions.id, direction: 'desc', sortValue: (d) => timeKey(d.createdAt),
  }, args);
}

/** The decision behind the case's current offer to `agentId`. */
export async function offerDecision(ctx: TenantContext, caseId: string, agentId: string): Promise<RoutingDecision | null> {
  const [row] = await ctx.data.db.select().from(routingDecisions)
    .where(and(eq(routingDecisions.caseId, caseId), eq(routingDecisions.agentId, agentId), eq(routingDecisions.kind, 'OFFER')))
    .orderBy(desc(routingDecisions.createdAt), desc(routingDecisions.id)).limit(1);
  return row ?? null;
}
