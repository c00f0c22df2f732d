/**
 * The router's SQL: who is available, how loaded they are, and the conditional writes that make
 * an offer or an assignment only when the agent still has room. Load is never kept in a counter
 * that could drift: it is read from the open cases assigned to the agent plus the items offered
 * to them, inside the same write transaction and the same statement that claims the work.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { agentSkills, CHANNELS } from '../../db/tenant-schema.js';
import type { TenantDrizzle, TenantTx } from '../../db/tenant-db.js';
import { UNTYPED_CASE_WEIGHT, type ChannelWeights } from './config.js';
import type { CandidateAgent } from './ranking.js';

type Db = TenantDrizzle | TenantTx;

/** An agent's presence; rows written before presence existed follow the legacy status. */
export const PRESENCE_SQL = sql.raw(`coalesce(a.presence, case a.status when 'ONLINE' then 'AVAILABLE' else a.status end)`);

/** The capacity units of a case's channel, as SQL over column `channel` of alias `alias`. */
export function weightCase(weights: ChannelWeights, alias: string): SQL {
  // Numbers are validated integers and channels a fixed list: nothing here comes from a request.
  const arms = CHANNELS.map((c) => `when '${c}' then ${Math.trunc(weights[c])}`).join(' ');
  return sql.raw(`case ${alias}.channel ${arms} else ${UNTYPED_CASE_WEIGHT} end`);
}

/** Units in use by agent `agentId` (an SQL expression naming it): open cases plus pending offers. */
export function loadSql(weights: ChannelWeights, agentId: SQL): SQL {
  return sql`(coalesce((select sum(${weightCase(weights, 'lc')}) from cases lc where lc.assignee_id = ${agentId} and lc.status in ('NEW','OPEN','PENDING')), 0)
    + coalesce((select sum(lw.weight) from routing_work_items lw where lw.agent_id = ${agentId} and lw.state = 'OFFERED'), 0))`;
}

interface CandidateRow { id: string; capacity: number; load: number; idle: number }

/** Every available agent with spare capacity, their load and skills: one snapshot to rank against. */
export async function loadCandidates(db: Db, weights: ChannelWeights, agentIds?: readonly string[]): Promise<CandidateAgent[]> {
  const only = agentIds ? sql` and a.id in (${sql.join(agentIds.map((id) => sql`${id}`), sql`, `)})` : sql``;
  if (agentIds && agentIds.length === 0) return [];
  const rows = await db.all<CandidateRow>(sql`
    select a.id as id, a.capacity as capacity, ${loadSql(weights, sql.raw('a.id'))} as load,
      coalesce(a.idle_since, a.presence_since, a.created_at) as idle
    from agents a where ${PRESENCE_SQL} = 'AVAILABLE'${only}`);
  const open = rows.filter((r) => Number(r.load) < Number(r.capacity));
  const skills = new Map<string, Map<string, number>>(open.map((r) => [r.id, new Map()]));
  for (let i = 0; i < open.length; i += 500) {
    const ids = open.slice(i, i + 500).map((r) => r.id);
    for (const s of await db.select().from(agentSkills).where(inArray(agentSkills.agentId, ids))) skills.get(s.agentId)?.set(s.skill, s.level);
  }
  return open.map((r) => ({
    agentId: r.id, capacityUnits: Number(r.capacity), loadUnits: Number(r.load), idleSince: Number(r.idle), skills: skills.get(r.id)!,
  }));
}

/** True when agent `agentId` is available and `weight` more units fit, as an SQL condition. */
function roomFor(weights: ChannelWeights, agentId: string, weight: number): SQL {
  return sql`exists (select 1 from agents a where a.id = ${agentId} and ${PRESENCE_SQL} = 'AVAILABLE'
    and ${loadSql(weights, sql`${agentId}`)} + ${weight} <= a.capacity)`;
}

const affected = (result: unknown) => Number((result as { rowsAffected?: number }).rowsAffected ?? 0);

/**
 * Offers a waiting item to an agent: one conditional UPDATE that succeeds only if the item is
 * still at the version the router read and the agent still has room. False means someone else
 * moved first; the caller rolls back and ranks again.
 */
export async function claimOffer(
  tx: TenantTx, weights: ChannelWeights, item: { caseId: string; version: number; weight: number }, agentId: string, now: Date, expiresAt: Date,
): Promise<boolean> {
  const result = await tx.run(sql`update routing_work_items
    set state = 'OFFERED', agent_id = ${agentId}, offered_at = ${now.getTime()}, offer_expires_at = ${expiresAt.getTime()}, version = version + 1
    where case_id = ${item.caseId} and version = ${item.version} and state = 'WAITING' and ${roomFor(weights, agentId, item.weight)}`);
  return affected(result) === 1;
}

/**
 * Assigns a case straight to an agent (routeCase, transfers): succeeds only if the case still has
 * the assignee the caller read, is still open, and the agent still has room for it.
 */
export async function claimAssignment(
  tx: TenantTx, weights: ChannelWeights, kase: { id: string; assigneeId: string | null; channel: string | null }, agentId: string, weight: number, now: Date,
): Promise<boolean> {
  const result = await tx.run(sql`update cases
    set assignee_id = ${agentId}, status = case status when 'NEW' then 'OPEN' else status end, updated_at = ${now.getTime()}
    where id = ${kase.id} and assignee_id is ${kase.assigneeId} and status in ('NEW','OPEN','PENDING') and ${roomFor(weights, agentId, weight)}`);
  return affected(result) === 1;
}

/** Moves the agent to the back of the idle line: they just received work. */
export async function markBusyNow(tx: TenantTx, agentId: string, now: Date): Promise<void> {
  await tx.run(sql`update agents set idle_since = ${now.getTime()} where id = ${agentId}`);
}

/** Write errors worth another attempt: another process held the database's write lock. */
export function isBusyError(err: unknown): boolean {
  const text = `${(err as { code?: string })?.code ?? ''} ${(err as Error)?.message ?? ''}`;
  return /SQLITE_BUSY|database is locked|SQLITE_LOCKED/i.test(text);
}

/** Runs a write, retrying a few times with jitter when the database was locked by another writer. */
export async function withBusyRetry<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts || !isBusyError(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 20));
    }
  }
}

/** Units in use per agent (open cases plus pending offers), for display. */
export async function loadsOf(db: Db, weights: ChannelWeights, agentIds: readonly string[]): Promise<Map<string, number>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db.all<{ id: string; load: number }>(sql`select a.id as id, ${loadSql(weights, sql.raw('a.id'))} as load
    from agents a where a.id in (${sql.join(agentIds.map((id) => sql`${id}`), sql`, `)})`);
  return new Map(rows.map((r) => [r.id, Number(r.load)]));
}
