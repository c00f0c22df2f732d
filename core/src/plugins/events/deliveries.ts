import { and, asc, eq, inArray, isNull, lte, min, sql } from 'drizzle-orm';
import type { TenantDb, TenantDrizzle } from '../../db/tenant-db.js';
import { publicIds } from './public-ids.js';
import { eventDeliveries, outbox } from '../../db/tenant-schema.js';

/**
 * The delivery table's state changes. Every write is conditional on the state it was read in, so
 * two core processes draining the same tenant never both run or settle one delivery.
 */

/** What a plugin's event handler receives. `id` is the outbox row's id and doubles as the idempotency key. */
export interface DeliveredEvent {
  id: string;
  type: string;
  subjectId: string;
  /** When the change happened (the outbox row's creation), ISO 8601. */
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface DueDelivery {
  eventId: string;
  pluginId: string;
  attempts: number;
  nextAttemptAt: Date;
  event: DeliveredEvent;
}

/** The claim a process holds while it runs a delivery; settling requires it unchanged. */
export interface Lease {
  eventId: string;
  pluginId: string;
  attempts: number;
  until: Date;
}

const MAX_ERROR_CHARS = 1_000;
const INSERT_CHUNK = 200;

const key = (d: { eventId: string; pluginId: string }) =>
  and(eq(eventDeliveries.eventId, d.eventId), eq(eventDeliveries.pluginId, d.pluginId));

export function toDeliveredEvent(row: { id: string; type: string; subjectId: string; createdAt: Date; payload: unknown }): DeliveredEvent {
  const ids = publicIds(row.type, row.subjectId, (row.payload ?? {}) as Record<string, unknown>);
  return { id: row.id, type: row.type, subjectId: ids.subjectId, occurredAt: row.createdAt.toISOString(), payload: ids.payload };
}

/**
 * Takes up to `limit` undispatched outbox rows in order, creates a pending delivery for each
 * subscriber and marks the rows dispatched, in one transaction: an event is either fanned out
 * completely or not at all. Returns how many rows it took.
 */
export async function dispatchOutbox(data: TenantDb, subscribers: (type: string) => string[], now: Date, limit: number): Promise<number> {
  // A plugin is never handed an event it caused (its actor): that would let a handler feed itself.
  const audience = (e: { type: string; actor: string | null }) => subscribers(e.type).filter((pluginId) => e.actor !== `plugin:${pluginId}`);
  return data.write(async (tx) => {
    // One statement takes the rows and reads them: the statements sent before COMMIT are the
    // transaction's round trips on a libsql server, and it holds the write lock through them.
    const taking = tx.select({ id: outbox.id }).from(outbox)
      .where(isNull(outbox.dispatchedAt)).orderBy(asc(outbox.createdAt), asc(outbox.id)).limit(limit);
    const taken = await tx.update(outbox).set({ dispatchedAt: now }).where(inArray(outbox.id, taking))
      .returning({ id: outbox.id, type: outbox.type, actor: outbox.actor, createdAt: outbox.createdAt });
    // RETURNING has no order: the outbox's, so each plugin's deliveries are made in event order.
    const events = taken.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rows = events.flatMap((e) => audience(e).map((pluginId) => ({
      eventId: e.id, pluginId, status: 'pending' as const, attempts: 0, nextAttemptAt: now, lastError: null, updatedAt: now,
    })));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await tx.insert(eventDeliveries).values(rows.slice(i, i + INSERT_CHUNK)).onConflictDoNothing();
    }
    return events.length;
  });
}

/** Pending deliveries due by `now`, oldest first (so one plugin sees its events in order). */
export async function dueDeliveries(db: TenantDrizzle, now: Date, limit: number): Promise<DueDelivery[]> {
  const rows = await db.select({ d: eventDeliveries, e: outbox }).from(eventDeliveries)
    .innerJoin(outbox, eq(outbox.id, eventDeliveries.eventId))
    .where(and(eq(eventDeliveries.status, 'pending'), lte(eventDeliveries.nextAttemptAt, now)))
    .orderBy(asc(eventDeliveries.nextAttemptAt), asc(eventDeliveries.eventId))
    .limit(limit);
  return rows.map(({ d, e }) => ({
    eventId: d.eventId, pluginId: d.pluginId, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, event: toDeliveredEvent(e),
  }));
}

