import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import { routeCase, updateCase, type Case } from '../cases.js';
import { assignCaseNow } from './router.js';
import { sweepRouting } from './timers.js';
import { routingWorld, type RoutingWorld } from './test-kit.js';

let w: RoutingWorld;
beforeEach(async () => { w = await routingWorld(); });
afterEach(async () => { await w.close(); });

/** Routes one case; the agent it went to, or null when nobody had room (CONFLICT). */
async function tryRoute(ctx: TenantContext, id: string): Promise<string | null> {
  try {
    return (await routeCase(ctx, id)).assigneeId;
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT') return null;
    throw err;
  }
}

/** Units in use per agent as the database holds them: open cases by channel weight plus offers. */
async function loads(): Promise<Map<string, { load: number; capacity: number }>> {
  const rows = await w.data.db.all<{ id: string; load: number; capacity: number }>(sql`
    select a.id, a.capacity,
      coalesce((select sum(case c.channel when 'CHAT' then 2 when 'PHONE' then 6 else 1 end) from cases c
        where c.assignee_id = a.id and c.status in ('NEW','OPEN','PENDING')), 0)
      + coalesce((select sum(i.weight) from routing_work_items i where i.agent_id = a.id and i.state = 'OFFERED'), 0) as load
    from agents a`);
  return new Map(rows.map((r) => [r.id, { load: Number(r.load), capacity: Number(r.capacity) }]));
}

async function expectWithinCapacity(): Promise<number> {
  let total = 0;
  for (const { load, capacity } of (await loads()).values()) {
    expect(load).toBeLessThanOrEqual(capacity);
    total += load;
  }
  return total;
}

async function world(agents: number, capacity: number, cases: number, channels: string[] = ['EMAIL']) {
  for (let i = 0; i < agents; i++) await w.agent(`Agent${i}`, [], capacity);
  const queue = await w.queue('Shared');
  const made: Case[] = [];
  for (let i = 0; i < cases; i++) made.push(await w.kase(queue, channels[i % channels.length]!));
  return made;
}

describe('no double assignment, no agent over capacity', () => {
  it('50 concurrent routings in one process', async () => {
    const cases = await world(5, 6, 50, ['EMAIL', 'CHAT']); // 25 emails (1 unit) + 25 chats (2): 75 units for 30
    const results = await Promise.all(cases.map((c) => tryRoute(w.admin, c.id)));
    const used = await expectWithinCapacity();
    expect(used).toBeGreaterThanOrEqual(29); // every agent is full but for less than the smallest item
    expect(used).toBeLessThanOrEqual(30);
    const assigned = results.filter((r) => r !== null).length;
    const [row] = await w.data.db.all<{ decisions: number; assigned: number }>(sql`
      select (select count(*) from routing_decisions) as decisions, (select count(*) from cases where assignee_id is not null) as assigned`);
    expect(row).toEqual({ decisions: assigned, assigned });
    expect((await w.events(['case.assigned'])).length).toBe(assigned);
  });

  // Each sweep ranks against its own snapshot read outside any transaction, so they race for the
  // same items and agents: only the conditional claims keep them apart.
  it('three sweeps at once offer each item once and fill agents only to capacity', async () => {
    for (let i = 0; i < 4; i++) await w.agent(`Agent${i}`, [], 6);
    const queue = await w.queue('Swept', {});
    for (let i = 0; i < 50; i++) await w.kase(queue, i % 3 ? 'EMAIL' : 'CHAT');
    const now = new Date();
    const reports = await Promise.all([sweepRouting(w.admin, now), sweepRouting(w.admin, now), sweepRouting(w.admin, now)]);
    const offered = reports.reduce((n, r) => n + r.offered, 0);
    expect(await expectWithinCapacity()).toBeGreaterThanOrEqual(23);
    const events = await w.events(['routing.offered']);
    expect(events).toHaveLength(offered);
    expect(new Set(events.map((e) => e.subjectId)).size).toBe(offered);
  });

  it('two processes routing the same cases at once on one database file', async () => {
    const cases = await world(6, 4, 50); // 24 units for 50 emails
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./second-process.fixture.ts', import.meta.url)),
      w.dir, w.admin.tenantId, cases.map((c) => c.id).join(',')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    const exited = once(child, 'exit');
    await vi.waitFor(() => { if (!out.includes('ready')) throw new Error(`second process not ready: ${err}`); }, { timeout: 30_000, interval: 20 });
    child.stdin.write('go\n');
    // The same 50 cases from here, in reverse order, while the other process routes them.
    const here = await Promise.all([...cases].reverse().map((c) => tryRoute(w.admin, c.id)));
    const [exitCode] = await exited;
    expect({ exitCode, err }).toEqual({ exitCode: 0, err: '' });
    const there = out.split('\n').filter((l) => l.startsWith('assigned '));
    expect(there.length + here.filter((r) => r !== null).length).toBeGreaterThanOrEqual(24);
    expect(await expectWithinCapacity()).toBe(24);
    const [row] = await w.data.db.all<{ assigned: number }>(sql`select count(*) as assigned from cases where assignee_id is not null`);
    expect(row!.assigned).toBe(24);
  }, 60_000);
});

describe('fairness', () => {
  it('spreads 1 000 assignments over equal agents within ±10 %, with work finished at an uneven pace', async () => {
    const agents = [await w.agent('A'), await w.agent('B'), await w.agent('C'), await w.agent('D'), await w.agent('E')];
    const queue = await w.queue('Fair');
    const ids = await w.bulkCases(queue, 1000);
    const counts = new Map(agents.map((a) => [a, 0]));
    const open: string[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let clock = Date.now() + 1000;
    for (const id of ids) {
      const kase = await assignCaseNow(w.admin, id, new Date(clock += 1000));
      counts.set(kase.assigneeId!, counts.get(kase.assigneeId!)! + 1);
      open.push(id);
      // Equal agents finish their oldest work first, but a step finishes none, one or two cases.
      for (let k = Math.floor(random() * 3); k > 0 && open.length > 0; k--) await updateCase(w.admin, open.shift()!, { status: 'SOLVED' });
      while (open.length >= 25) await updateCase(w.admin, open.shift()!, { status: 'SOLVED' });
    }
    expect([...counts.values()].reduce((a, b) => a + b)).toBe(1000);
    for (const n of counts.values()) expect(Math.abs(n - 200), `assignments per agent: ${[...counts.values()].join(', ')}`).toBeLessThanOrEqual(20);
  }, 120_000);
});
