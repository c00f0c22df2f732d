import { and, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { agents, cases, customers, interactions, CHANNELS, DIRECTIONS } from '../db/tenant-schema.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import type { TenantTx } from '../db/tenant-db.js';
import type { Case } from './cases.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { liveEvents } from './live-events.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';
import { slaOnInteraction, slaStateForMessage } from './sla/targets.js';

export type Interaction = typeof interactions.$inferSelect;

export const addInteractionInput = z.object({
  customerId: z.string(),
  caseId: z.string().nullish(),
  channel: z.enum(CHANNELS),
  direction: z.enum(DIRECTIONS),
  subject: z.string().trim().max(300).nullish(),
  body: z.string().min(1).max(100_000),
  agentId: z.string().nullish(),
  occurredAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'not a date').nullish(),
});

export interface InteractionFilter {
  customerId?: string | null;
  caseId?: string | null;
  channel?: Interaction['channel'] | null;
}

export function getInteraction(ctx: TenantContext, id: string): Promise<Interaction> {
  return requireRow(ctx.data.db, interactions, id, 'Interaction');
}

export async function listInteractions(
  ctx: TenantContext,
  args: PageArgs & { filter?: InteractionFilter | null },
): Promise<Connection<Interaction>> {
  const f = args.filter ?? {};
  const where: (SQL | undefined)[] = [];
  if (f.customerId) where.push(eq(interactions.customerId, f.customerId));
  if (f.caseId) where.push(eq(interactions.caseId, f.caseId));
  if (f.channel) where.push(eq(interactions.channel, f.channel));
  return pageOfRows(ctx.data.db, interactions, where, {
    sort: interactions.occurredAt, id: interactions.id, direction: 'desc', sortValue: (i) => timeKey(i.occurredAt),
  }, args);
}

/**
 * The plugin installation writing an interaction through the host (`ctx.interactions.create`),
 * and its key for writing it once: the API has neither.
 */
export interface InteractionSource {
  installationId: string;
  /** Checked by the caller (the host); unique per installation. */
  idempotencyKey?: string | null;
}

function interactionByKey(tx: TenantTx, installationId: string, key: string): Promise<Interaction | undefined> {
  return tx.select().from(interactions)
    .where(and(eq(interactions.sourceInstallationId, installationId), eq(interactions.idempotencyKey, key)))
    .get();
}

/**
 * Records an interaction and announces it (`interaction.added`). With a `source` carrying an
 * idempotency key, a key the installation used before returns that interaction as it was
 * written, without writing or announcing anything, whatever the rest of `raw` says. Once the
 * transaction committed, live subscribers hear of it (and of the reply, when it is on a case).
 */
export async function addInteraction(ctx: TenantContext, raw: unknown, source?: InteractionSource): Promise<Interaction> {
  assertCanWrite(ctx);
  const input = parseInput(addInteractionInput, raw);
  const key = source?.idempotencyKey ?? null;
  // Set only by a transaction that wrote the row; announced live after its commit.
  let written: { row: Interaction; kase: Case | null } | undefined;
  const result = await ctx.data.write(async (tx) => {
    if (source && key !== null) {
      const earlier = await interactionByKey(tx, source.installationId, key);
      if (earlier) return earlier;
    }
    // Read together, the case's SLA state included: one round trip on a libsql server.
    const [customer, kase, , sla] = await Promise.all([
      requireRow(tx, customers, input.customerId, 'Customer'),
      input.caseId ? requireRow(tx, cases, input.caseId, 'Case') : null,
      input.agentId ? requireRow(tx, agents, input.agentId, 'Agent') : undefined,
      input.caseId ? slaStateForMessage(tx, input.caseId) : undefined,
    ]);
    if (customer.status === 'MERGED') throw new AppError('CONFLICT', 'this customer was merged; record the interaction on the customer it was merged into');
    if (kase && kase.customerId !== input.customerId) throw new AppError('BAD_USER_INPUT', 'the case belongs to another customer');
    const now = new Date();
    const row: Interaction = {
      id: newId(),
      customerId: input.customerId,
      caseId: input.caseId ?? null,
      channel: input.channel,
      direction: input.direction,
      subject: input.subject ?? null,
      body: input.body,
      agentId: input.agentId ?? null,
      occurredAt: input.occurredAt ?? now,
      createdAt: now,
      sourceInstallationId: source?.installationId ?? null,
      idempotencyKey: key,
    };
    if (source && key !== null) {
      const inserted = await tx.insert(interactions).values(row).onConflictDoNothing().returning({ id: interactions.id });
      if (inserted.length === 0) {
        // Only the key can collide (the id is new): another process wrote it since the check above.
        const winner = await interactionByKey(tx, source.installationId, key);
        if (!winner) throw new AppError('CONFLICT', 'the interaction could not be recorded; try again');
        return winner;
      }
    } else {
      // Without a key nothing can collide (the id is new): a plain insert, sent with the next statement.
      await tx.insert(interactions).values(row);
    }
    await emitEvent(tx, ctx.actor, 'interaction.added', row.id, { customerId: row.customerId, caseId: row.caseId, channel: row.channel });
    if (kase) await slaOnInteraction(tx, row, kase, sla);
    written = { row, kase };
    return row;
  });
  if (written) {
    liveEvents.publish(ctx.tenantId, { type: 'interaction.added', customerId: written.row.customerId, interaction: written.row });
    if (written.kase) liveEvents.publish(ctx.tenantId, { type: 'case.replied', customerId: written.kase.customerId, case: written.kase });
  }
  return result;
}
