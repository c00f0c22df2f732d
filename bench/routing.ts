/**
 * `routing`: routing decisions per second with 200 available agents and 10 000 waiting work
 * items in one tenant's libsql file. Each decision ranks every qualifying agent (skills at their
 * levels, spare capacity, least loaded, longest idle) and claims the work with one conditional
 * write in its own transaction, recording the candidates and an outbox event — the same code the
 * server's periodic sweep and routeCase run. The in-memory ranking alone is measured beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { TenantDatabases } from '../core/src/db/tenant-db.js';
import { agents, agentSkills, cases, customers, queues } from '../core/src/db/tenant-schema.js';
import { newId } from '../core/src/lib/ids.js';
import type { TenantContext } from '../core/src/tenancy/context.js';
import {
  assignCaseNow, configureQueueRouting, enqueueNewCases, loadCandidates, loadChannelWeights, offerWaitingItems, rankCandidates,
} from '../core/src/domain/routing/index.js';
import { envNumber, fmtInt, log, markdownTable, prng, type BenchResult } from './lib.js';

const AGENTS = envNumber('BENCH_ROUTING_AGENTS', 200);
const ITEMS = envNumber('BENCH_ROUTING_ITEMS', 10_000);
const DIRECT = envNumber('BENCH_ROUTING_DIRECT', 500);
const OFFERS = envNumber('BENCH_ROUTING_OFFERS', 2_000);
const SKILLS = ['billing', 'returns', 'tech', 'spanish', 'german'];
const CHANNELS = ['EMAIL', 'EMAIL', 'EMAIL', 'CHAT', 'SMS', 'SOCIAL'] as const;

/**
 * libsql's embedded client hands each write transaction a connection of its own and never closes
 * it; only garbage collection frees its file handles. Thousands of one-decision transactions in a
 * tight loop outrun the collector and hit the open-files limit (EMFILE), so the bench collects
 * every few hundred decisions, as a long-running server's idle time does.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** A collection, then a turn of the event loop for the native finalizers to close the handles. */
const collect = async () => { gc(); await new Promise((r) => setImmediate(r)); };

interface Row { mode: string; decisions: number; seconds: number; before: number; after: number }

