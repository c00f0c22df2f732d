import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../../db/tenant-db.js';
import { eventDeliveries, outbox } from '../../db/tenant-schema.js';
import { notFound } from '../../lib/errors.js';
import { toDeliveredEvent, type DeliveredEvent } from './deliveries.js';

/** A delivery that used up its attempts (or whose plugin went away), for an admin to inspect or replay. */
export interface DeadLetter {
  eventId: string;
  pluginId: string;
  attempts: number;
  lastError: string | null;
  /** When it was given up on. */
  failedAt: Date;
  event: DeliveredEvent;
}

export const DEFAULT_DEAD_LETTERS = 50;
export const MAX_DEAD_LETTERS = 500;

/** The tenant's dead letters, most recently failed first. */
export async function listDeadLetters(
  data: TenantDb,
  { pluginId, first = DEFAULT_DEAD_LETTERS }: { pluginId?: string | null; first?: number | null } = {},
): Promise<DeadLetter[]> {
  const limit = Math.min(Math.max(Math.trunc(first ?? DEFAULT_DEAD_LETTERS), 1), MAX_DEAD_LETTERS);
  const filters: SQL[] = [eq(eventDeliveries.status, 'dead')];
  if (pluginId) filters.push(eq(eventDeliveries.pluginId, pluginId));
  const rows = await data.db.select({ d: eventDeliveries, e: outbox }).from(eventDeliveries)
    .innerJoin(outbox, eq(outbox.id, eventDeliveries.eventId))
    .where(and(...filters))
    .orderBy(desc(eventDeliveries.updatedAt), desc(eventDeliveries.eventId))
    .limit(limit);
  return rows.map(({ d, e }) => ({
    eventId: d.eventId, pluginId: d.pluginId, attempts: d.attempts, lastError: d.lastError, failedAt: d.updatedAt, event: toDeliveredEvent(e),
  }));
}

/**
 * Puts a dead letter back in line: pending, attempts reset, due now. The handler gets the same
 * event id it saw before, so one that already half-applied it can recognise the repeat.
 * NOT_FOUND unless that delivery exists in this tenant and is dead.
 */
export async function replayDeadLetter(data: TenantDb, eventId: string, pluginId: string, now: Date): Promise<void> {
  const result = await data.write((tx) => tx.update(eventDeliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, updatedAt: now })
    .where(and(eq(eventDeliveries.eventId, eventId), eq(eventDeliveries.pluginId, pluginId), eq(eventDeliveries.status, 'dead'))));
  if (result.rowsAffected !== 1) throw notFound('dead letter');
}