/**
 * Claims a due delivery for one attempt: counts the attempt and pushes `nextAttemptAt` out to
 * the end of the lease, if and only if the row is still as it was read. Only the process whose
 * UPDATE changed the row runs the delivery, renewing the lease while it runs (`renewLease`); if
 * that process dies, the row falls due again when the lease runs out. Counting at claim time
 * means a crash mid-attempt still uses up an attempt.
 */
export async function claimDelivery(data: TenantDb, due: DueDelivery, leaseUntil: Date, now: Date): Promise<Lease | null> {
  const result = await data.write((tx) => tx.update(eventDeliveries)
    .set({ attempts: sql`${eventDeliveries.attempts} + 1`, nextAttemptAt: leaseUntil, updatedAt: now })
    .where(and(key(due), eq(eventDeliveries.status, 'pending'), eq(eventDeliveries.nextAttemptAt, due.nextAttemptAt), eq(eventDeliveries.attempts, due.attempts))));
  return result.rowsAffected === 1 ? { eventId: due.eventId, pluginId: due.pluginId, attempts: due.attempts + 1, until: leaseUntil } : null;
}

const held = (lease: Lease) =>
  and(key(lease), eq(eventDeliveries.status, 'pending'), eq(eventDeliveries.nextAttemptAt, lease.until), eq(eventDeliveries.attempts, lease.attempts));

/**
 * Extends a held lease to `until` while its delivery still runs. Returns the renewed lease, or
 * null when it was lost (it ran out and another process took the delivery over).
 */
export async function renewLease(data: TenantDb, lease: Lease, until: Date, now: Date): Promise<Lease | null> {
  const result = await data.write((tx) => tx.update(eventDeliveries)
    .set({ nextAttemptAt: until, updatedAt: now }).where(held(lease)));
  return result.rowsAffected === 1 ? { ...lease, until } : null;
}

export const truncateError = (message: string) =>
  message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS - 1)}…` : message;

/** Returns false when the lease was lost (it expired and another process took the delivery over). */
export async function settleDelivered(data: TenantDb, lease: Lease, now: Date): Promise<boolean> {
  const result = await data.write((tx) => tx.update(eventDeliveries)
    .set({ status: 'delivered', lastError: null, updatedAt: now }).where(held(lease)));
  return result.rowsAffected === 1;
}

/** Records a failed attempt: due again at `retryAt`, or dead when `retryAt` is null. */
export async function settleFailed(data: TenantDb, lease: Lease, error: string, retryAt: Date | null, now: Date): Promise<boolean> {
  const lastError = truncateError(error);
  const change = retryAt
    ? { lastError, nextAttemptAt: retryAt, updatedAt: now }
    : { status: 'dead' as const, lastError, updatedAt: now };
  const result = await data.write((tx) => tx.update(eventDeliveries).set(change).where(held(lease)));
  return result.rowsAffected === 1;
}

/** Dead-letters a due delivery without running it (plugin gone, or its last attempt never finished). */
export async function abandonDelivery(data: TenantDb, due: DueDelivery, error: string, now: Date): Promise<boolean> {
  const result = await data.write((tx) => tx.update(eventDeliveries)
    .set({ status: 'dead', lastError: truncateError(error), updatedAt: now })
    .where(and(key(due), eq(eventDeliveries.status, 'pending'), eq(eventDeliveries.nextAttemptAt, due.nextAttemptAt), eq(eventDeliveries.attempts, due.attempts))));
  return result.rowsAffected === 1;
}

/** A row when some outbox event is still undispatched. */
const undispatchedRow = (db: TenantDrizzle) => db.select({ one: sql`1` }).from(outbox).where(isNull(outbox.dispatchedAt)).limit(1);

export async function hasUndispatched(db: TenantDrizzle): Promise<boolean> {
  const [row] = await undispatchedRow(db);
  return Boolean(row);
}

/**
 * When the tenant next has something to do, in epoch ms: now-ish (0) for undispatched events,
 * else the earliest pending delivery (a lease's end counts too), else null for nothing at all.
 */
export async function nextWorkAt(db: TenantDrizzle): Promise<number | null> {
  // One statement, so one round trip on a libsql server.
  const [row] = await db.select({ undispatched: sql<number | null>`(${undispatchedRow(db)})`, at: min(eventDeliveries.nextAttemptAt) })
    .from(eventDeliveries).where(eq(eventDeliveries.status, 'pending'));
  if (row?.undispatched) return 0;
  return row?.at ? row.at.getTime() : null;
}
