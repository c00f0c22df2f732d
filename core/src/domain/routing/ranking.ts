/**
 * The router's choice, as a pure function: which agents qualify for a work item and which one
 * wins. Kept free of the database so the rules are tested directly and the router can rank
 * a batch of items against one snapshot of the agents.
 */

/** A skill a queue asks for; an additional one stops counting once the item waited past the drop time. */
export interface SkillRequirement {
  skill: string;
  level: number;
  additional: boolean;
}

/** An available agent as the router sees it at one moment. */
export interface CandidateAgent {
  agentId: string;
  capacityUnits: number;
  loadUnits: number;
  /** Epoch ms since when the agent has had no new work (or became available). */
  idleSince: number;
  skills: ReadonlyMap<string, number>;
}

/** Why the winner won over the runner-up: the first rule that told them apart. */
export type RoutingRule = 'TRANSFER' | 'ONLY_CANDIDATE' | 'BEST_SKILL_MATCH' | 'LEAST_LOADED' | 'LONGEST_IDLE' | 'TIE_BREAK' | 'NO_CANDIDATE';

export interface RankedChoice {
  /** Qualifying agents, best first. */
  ranked: CandidateAgent[];
  rule: RoutingRule;
}

/** The requirements still in force for an item that has waited `waitedMs`, and those dropped. */
export function requirementsAfterWait(
  skills: readonly SkillRequirement[], skillDropSeconds: number | null, waitedMs: number,
): { required: SkillRequirement[]; dropped: string[] } {
  const dropping = skillDropSeconds !== null && waitedMs >= skillDropSeconds * 1000;
  if (!dropping) return { required: [...skills], dropped: [] };
  return { required: skills.filter((s) => !s.additional), dropped: skills.filter((s) => s.additional).map((s) => s.skill) };
}

/** Sum of the agent's levels over the required skills; null when one is missing or too low. */
export function skillScore(agent: CandidateAgent, required: readonly SkillRequirement[]): number | null {
  let score = 0;
  for (const r of required) {
    const level = agent.skills.get(r.skill);
    if (level === undefined || level < r.level) return null;
    score += level;
  }
  return score;
}

const loadRatio = (a: CandidateAgent) => (a.capacityUnits > 0 ? a.loadUnits / a.capacityUnits : 1);

/**
 * Ranks the agents who can take an item of `weight` units: every required skill at its level and
 * spare capacity. Among them the best skill match first (most suited), then the least loaded
 * (share of capacity in use), then the longest idle; the agent id settles exact ties so two
 * routers looking at the same data agree.
 */
export function rankCandidates(
  agents: readonly CandidateAgent[], required: readonly SkillRequirement[], weight: number, excluded: ReadonlySet<string> = new Set(),
): RankedChoice {
  const scored: { agent: CandidateAgent; score: number }[] = [];
  for (const agent of agents) {
    if (excluded.has(agent.agentId) || agent.loadUnits + weight > agent.capacityUnits) continue;
    const score = skillScore(agent, required);
    if (score !== null) scored.push({ agent, score });
  }
  scored.sort((x, y) => y.score - x.score || loadRatio(x.agent) - loadRatio(y.agent)
    || x.agent.idleSince - y.agent.idleSince || (x.agent.agentId < y.agent.agentId ? -1 : 1));
  const ranked = scored.map((s) => s.agent);
  return { ranked, rule: decidingRule(scored) };
}

function decidingRule(scored: readonly { agent: CandidateAgent; score: number }[]): RoutingRule {
  const [first, second] = scored;
  if (!first) return 'NO_CANDIDATE';
  if (!second) return 'ONLY_CANDIDATE';
  if (first.score !== second.score) return 'BEST_SKILL_MATCH';
  if (loadRatio(first.agent) !== loadRatio(second.agent)) return 'LEAST_LOADED';
  if (first.agent.idleSince !== second.agent.idleSince) return 'LONGEST_IDLE';
  return 'TIE_BREAK';
}
