import { desc, eq, isNull, and, asc } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDb, TenantTx } from '../../db/tenant-db.js';
import { mailOutbox } from '../../db/tenant-schema.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';

export type MailMessage = typeof mailOutbox.$inferSelect;

/** What a message may hold: one recipient, a one-line subject, plain text. */
export const mailInput = z.object({
  to: z.string().trim().toLowerCase().max(320).pipe(z.email()),
  subject: z.string().trim().min(1).max(200).regex(/^[^\r\n]*$/, 'one line'),
  text: z.string().min(1).max(20_000),
});

/**
 * Queues a message in the same transaction as the change it tells about, so a rolled-back
 * change never mails anyone and a committed one is never lost.
 */
export async function queueMail(tx: TenantTx, raw: z.input<typeof mailInput>): Promise<MailMessage> {
  const input = parseInput(mailInput, raw);
  const message: MailMessage = {
    id: newId(), ...input, createdAt: new Date(), sentAt: null, failedAt: null, lastError: null,
  };
  await tx.insert(mailOutbox).values(message);
  return message;
}

/** The newest messages first: the demo's mailbox page. */
export function listMail(data: TenantDb, limit = 50): Promise<MailMessage[]> {
  const n = Math.min(Math.max(Math.trunc(limit), 1), 200);
  return data.db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id)).limit(n);
}

/** Messages not yet sent nor given up on, oldest first. */
export function pendingMail(data: TenantDb, limit = 50): Promise<MailMessage[]> {
  return data.db.select().from(mailOutbox)
    .where(and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt)))
    .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id)).limit(limit);
}

export async function markMailSent(data: TenantDb, id: string): Promise<void> {
  await data.write((tx) => tx.update(mailOutbox).set({ sentAt: new Date(), lastError: null }).where(eq(mailOutbox.id, id)));
}

export async function markMailFailed(data: TenantDb, id: string, reason: string): Promise<void> {
  await data.write((tx) => tx.update(mailOutbox).set({ failedAt: new Date(), lastError: reason.slice(0, 500) }).where(eq(mailOutbox.id, id)));
}
