import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNotNull, lt, or } from 'drizzle-orm';
import { deleteInChunks, deleteSome } from '../db/delete-in-chunks.js';
import type { TenantDb, TenantTx } from '../db/tenant-db.js';
import { passwordResets, webSessions, webUsers } from '../db/tenant-schema.js';
import { publicWebUser, type WebUser } from './web-users.js';

/**
 * Web sessions. The browser holds a random 256-bit token; the tenant's database holds only its
 * SHA-256 as the row id. Sessions live in the tenant's own database, so a token from tenant A
 * finds no row in tenant B's: isolation needs no tenant check here at all.
 */
export type WebSession = typeof webSessions.$inferSelect;

export interface SessionLifetimes {
  /** Unused for this long, a session ends. */
  idleMs: number;
  /** However active, a session ends this long after sign-in. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIFETIMES: SessionLifetimes = { idleMs: 2 * 60 * 60_000, absoluteMs: 12 * 60 * 60_000 };

/** `last_seen_at` is written at most this often, so reading pages is not a write per request. */
const TOUCH_EVERY_MS = 60_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

/** A fresh random 256-bit secret, base64url (43 characters). */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * Starts a session for a user who just proved who they are. A session the browser already
 * presented is ended first (rotation), so a token planted before sign-in is worth nothing after.
 */
export async function startWebSession(
  data: TenantDb,
  userId: string,
  previousToken?: string | null,
  lifetimes: SessionLifetimes = DEFAULT_SESSION_LIFETIMES,
): Promise<{ token: string; session: WebSession }> {
  const token = randomToken();
  const now = new Date();
  const session: WebSession = {
    id: sessionId(token),
    userId,
    csrfSecret: randomToken(),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + lifetimes.absoluteMs),
  };
  await data.write(async (tx) => {
    if (previousToken && TOKEN_SHAPE.test(previousToken)) await tx.delete(webSessions).where(eq(webSessions.id, sessionId(previousToken)));
    // Each sign-in sweeps the user's dead sessions, so the table does not grow without bound.
    await tx.delete(webSessions).where(and(eq(webSessions.userId, userId), or(lt(webSessions.expiresAt, now), lt(webSessions.lastSeenAt, new Date(now.getTime() - lifetimes.idleMs)))));
    await tx.insert(webSessions).values(session);
  });
  return { token, session };
}

/**
 * The live session and its (enabled) user for a cookie's token, or null. Expired sessions are
 * deleted when met; a live one has its idle clock reset (at most once a minute).
 */
export async function resumeWebSession(
  data: TenantDb,
  token: string | undefined,
  lifetimes: SessionLifetimes = DEFAULT_SESSION_LIFETIMES,
  now = new Date(),
): Promise<{ session: WebSession; user: WebUser } | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const id = sessionId(token);
  const [row] = await data.db.select({ session: webSessions, user: webUsers })
    .from(webSessions).innerJoin(webUsers, eq(webUsers.id, webSessions.userId))
    .where(eq(webSessions.id, id)).limit(1);
  if (!row) return null;
  const { session, user } = row;
  const idleFor = now.getTime() - session.lastSeenAt.getTime();
  if (session.expiresAt <= now || idleFor >= lifetimes.idleMs || user.disabledAt) {
    await data.write((tx) => tx.delete(webSessions).where(eq(webSessions.id, id)));
    return null;
  }
  if (idleFor >= TOUCH_EVERY_MS) {
    await data.write((tx) => tx.update(webSessions).set({ lastSeenAt: now }).where(eq(webSessions.id, id)));
    session.lastSeenAt = now;
  }
  return { session, user: publicWebUser(user) };
}

/**
 * Whether the session `id` (a `WebSession.id`) is still there, not signed out or revoked, and its
 * user enabled. It only reads: a long-lived answer (the console's live stream) that asks it
 * now and then must not keep the session awake.
 */
export async function webSessionIsOpen(data: TenantDb, id: string): Promise<boolean> {
  const [row] = await data.db.select({ disabledAt: webUsers.disabledAt })
    .from(webSessions).innerJoin(webUsers, eq(webUsers.id, webSessions.userId))
    .where(eq(webSessions.id, id)).limit(1);
  return row !== undefined && !row.disabledAt;
}

/** Signs out: the session's row is gone, so its token validates nowhere. */
export async function endWebSession(data: TenantDb, token: string | undefined): Promise<void> {
  if (!token || !TOKEN_SHAPE.test(token)) return;
  await data.write((tx) => tx.delete(webSessions).where(eq(webSessions.id, sessionId(token))));
}

/**
 * Deletes every session past its absolute or idle end, and spent or expired reset links: sessions
 * of users who never come back are otherwise only removed when met. The retention sweep runs it
 * for every tenant; it deletes in chunks (`deleteInChunks`), so a large backlog never holds the
 * tenant's write lock for long. Returns how many sessions it deleted.
 */
export async function pruneWebSessions(data: TenantDb, lifetimes: SessionLifetimes = DEFAULT_SESSION_LIFETIMES, now = new Date(), chunk?: number): Promise<number> {
  const ended = deleteSome(webSessions, or(lt(webSessions.expiresAt, now), lt(webSessions.lastSeenAt, new Date(now.getTime() - lifetimes.idleMs)))!);
  const sessions = await deleteInChunks((limit) => data.write((tx) => tx.run(ended(limit))), chunk);
  const spent = deleteSome(passwordResets, or(lt(passwordResets.expiresAt, now), isNotNull(passwordResets.usedAt))!);
  await deleteInChunks((limit) => data.write((tx) => tx.run(spent(limit))), chunk);
  return sessions;
}

/** Ends every session of a user (password reset, disabling, role change), inside the caller's transaction. */
export async function revokeUserSessions(tx: TenantTx, userId: string): Promise<number> {
  const res = await tx.delete(webSessions).where(eq(webSessions.userId, userId));
  return res.rowsAffected;
}

/**
 * The session's CSRF synchronizer token: an HMAC of the session id under the session's own
 * secret. Pages embed it in forms; it is never stored and dies with the session.
 */
export function csrfTokenFor(session: Pick<WebSession, 'id' | 'csrfSecret'>): string {
  return createHmac('sha256', session.csrfSecret).update(`csrf:${session.id}`).digest('base64url');
}

/** Compares a submitted CSRF token with the session's in constant time. */
export function csrfTokenMatches(session: Pick<WebSession, 'id' | 'csrfSecret'>, submitted: string | undefined): boolean {
  if (!submitted || !TOKEN_SHAPE.test(submitted)) return false;
  return timingSafeEqual(Buffer.from(csrfTokenFor(session)), Buffer.from(submitted));
}
