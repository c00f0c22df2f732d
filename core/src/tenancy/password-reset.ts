import { createHash } from 'node:crypto';
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDb } from '../db/tenant-db.js';
import { passwordResets, webUsers } from '../db/tenant-schema.js';
import { queueMail } from '../domain/mail/outbox.js';
import { AppError } from '../lib/errors.js';
import { parseInput } from '../lib/validate.js';
import { hashPassword } from './password-hash.js';
import { publicWebUser, webPassword, type WebUser } from './web-users.js';
import { randomToken, revokeUserSessions } from './web-sessions.js';

/** A reset link works for this long, once. */
export const RESET_LINK_TTL_MS = 30 * 60_000;
/** Links mailed to one account per link lifetime: more would let anyone flood a mailbox. */
export const MAX_OPEN_RESET_LINKS = 3;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');
const linkInvalid = () => new AppError('RESET_LINK_INVALID', 'this reset link is not valid any more (used, expired or mistyped); ask for a new one');

export interface ResetMail {
  /** The page address that carries the token, e.g. `https://host/t/acme/portal/reset?token=…`. */
  link(token: string): string;
  /** Shown in the mail: the tenant's display name. */
  siteName: string;
}

/**
 * Asks for a reset link. The answer is the same whether or not the address has an (enabled)
 * account (and past MAX_OPEN_RESET_LINKS links in half an hour, when no more are mailed), so the
 * form tells nobody who is registered; the mail is queued in the transaction
 * that stores the token's hash, so a link exists only if its row does.
 */
export async function requestPasswordReset(data: TenantDb, rawEmail: unknown, mail: ResetMail): Promise<void> {
  const parsed = z.string().trim().toLowerCase().max(320).safeParse(rawEmail);
  if (!parsed.success) return;
  const [user] = await data.db.select().from(webUsers).where(eq(webUsers.email, parsed.data)).limit(1);
  if (!user || user.disabledAt) return;
  const now = new Date();
  const [open] = await data.db.select({ n: count() }).from(passwordResets)
    .where(and(eq(passwordResets.userId, user.id), gt(passwordResets.createdAt, new Date(now.getTime() - RESET_LINK_TTL_MS))));
  if ((open?.n ?? 0) >= MAX_OPEN_RESET_LINKS) return; // the same answer: the form reveals nothing
  const token = randomToken();
  await data.write(async (tx) => {
    await tx.insert(passwordResets).values({ id: tokenId(token), userId: user.id, expiresAt: new Date(now.getTime() + RESET_LINK_TTL_MS), usedAt: null, createdAt: now });
    await queueMail(tx, {
      to: user.email,
      subject: `Reset your ${mail.siteName} password`,
      text: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset the password of your ${mail.siteName} account.\n`
        + `Open this link within 30 minutes to choose a new one:\n\n${mail.link(token)}\n\n`
        + 'If you did not ask, ignore this message: your password stays as it is.\n',
    });
  });
}

/**
 * Sets a new password with a reset link's token. The token is spent, every other open link of
 * the user too, and every session of the user ends (whoever knew the old password is out).
 */
export async function resetPassword(data: TenantDb, token: unknown, rawPassword: unknown): Promise<WebUser> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw linkInvalid();
  const password = parseInput(z.object({ password: webPassword }), { password: rawPassword }).password;
  const passwordHash = await hashPassword(password);
  return data.write(async (tx) => {
    const now = new Date();
    const [reset] = await tx.select().from(passwordResets).where(eq(passwordResets.id, tokenId(token))).limit(1);
    if (!reset || reset.usedAt || reset.expiresAt <= now) throw linkInvalid();
    const [user] = await tx.update(webUsers).set({ passwordHash, updatedAt: now })
      .where(and(eq(webUsers.id, reset.userId), isNull(webUsers.disabledAt))).returning();
    if (!user) throw linkInvalid();
    await tx.update(passwordResets).set({ usedAt: now }).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await revokeUserSessions(tx, user.id);
    return publicWebUser(user);
  });
}
