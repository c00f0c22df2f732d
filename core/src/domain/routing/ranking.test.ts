import { describe, expect, it } from 'vitest';
import { rankCandidates, requirementsAfterWait, type CandidateAgent } from './ranking.js';

const agent = (agentId: string, load: number, idleSince: number, skills: Record<string, number> = {}, capacityUnits = 6): CandidateAgent =>
  ({ agentId, capacityUnits, loadUnits: load, idleSince, skills: new Map(Object.entries(skills)) });

describe('rankCandidates', () => {
  const billing5 = [{ skill: 'billing', level: 5, additional: false }];

  it('keeps only agents with every required skill at its level and room for the weight', () => {
    const { ranked, rule } = rankCandidates([
      agent('low', 0, 1, { billing: 4 }), agent('none', 0, 1), agent('ok', 4, 1, { billing: 5 }), agent('full', 5, 1, { billing: 9 }),
    ], billing5, 2);
    expect(ranked.map((a) => a.agentId)).toEqual(['ok']);
    expect(rule).toBe('ONLY_CANDIDATE');
  });

  it('orders by skill match, then least loaded, then longest idle, and names the deciding rule', () => {
    expect(rankCandidates([agent('a', 0, 1, { billing: 5 }), agent('b', 3, 1, { billing: 7 })], billing5, 1))
      .toMatchObject({ ranked: [{ agentId: 'b' }, { agentId: 'a' }], rule: 'BEST_SKILL_MATCH' });
    expect(rankCandidates([agent('a', 3, 1, { billing: 5 }), agent('b', 1, 9, { billing: 5 })], billing5, 1))
      .toMatchObject({ ranked: [{ agentId: 'b' }, { agentId: 'a' }], rule: 'LEAST_LOADED' });
    expect(rankCandidates([agent('a', 1, 50, { billing: 5 }), agent('b', 1, 10, { billing: 5 })], billing5, 1))
      .toMatchObject({ ranked: [{ agentId: 'b' }, { agentId: 'a' }], rule: 'LONGEST_IDLE' });
    expect(rankCandidates([agent('b', 1, 10), agent('a', 1, 10)], [], 1))
      .toMatchObject({ ranked: [{ agentId: 'a' }, { agentId: 'b' }], rule: 'TIE_BREAK' });
  });

  it('compares load as a share of capacity and skips excluded agents', () => {
    const big = agent('big', 4, 1, {}, 12);
    const small = agent('small', 3, 1, {}, 6);
    expect(rankCandidates([small, big], [], 1).ranked[0]!.agentId).toBe('big');
    expect(rankCandidates([small, big], [], 1, new Set(['big'])).ranked.map((a) => a.agentId)).toEqual(['small']);
    expect(rankCandidates([], [], 1)).toEqual({ ranked: [], rule: 'NO_CANDIDATE' });
  });
});

describe('requirementsAfterWait', () => {
  const skills = [{ skill: 'billing', level: 3, additional: false }, { skill: 'spanish', level: 2, additional: true }];
  it('drops additional skills once the item waited the drop time, never the others', () => {
    expect(requirementsAfterWait(skills, 60, 59_999)).toEqual({ required: skills, dropped: [] });
    expect(requirementsAfterWait(skills, 60, 60_000)).toEqual({ required: [skills[0]], dropped: ['spanish'] });
    expect(requirementsAfterWait(skills, null, 1e9)).toEqual({ required: skills, dropped: [] });
  });
});
