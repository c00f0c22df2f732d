import { inArray, or, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/tenant-db.js';
import { agents } from '../../db/tenant-schema.js';
import type { Agent } from '../agents.js';

/** Mentions past this many in one note are not looked up (a note is not a mailing list). */
export const MAX_MENTIONS = 20;

// `@ana` (the part of an agent's email before the @) or `@ana@example.com`; not inside a word or address.
const MENTION = /(?<![\p{L}\p{N}_.@+-])@([\p{L}\p{N}._%+-]+(?:@[\p{L}\p{N}.-]+\.[\p{L}]{2,})?)/gu;

/** The handles and addresses a text mentions, lower case, each once, trailing dots dropped. */
export function mentionedHandles(text: string): string[] {
  const found = new Set<string>();
  for (const [, raw] of text.matchAll(MENTION)) {
    const handle = raw!.replace(/\.+$/, '').toLowerCase();
    if (handle) found.add(handle);
    if (found.size >= MAX_MENTIONS) break;
  }
  return [...found];
}

/**
 * The agents a text mentions: by full email, or by the part before the @ when exactly one agent's
 * email starts with it. Unknown or ambiguous handles stay plain text. Agents are per tenant, so
 * a mention can only ever reach the tenant's own agents.
 */
export async function mentionedAgents(tx: TenantTx, text: string): Promise<Agent[]> {
  const handles = mentionedHandles(text);
  if (!handles.length) return [];
  const emails = handles.filter((h) => h.includes('@'));
  const locals = handles.filter((h) => !h.includes('@'));
  const conditions = [];
  if (emails.length) conditions.push(inArray(agents.email, emails));
  if (locals.length) conditions.push(inArray(sql`substr(${agents.email}, 1, instr(${agents.email}, '@') - 1)`, locals));
  const rows = await tx.select().from(agents).where(or(...conditions));
  const byLocal = new Map<string, Agent[]>();
  for (const a of rows) {
    const local = a.email.slice(0, a.email.indexOf('@'));
    byLocal.set(local, [...(byLocal.get(local) ?? []), a]);
  }
  const picked = new Map<string, Agent>();
  for (const a of rows) if (emails.includes(a.email)) picked.set(a.id, a);
  for (const local of locals) {
    const matches = byLocal.get(local) ?? [];
    if (matches.length === 1) picked.set(matches[0]!.id, matches[0]!);
  }
  return [...picked.values()];
}
