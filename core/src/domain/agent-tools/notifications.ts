import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { agentNotifications, agents } from '../../db/tenant-schema.js';
import { AppError, notFound } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import type { TenantContext } from '../../tenancy/context.js';
import { timeKey, type Connection, type PageArgs } from '../pagination.js';
import { pageOfRows, requireRow } from '../rows.js';

export type AgentNotification = typeof agentNotifications.$inferSelect;

export const markNotificationsReadInput = z.object({
  agentId: z.string().nullish(),
  /** These notifications; omit to mark every unread one of the agent. */
  ids: z.array(z.string()).min(1).max(100).nullish(),
});

/**
 * Whose notifications a caller may see: an agent key its own agent's, an admin key anyone's
 * (naming the agent). Other agents' notifications are FORBIDDEN; a missing agent NOT_FOUND.
 */
export async function notificationOwner(ctx: TenantContext, agentId: string | null | undefined): Promise<string> {
  if (ctx.role === 'admin' && agentId) return (await requireRow(ctx.data.db, agents, agentId, 'Agent')).id;
  if (!ctx.agentId) {
    throw new AppError('FORBIDDEN', ctx.role === 'admin'
      ? 'name the agent whose notifications to read'
      : 'notifications are read with an agent key tied to an agent (--agent <id>) or an admin key');
  }
  if (agentId && agentId !== ctx.agentId) throw new AppError('FORBIDDEN', 'an agent key reads only its own agent\'s notifications');
  return ctx.agentId;
}

/** An agent's notifications, newest first; unread ones only when asked. */
export async function listNotifications(
  ctx: TenantContext, args: PageArgs & { agentId?: string | null; unreadOnly?: boolean | null },
): Promise<Connection<AgentNotification>> {
  const agentId = await notificationOwner(ctx, args.agentId);
  return pageOfRows(ctx.data.db, agentNotifications,
    [eq(agentNotifications.agentId, agentId), args.unreadOnly ? isNull(agentNotifications.readAt) : undefined], {
      sort: agentNotifications.createdAt, id: agentNotifications.id, direction: 'desc', sortValue: (n) => timeKey(n.createdAt),
    }, args);
}

/** How many of the agent's notifications are unread. */
export async function unreadNotificationCount(ctx: TenantContext, agentId?: string | null): Promise<number> {
  const owner = await notificationOwner(ctx, agentId);
  const [row] = await ctx.data.db.select({ n: count() }).from(agentNotifications)
    .where(and(eq(agentNotifications.agentId, owner), isNull(agentNotifications.readAt)));
  return row?.n ?? 0;
}

/**
 * Marks the agent's notifications read (the named ones, or all unread); answers how many changed.
 * An id that is not this agent's notification is NOT_FOUND, like a missing one.
 */
export async function markNotificationsRead(ctx: TenantContext, raw: unknown): Promise<number> {
  const input = parseInput(markNotificationsReadInput, raw);
  const owner = await notificationOwner(ctx, input.agentId);
  return ctx.data.write(async (tx) => {
    const mine = and(eq(agentNotifications.agentId, owner), isNull(agentNotifications.readAt));
    if (input.ids) {
      const ids = [...new Set(input.ids)];
      const found = await tx.select({ id: agentNotifications.id }).from(agentNotifications)
        .where(and(eq(agentNotifications.agentId, owner), inArray(agentNotifications.id, ids)));
      if (found.length !== ids.length) throw notFound('AgentNotification');
    }
    const changed = await tx.update(agentNotifications).set({ readAt: new Date() })
      .where(input.ids ? and(mine, inArray(agentNotifications.id, input.ids)) : mine)
      .returning({ id: agentNotifications.id });
    return changed.length;
  });
}
