import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addInteraction } from '../interactions.js';
import { getCase, routeCase, updateCase } from '../cases.js';
import { acceptOffer, declineOffer } from './offers.js';
import { inviteExpert, participantsOf, releaseCase, transferCase } from './handoffs.js';
import { listDecisions } from './decisions.js';
import { setChannelWeights } from './config.js';
import { setPresence } from './presence.js';
import { getWorkItem, offersOf } from './router.js';
import { sweepRouting } from './timers.js';
import { routingWorld, type RoutingWorld } from './test-kit.js';

let w: RoutingWorld;
beforeEach(async () => { w = await routingWorld(); });
afterEach(async () => { await w.close(); });

const T0 = new Date('2026-06-01T09:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('routeCase through the router', () => {
  it('assigns only to an available agent with every required skill at its level, and records why', async () => {
    await w.agent('Low', [{ skill: 'billing', level: 4 }, { skill: 'french', level: 9 }]);
    await w.agent('Away', [{ skill: 'billing', level: 9 }, { skill: 'french', level: 9 }], 6, 'AWAY');
    const fit = await w.agent('Fit', [{ skill: 'billing', level: 6 }, { skill: 'french', level: 2 }]);
    const queue = await w.queue('Billing FR', { skills: [{ skill: 'billing', level: 5 }, { skill: 'french', level: 2 }] });
    const routed = await routeCase(w.admin, (await w.kase(queue)).id);
    expect(routed).toMatchObject({ assigneeId: fit, status: 'OPEN' });

    const { edges } = await listDecisions(w.admin, routed.id, { first: 5 });
    expect(edges.map((e) => e.node)).toMatchObject([{
      kind: 'ASSIGN', agentId: fit, rule: 'ONLY_CANDIDATE', candidateCount: 1, weight: 1,
      requiredSkills: [{ skill: 'billing', level: 5 }, { skill: 'french', level: 2 }],
      candidates: [{ agentId: fit, loadUnits: 0, capacityUnits: 6, skillScore: 8 }],
    }]);
    expect((await w.events(['case.assigned'])).map((e) => e.payload.agentId)).toEqual([fit]);
  });

  it('fills capacity by channel weight: three chats or one call, never more; solving frees room', async () => {
    const only = await w.agent('Only');
    const queue = await w.queue('Chat');
    const chats = [await w.kase(queue, 'CHAT'), await w.kase(queue, 'CHAT'), await w.kase(queue, 'CHAT'), await w.kase(queue, 'CHAT')];
    for (const c of chats.slice(0, 3)) expect((await routeCase(w.admin, c.id)).assigneeId).toBe(only);
    await expect(routeCase(w.admin, chats[3]!.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await getCase(w.admin, chats[3]!.id)).toMatchObject({ assigneeId: null, status: 'NEW' });
    for (const c of chats.slice(0, 3)) await updateCase(w.admin, c.id, { status: 'SOLVED' });
    const call = await w.kase(queue, 'PHONE');
    expect((await routeCase(w.admin, call.id)).assigneeId).toBe(only);
    await expect(routeCase(w.admin, chats[3]!.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    // Weights are the tenant's to change: a call worth 3 leaves room for a chat.
    await updateCase(w.admin, call.id, { status: 'SOLVED' });
    await setChannelWeights(w.admin, { weights: [{ channel: 'PHONE', units: 3 }] });
    const call2 = await w.kase(queue, 'PHONE');
    await routeCase(w.admin, call2.id);
    expect((await routeCase(w.admin, chats[3]!.id)).assigneeId).toBe(only);
  });
});

describe('offers from the sweep', () => {
  it('serves queues by priority, then the oldest item first', async () => {
    const agent = await w.agent('Solo', [], 1);
    const low = await w.queue('Low', { priority: 9 });
    const high = await w.queue('High', { priority: 1 });
    const oldLow = await w.kase(low);
    const oldHigh = await w.kase(high);
    const newHigh = await w.kase(high);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const report = await sweepRouting(w.admin, at(i * 10));
      expect(report.offered).toBe(1);
      const [offer] = await offersOf(w.admin, agent);
      order.push(offer!.caseId);
      await acceptOffer(w.as(agent), offer!.caseId, at(i * 10 + 1));
      await updateCase(w.admin, offer!.caseId, { status: 'SOLVED' });
    }
    expect(order).toEqual([oldHigh.id, newHigh.id, oldLow.id]);
  });

  it('drops additional skills after the queue\'s skill-drop time', async () => {
    const plain = await w.agent('Plain', [{ skill: 'billing', level: 5 }]);
    const queue = await w.queue('Billing ES', {
      skills: [{ skill: 'billing', level: 5 }, { skill: 'spanish', level: 3, additional: true }], skillDropSeconds: 120,
    });
    const kase = await w.kase(queue);
    const enqueuedAt = (await sweepRouting(w.admin, at(0)), await getWorkItem(w.admin.data.db, kase.id))!.enqueuedAt;
    expect((await getWorkItem(w.admin.data.db, kase.id))!.state).toBe('WAITING');
    const late = new Date(enqueuedAt.getTime() + 121_000);
    expect((await sweepRouting(w.admin, late)).offered).toBe(1);
    const { edges } = await listDecisions(w.admin, kase.id, {});
    expect(edges[0]!.node).toMatchObject({ kind: 'OFFER', agentId: plain, droppedSkills: ['spanish'], requiredSkills: [{ skill: 'billing' }] });
  });

  it('moves an offer not accepted in time to the next agent, and the first can no longer accept it', async () => {
    const first = await w.agent('First');
    const second = await w.agent('Second');
    const queue = await w.queue('Web', { offerTimeoutSeconds: 30 });
    const kase = await w.kase(queue, 'CHAT');
    await sweepRouting(w.admin, at(0));
    const offered = await getWorkItem(w.admin.data.db, kase.id);
    expect(offered).toMatchObject({ state: 'OFFERED', agentId: first });
    expect((await sweepRouting(w.admin, at(29))).expired).toBe(0);
    await expect(acceptOffer(w.as(first), kase.id, at(30))).rejects.toMatchObject({ code: 'OFFER_EXPIRED' });
    const report = await sweepRouting(w.admin, at(31));
    expect(report).toMatchObject({ expired: 1, offered: 1 });
    expect(await getWorkItem(w.admin.data.db, kase.id)).toMatchObject({ state: 'OFFERED', agentId: second, excludedAgentIds: [first] });
    await expect(acceptOffer(w.as(first), kase.id, at(32))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await acceptOffer(w.as(second), kase.id, at(33))).toMatchObject({ assigneeId: second, status: 'OPEN' });
    expect((await w.events(['routing.offered', 'routing.offer_expired', 'routing.accepted', 'case.assigned'])).map((e) => [e.type, e.payload.agentId]))
      .toEqual([['routing.offered', first], ['routing.offer_expired', first], ['routing.offered', second], ['routing.accepted', second], ['case.assigned', second]]);
  });

  it('a declined offer goes to the next agent with the reason recorded; an offer is only its agent\'s to answer', async () => {
    const first = await w.agent('First');
    const second = await w.agent('Second');
    const queue = await w.queue('Mail', {});
    const kase = await w.kase(queue);
    await sweepRouting(w.admin, at(0));
    await expect(declineOffer(w.as(second), kase.id, { reason: 'BUSY' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(declineOffer(w.as(first), kase.id, { reason: 'SLEEPY' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await declineOffer(w.as(first), kase.id, { reason: 'NOT_MY_SKILL', note: 'needs a refund approver' });
    expect((await w.events(['routing.declined']))[0]!.payload).toMatchObject({ agentId: first, reason: 'NOT_MY_SKILL', note: 'needs a refund approver' });
    await sweepRouting(w.admin, at(1));
    expect(await getWorkItem(w.admin.data.db, kase.id)).toMatchObject({ state: 'OFFERED', agentId: second });
  });

  it('going away hands pending offers back; offers never exceed an agent\'s capacity', async () => {
    const agent = await w.agent('Solo', [], 2);
    const queue = await w.queue('Mail', {});
    const cases = [await w.kase(queue), await w.kase(queue), await w.kase(queue)];
    expect((await sweepRouting(w.admin, at(0))).offered).toBe(2);
    expect(await offersOf(w.admin, agent)).toHaveLength(2);
    await setPresence(w.as(agent), { presence: 'BUSY' }, at(1));
    expect(await offersOf(w.admin, agent)).toHaveLength(0);
    expect((await sweepRouting(w.admin, at(2))).offered).toBe(0);
    expect((await getCase(w.admin, cases[0]!.id)).assigneeId).toBeNull();
  });
});

describe('return timer', () => {
  async function assigned(routing: Record<string, unknown>) {
    const first = await w.agent('First');
    const second = await w.agent('Second');
    const fallback = await w.queue('Fallback', {});
    const queue = await w.queue('Timed', { returnAfterMinutes: 10, ...routing, ...(routing.returnAction === 'FALLBACK_QUEUE' ? { fallbackQueueId: fallback } : {}) });
    const kase = await w.kase(queue);
    await sweepRouting(w.admin, at(0));
    await acceptOffer(w.as(first), kase.id, at(5));
    return { first, second, fallback, queue, kase };
  }

  it('returns a case whose assignee did not reply to routing, and re-offers it to someone else', async () => {
    const { first, second, kase } = await assigned({ returnAction: 'REROUTE' });
    expect((await sweepRouting(w.admin, at(5 + 599))).returned).toBe(0);
    const report = await sweepRouting(w.admin, at(5 + 600));
    expect(report).toMatchObject({ returned: 1, offered: 1 });
    expect((await getCase(w.admin, kase.id)).assigneeId).toBeNull();
    expect(await getWorkItem(w.admin.data.db, kase.id)).toMatchObject({ state: 'OFFERED', agentId: second });
    expect((await w.events(['case.returned']))[0]!.payload).toMatchObject({ agentId: first, action: 'REROUTE' });
  });

  it('leaves a case alone once its assignee replied on it', async () => {
    const { first, kase } = await assigned({ returnAction: 'REROUTE' });
    await addInteraction(w.admin, { customerId: kase.customerId, caseId: kase.id, channel: 'EMAIL', direction: 'OUTBOUND', body: 'On it', agentId: first, occurredAt: at(60).toISOString() });
    expect((await sweepRouting(w.admin, at(3600))).returned).toBe(0);
    expect((await getCase(w.admin, kase.id)).assigneeId).toBe(first);
  });

  it('moves the case to the fallback queue', async () => {
    const { kase, fallback } = await assigned({ returnAction: 'FALLBACK_QUEUE' });
    await sweepRouting(w.admin, at(700));
    expect(await getCase(w.admin, kase.id)).toMatchObject({ queueId: fallback });
    expect((await getWorkItem(w.admin.data.db, kase.id))!.queueId).toBe(fallback);
  });

  it('escalates once and keeps the assignment', async () => {
    const { first, kase } = await assigned({ returnAction: 'ESCALATE' });
    expect((await sweepRouting(w.admin, at(700))).escalated).toBe(1);
    expect((await sweepRouting(w.admin, at(800))).escalated).toBe(0);
    expect((await getCase(w.admin, kase.id)).assigneeId).toBe(first);
    expect((await w.events(['routing.escalated']))).toMatchObject([{ subjectId: kase.id, payload: { agentId: first, reason: 'NO_REPLY' } }]);
  });
});

describe('hand-offs', () => {
  it('transfers to an agent with room (AGENT_AT_CAPACITY otherwise) or a queue, releases, invites experts', async () => {
    const owner = await w.agent('Owner');
    const full = await w.agent('Full', [], 0);
    const other = await w.agent('Other');
    const expert = await w.agent('Expert', [], 6, 'OFFLINE');
    const queue = await w.queue('Q');
    const second = await w.queue('Second');
    const kase = await w.kase(queue);
    await transferCase(w.admin, kase.id, { toAgentId: owner });
    await expect(transferCase(w.as(other), kase.id, { toAgentId: other })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(transferCase(w.as(owner), kase.id, { toAgentId: full })).rejects.toMatchObject({ code: 'AGENT_AT_CAPACITY' });
    await expect(transferCase(w.as(owner), kase.id, { toAgentId: other, toQueueId: second })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await transferCase(w.as(owner), kase.id, { toAgentId: other })).toMatchObject({ assigneeId: other });
    const [transfer] = (await listDecisions(w.admin, kase.id, {})).edges;
    expect(transfer!.node).toMatchObject({ kind: 'TRANSFER', rule: 'TRANSFER', agentId: other });

    const participant = await inviteExpert(w.as(other), kase.id, expert);
    expect(participant).toMatchObject({ caseId: kase.id, agentId: expert });
    await expect(inviteExpert(w.as(other), kase.id, expert)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(inviteExpert(w.as(other), kase.id, other)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await participantsOf(w.admin, kase.id)).map((p) => p.agentId)).toEqual([expert]);
    expect((await getCase(w.admin, kase.id)).assigneeId).toBe(other);

    expect(await releaseCase(w.as(other), kase.id)).toMatchObject({ assigneeId: null });
    expect(await getWorkItem(w.admin.data.db, kase.id)).toMatchObject({ state: 'WAITING', excludedAgentIds: [other] });
    expect(await transferCase(w.admin, kase.id, { toQueueId: second })).toMatchObject({ queueId: second, assigneeId: null });
    expect(await getWorkItem(w.admin.data.db, kase.id)).toMatchObject({ state: 'WAITING', queueId: second, excludedAgentIds: [] });
    expect((await w.events(['case.transferred', 'case.released', 'case.expert_invited'])).map((e) => e.type))
      .toEqual(['case.transferred', 'case.transferred', 'case.expert_invited', 'case.released', 'case.transferred']);
  });
});
