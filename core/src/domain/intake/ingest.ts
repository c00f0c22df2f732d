import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { bulkInsert, selectWhereIn } from '../../db/bulk-insert.js';
import { databaseFailure } from '../../db/failures.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { cases, channelThreads, channels, interactions, DIRECTIONS } from '../../db/tenant-schema.js';
import { AppError, type ErrorCode } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import type { Interaction } from '../interactions.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { slaOnInteraction } from '../sla/targets.js';
import { requireRow } from '../rows.js';
import type { Channel } from './channels.js';
import { contactInput, resolvableContact, resolveCustomers, type ResolvableContact } from './identity.js';
import { importSource, linkThread, openChannelCase } from './receive.js';

/** Rows one batch may carry: the mutation's limit and the streaming endpoint's commit size. */
export const MAX_INGEST_ROWS = 1000;

const providerId = z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** One imported message: who, what, when, and optionally the provider's id and conversation. */
export const ingestRowInput = z.object({
  /** The source system's id: a row already imported on this channel is skipped, not written twice. */
  externalId: providerId.nullish(),
  contact: contactInput,
  direction: z.enum(DIRECTIONS).nullish().transform((d) => d ?? 'INBOUND'),
  subject: z.string().trim().max(300).nullish(),
  body: z.string().min(1).max(100_000),
  occurredAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'not a date').nullish(),
  /** Rows of one conversation thread into one case (the open one, else a new one on the channel's queue). */
  threadKey: providerId.nullish(),
});

/** A row that was not written, by its number in the whole input (0-based), with a stable code. */
export interface IngestRowError {
  row: number;
  code: ErrorCode;
  message: string;
}

export interface IngestReport {
  /** Rows written in this call. */
  written: number;
  /** Rows whose external id this channel already had: skipped, as a redelivery should be. */
  duplicates: number;
  errors: IngestRowError[];
}

interface PreparedRow {
  row: number;
  input: z.infer<typeof ingestRowInput>;
  contact: ResolvableContact;
}

const CHUNK = 500;

const rowError = (row: number, err: unknown): IngestRowError => {
  const known = err instanceof AppError ? err : databaseFailure(err);
  return known ? { row, code: known.code, message: known.message } : { row, code: 'INTERNAL_SERVER_ERROR', message: 'the row could not be written' };
};

/**
 * Imports up to 1 000 interactions on one channel in one transaction, for backfills and
 * migrations. Each row is checked first; a bad row is reported with its number and code and
 * left out, the rest commit together or (when the write fails) not at all, every one of them
 * then reported. Customers are resolved for the whole batch at once (one lookup per 500
 * handles), rows are written with multi-row inserts (db/bulk-insert.ts), and one `channel.ingested` event announces
 * the batch (new cases get `case.created`). `firstRow` numbers the rows of a longer stream.
 */
export async function ingestInteractions(
  ctx: TenantContext, channelId: string, rows: readonly unknown[], options: { firstRow?: number } = {},
): Promise<IngestReport> {
  assertCanWrite(ctx);
  if (rows.length > MAX_INGEST_ROWS) throw new AppError('BAD_USER_INPUT', `send at most ${MAX_INGEST_ROWS} rows per batch`);
  const channel = await requireRow(ctx.data.db, channels, channelId, 'Channel');
  if (channel.disabledAt) throw new AppError('CONFLICT', 'this channel is disabled');
  const first = options.firstRow ?? 0;
  const errors: IngestRowError[] = [];
  const prepared: PreparedRow[] = [];
  rows.forEach((raw, i) => {
    try {
      const input = parseInput(ingestRowInput, raw);
      prepared.push({ row: first + i, input, contact: resolvableContact(input.contact, channel.region) });
    } catch (err) {
      errors.push(rowError(first + i, err));
    }
  });
  if (prepared.length === 0) return { written: 0, duplicates: 0, errors };
  const newCases: Case[] = [];
  try {
    const outcome = await ctx.data.write((tx) => writeBatch(tx, ctx, channel, prepared, newCases));
    for (const kase of newCases) liveEvents.publish(ctx.tenantId, { type: 'case.created', customerId: kase.customerId, case: kase });
    return { ...outcome, errors };
  } catch (err) {
    // The batch rolled back: none of its rows was written.
    for (const p of prepared) errors.push(rowError(p.row, err));
    errors.sort((a, b) => a.row - b.row);
    return { written: 0, duplicates: 0, errors };
  }
}

