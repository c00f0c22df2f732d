import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { agents, AGENT_STATUSES, PRESENCES, routingWorkItems } from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Agent } from '../agents.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { backInLine } from './offers.js';
import { withBusyRetry } from './store.js';

export type Presence = (typeof PRESENCES)[number];
type LegacyStatus = (typeof AGENT_STATUSES)[number];

/** The deprecated `status` a presence shows as: only AVAILABLE takes work, like ONLINE did. */
export const STATUS_OF_PRESENCE: Readonly<Record<Presence, LegacyStatus>> = { AVAILABLE: 'ONLINE', BUSY: 'AWAY', AWAY: 'AWAY', OFFLINE: 'OFFLINE' };
export const PRESENCE_OF_STATUS: Readonly<Record<LegacyStatus, Presence>> = { ONLINE: 'AVAILABLE', AWAY: 'AWAY', OFFLINE: 'OFFLINE' };

/** An agent's presence; rows written before presence existed follow their legacy status. */
export const presenceOf = (a: Agent): Presence => a.presence ?? PRESENCE_OF_STATUS[a.status];

/** The columns to write for a presence change at `now` (status kept in step for old readers). */
export function presenceFields(presence: Presence, now: Date) {
  return { presence, status: STATUS_OF_PRESENCE[presence], presenceSince: now, ...(presence === 'AVAILABLE' ? { idleSince: now } : {}) };
}

export const setPresenceInput = z.object({
  agentId: z.string().min(1).max(100).nullish(),
  presence: z.enum(PRESENCES),
});

/**
 * An agent sets their own presence (an admin anyone's). Leaving AVAILABLE hands the agent's
 * pending offers back to routing, so nothing waits on someone who went away; becoming AVAILABLE
 * puts them at the back of the idle line.
 */
export async function setPresence(ctx: TenantContext, raw: unknown, now = new Date()): Promise<Agent> {
  assertCanWrite(ctx);
  const input = parseInput(setPresenceInput, raw);
  const agentId = input.agentId ?? ctx.agentId;
  if (!agentId) throw new AppError('BAD_USER_INPUT', 'name the agent: this key is not tied to one', { issues: [{ path: ['agentId'], message: 'required for this key' }] });
  if (ctx.role !== 'admin' && ctx.agentId !== agentId) throw new AppError('FORBIDDEN', 'an agent sets only their own presence; an admin key sets anyone\'s');
  return withBusyRetry(() => ctx.data.write(async (tx) => {
    const current = await requireRow(tx, agents, agentId, 'Agent');
    const fields = presenceFields(input.presence, now);
    await tx.update(agents).set(fields).where(eq(agents.id, agentId));
    if (input.presence !== 'AVAILABLE') await returnOffersOf(tx, ctx.actor, agentId, 'PRESENCE_CHANGED');
    await emitEvent(tx, ctx.actor, 'agent.presence_changed', agentId, { presence: input.presence, previous: presenceOf(current) });
    return { ...current, ...fields };
  }));
}

/** Puts every item offered to the agent back in line, excluding them from it. */
export async function returnOffersOf(tx: TenantTx, actor: string, agentId: string, reason: string): Promise<void> {
  const offered = await tx.select().from(routingWorkItems).where(and(eq(routingWorkItems.agentId, agentId), eq(routingWorkItems.state, 'OFFERED')));
  for (const item of offered) {
    if (await backInLine(tx, item, agentId)) await emitEvent(tx, actor, 'routing.offer_withdrawn', item.caseId, { agentId, reason });
  }
}