export async function routing(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-routing-'));
  const databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  const failures: string[] = [];
  const rows: Row[] = [];
  try {
    const tenantId = newId();
    const data = await databases.provision(tenantId);
    const ctx: TenantContext = { tenantId, tenantSlug: 'bench', role: 'admin', actor: 'bench', data };
    const random = prng(12);
    const now = Date.now();

    log(`routing: ${AGENTS} agents, 5 queues, ${fmtInt(ITEMS + DIRECT)} cases`);
    await data.write(async (tx) => {
      const agentRows = Array.from({ length: AGENTS }, (_, i) => ({
        id: newId(), name: `Agent ${i}`, email: `agent${i}@bench.example`, status: 'ONLINE' as const, presence: 'AVAILABLE' as const,
        // Room for every item: the bench measures deciding, not waiting for agents to finish.
        capacity: 100, createdAt: new Date(now - 3_600_000), presenceSince: new Date(now - 3_600_000), idleSince: new Date(now - 3_600_000 + i * 1000),
      }));
      await tx.insert(agents).values(agentRows);
      await tx.insert(agentSkills).values(agentRows.flatMap((a) => SKILLS.filter(() => random() < 0.6).map((skill) => ({ agentId: a.id, skill, level: 1 + Math.floor(random() * 10) }))));
      await tx.insert(customers).values({ id: 'bench-customer', name: 'Bench', status: 'ACTIVE', createdAt: new Date(now), updatedAt: new Date(now) });
    });
    const queueIds: string[] = [];
    for (let q = 0; q < 5; q++) {
      const id = newId();
      await data.write((tx) => tx.insert(queues).values({ id, name: `Queue ${q}`, createdAt: new Date(now) }));
      queueIds.push(id);
    }
    await configureQueueRouting(ctx, { queueId: queueIds[0], priority: 1, skills: [{ skill: 'billing', level: 5 }] });
    await configureQueueRouting(ctx, { queueId: queueIds[1], priority: 2, skills: [{ skill: 'returns', level: 3 }, { skill: 'spanish', level: 4, additional: true }], skillDropSeconds: 60 });
    await configureQueueRouting(ctx, { queueId: queueIds[2], priority: 3, skills: [{ skill: 'tech', level: 2 }] });
    await configureQueueRouting(ctx, { queueId: queueIds[3], priority: 4, skills: [{ skill: 'german', level: 1 }, { skill: 'billing', level: 2 }] });
    await configureQueueRouting(ctx, { queueId: queueIds[4], priority: 5, skills: [] });

    let number = 0;
    const addCases = async (count: number, queueOf: (i: number) => string) => {
      const ids: string[] = [];
      await data.write(async (tx) => {
        for (let i = 0; i < count; i += 500) {
          const batch = Array.from({ length: Math.min(500, count - i) }, (_, k) => ({
            id: newId(), number: ++number, customerId: 'bench-customer', subject: `Case ${number}`, status: 'NEW' as const, priority: 'NORMAL' as const,
            channel: CHANNELS[(i + k) % CHANNELS.length]!, queueId: queueOf(i + k), createdAt: new Date(now - 600_000 + i + k), updatedAt: new Date(now),
          }));
          await tx.insert(cases).values(batch);
          ids.push(...batch.map((b) => b.id));
        }
      });
      return ids;
    };

    // routeCase's path first, on cases of unconfigured queues (the sweep leaves those alone).
    const plain = newId();
    await data.write((tx) => tx.insert(queues).values({ id: plain, name: 'Unconfigured', createdAt: new Date(now) }));
    const direct = await addCases(DIRECT, () => plain);
    log(`routing: ${fmtInt(DIRECT)} routeCase assignments, one after another`);
    rows.push(await measure('routeCase: rank + conditional assign, one transaction each', async () => {
      let n = 0;
      for (const id of direct) {
        await assignCaseNow(ctx, id, new Date(now));
        if (++n % 250 === 0) await collect();
      }
      return n;
    }));

    await addCases(ITEMS, (i) => queueIds[Math.floor(random() * 5)] ?? queueIds[i % 5]!);
    const weights = await loadChannelWeights(data.db);
    let queued = 0;
    for (let n = await enqueueNewCases(ctx, weights); n > 0; n = await enqueueNewCases(ctx, weights)) queued += n;
    log(`routing: ${fmtInt(queued)} items waiting`);
    rows.push(await measure(`sweep offers: the first ${fmtInt(OFFERS)} of ${fmtInt(ITEMS)} waiting items, by queue priority and age`, async () => {
      let offered = 0;
      // Items that waited past the drop time lose their additional skills in later rounds.
      for (let round = 1; offered < OFFERS; round++) {
        const r = await offerWaitingItems(ctx, new Date(now + round * 61_000), Math.min(250, OFFERS - offered));
        offered += r.offered;
        await collect();
        if (r.offered === 0) break;
      }
      return offered;
    }));
    const left = Number((await data.client.execute(`select count(*) as n from routing_work_items where state = 'WAITING'`)).rows[0]!.n);
    if (rows.at(-1)!.decisions + left !== ITEMS) failures.push(`offers (${rows.at(-1)!.decisions}) + still waiting (${left}) ≠ ${ITEMS}`);

    const snapshot = (await loadCandidates(data.db, weights)).map((a) => ({ ...a, loadUnits: 0 }));
    log('routing: ranking alone, in memory');
    rows.push(await measure(`ranking alone (in memory, ${snapshot.length} agents)`, async () => {
      for (let i = 0; i < 100_000; i++) rankCandidates(snapshot, [{ skill: SKILLS[i % 5]!, level: 1 + (i % 10), additional: false }], 1);
      return 100_000;
    }));
    const over = (await data.client.execute(`select a.id from agents a where a.capacity <
      (select coalesce(sum(w.weight), 0) from routing_work_items w where w.agent_id = a.id and w.state in ('OFFERED', 'ASSIGNED'))`)).rows;
    if (over.length) failures.push(`${over.length} agents over capacity`);
  } finally {
    await databases.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const table = markdownTable(['what', 'decisions', 'seconds', 'decisions/s', 'load avg before', 'load avg after'], rows.map((r) => [
    r.mode, fmtInt(r.decisions), r.seconds.toFixed(2), fmtInt(r.decisions / r.seconds), r.before.toFixed(2), r.after.toFixed(2),
  ]));
  return { report: `### Routing decisions (${AGENTS} agents, ${fmtInt(ITEMS)} waiting items)\n\n${table}`, failures };
}

async function measure(mode: string, run: () => Promise<number>): Promise<Row> {
  const before = loadavg()[0]!;
  const t0 = performance.now();
  const decisions = await run();
  return { mode, decisions, seconds: (performance.now() - t0) / 1000, before, after: loadavg()[0]! };
}