async function writeBatch(tx: TenantTx, ctx: TenantContext, channel: Channel, prepared: PreparedRow[], newCases: Case[]) {
  const now = new Date();
  const seen = new Set<string>();
  const ids = [...new Set(prepared.flatMap((p) => (p.input.externalId ? [p.input.externalId] : [])))];
  const source = importSource(channel.id);
  // Ids the channel received live, and ids imported before (kept on the interaction itself).
  for (const k of await selectWhereIn(tx, 'select external_id as id from channel_messages', 'external_id', ids, 'and channel_id = ?', [channel.id])) seen.add(String(k.id));
  for (const k of await selectWhereIn(tx, 'select idempotency_key as id from interactions', 'idempotency_key', ids, 'and source_installation_id = ?', [source])) seen.add(String(k.id));
  const fresh = prepared.filter((p) => {
    const id = p.input.externalId;
    if (!id) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const customerIds = await resolveCustomers(tx, fresh.map((p) => p.contact), now);
  const caseOf = await threadCases(tx, channel, fresh, customerIds, now, newCases);
  const threaded = [...new Set(caseOf.filter((id): id is string => id !== null))];
  const caseRows = new Map((threaded.length ? await tx.select().from(cases).where(inArray(cases.id, threaded)) : []).map((c) => [c.id, c]));
  const rows: Interaction[] = fresh.map((p, i) => ({
    id: newId(), customerId: customerIds[i]!, caseId: caseOf[i] ?? null, channel: channel.kind, direction: p.input.direction,
    subject: p.input.subject ?? null, body: p.input.body, agentId: null, occurredAt: p.input.occurredAt ?? now, createdAt: now,
    sourceInstallationId: p.input.externalId ? source : null, idempotencyKey: p.input.externalId ?? null,
  }));
  await bulkInsert(tx, interactions, rows);
  // Service-level clocks of the cases these rows thread into (rows without a case have none).
  for (const r of rows) {
    const kase = r.caseId ? caseRows.get(r.caseId) : undefined;
    if (kase) await slaOnInteraction(tx, r, kase);
  }
  if (rows.length > 0) await emitEvent(tx, ctx.actor, 'channel.ingested', channel.id, { count: rows.length, channel: channel.kind });
  return { written: rows.length, duplicates: prepared.length - fresh.length };
}

/**
 * The case of each row with a thread key: the open case its conversation already has for the
 * same customer, else one opened now (once per conversation of the batch). Rows without a key
 * land on the timeline only.
 */
async function threadCases(
  tx: TenantTx, channel: Channel, rows: PreparedRow[], customerIds: string[], now: Date, newCases: Case[],
): Promise<(string | null)[]> {
  const keys = [...new Set(rows.flatMap((p) => (p.input.threadKey ? [`import:${p.input.threadKey}`] : [])))];
  if (keys.length === 0) return rows.map(() => null);
  const open = new Map<string, string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const found = await tx.select({ key: channelThreads.threadKey, caseId: cases.id, customerId: cases.customerId, status: cases.status })
      .from(channelThreads).innerJoin(cases, eq(cases.id, channelThreads.caseId))
      .where(and(eq(channelThreads.channelId, channel.id), inArray(channelThreads.threadKey, keys.slice(i, i + CHUNK))));
    for (const f of found) if (f.status !== 'SOLVED' && f.status !== 'CLOSED') open.set(`${f.key}\u0000${f.customerId}`, f.caseId);
  }
  const result: (string | null)[] = [];
  for (const [i, p] of rows.entries()) {
    if (!p.input.threadKey) {
      result.push(null);
      continue;
    }
    const key = `import:${p.input.threadKey}`;
    const slot = `${key}\u0000${customerIds[i]}`;
    let caseId = open.get(slot);
    if (!caseId) {
      const subject = (p.input.subject?.trim() || p.input.body.replace(/\s+/g, ' ').trim().slice(0, 120)).slice(0, 300);
      const kase = await openChannelCase(tx, channel, customerIds[i]!, subject, now);
      newCases.push(kase);
      caseId = kase.id;
      open.set(slot, caseId);
      await linkThread(tx, channel.id, [key], caseId, null, now);
    }
    result.push(caseId);
  }
  return result;
}
