import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantTx } from '../../db/tenant-db.js';
import { agentNotifications, agents, caseNotes, cases } from '../../db/tenant-schema.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Agent } from '../agents.js';
import { emitEvent } from '../outbox.js';
import { timeKey, type Connection, type PageArgs } from '../pagination.js';
import { pageOfRows, requireRow } from '../rows.js';
import { mentionedAgents } from './mentions.js';

export type CaseNote = typeof caseNotes.$inferSelect;

export const noteBody = z.string().trim().min(1).max(20_000);
export const addCaseNoteInput = z.object({
  caseId: z.string(),
  body: noteBody,
  /** Who writes it when the key is not tied to an agent (an admin key); an agent key writes as its agent. */
  authorAgentId: z.string().nullish(),
});

/**
 * Writes a private note inside the caller's transaction and notifies each agent it @mentions
 * (not its author): a notification row and an `agent.mentioned` event per agent, so a plugin can
 * deliver it elsewhere too. Answers the note and whom it notified.
 */
export async function addCaseNoteTx(
  tx: TenantTx, actor: string, note: { caseId: string; body: string; authorAgentId: string | null }, now: Date,
): Promise<{ note: CaseNote; mentioned: Agent[] }> {
  const row: CaseNote = { id: newId(), caseId: note.caseId, authorAgentId: note.authorAgentId, body: note.body, createdAt: now };
  await tx.insert(caseNotes).values(row);
  const mentioned = (await mentionedAgents(tx, note.body)).filter((a) => a.id !== note.authorAgentId);
  if (mentioned.length) {
    await tx.insert(agentNotifications).values(mentioned.map((a) => ({
      id: newId(), agentId: a.id, kind: 'MENTION' as const, caseId: note.caseId, noteId: row.id, createdAt: now, readAt: null,
    })));
  }
  await emitEvent(tx, actor, 'case.note_added', note.caseId, { noteId: row.id, mentioned: mentioned.length });
  for (const a of mentioned) {
    await emitEvent(tx, actor, 'agent.mentioned', a.id, { caseId: note.caseId, noteId: row.id, byAgentId: note.authorAgentId });
  }
  return { note: row, mentioned };
}

/** The author a note is written as: an agent key's own agent, else the one the input names (or nobody). */
export function noteAuthor(ctx: TenantContext, named: string | null | undefined): string | null {
  return ctx.agentId ?? named ?? null;
}

/** Adds a private note on a case (never shown to the customer). */
export async function addCaseNote(ctx: TenantContext, raw: unknown): Promise<{ note: CaseNote; mentioned: Agent[] }> {
  assertCanWrite(ctx);
  const input = parseInput(addCaseNoteInput, raw);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, cases, input.caseId, 'Case');
    const author = noteAuthor(ctx, input.authorAgentId);
    if (author) await requireRow(tx, agents, author, 'Agent');
    return addCaseNoteTx(tx, ctx.actor, { caseId: input.caseId, body: input.body, authorAgentId: author }, new Date());
  });
}

/** A case's notes, newest first. */
export function listCaseNotes(ctx: TenantContext, caseId: string, args: PageArgs): Promise<Connection<CaseNote>> {
  return pageOfRows(ctx.data.db, caseNotes, [eq(caseNotes.caseId, caseId)], {
    sort: caseNotes.createdAt, id: caseNotes.id, direction: 'desc', sortValue: (n) => timeKey(n.createdAt),
  }, args);
}
