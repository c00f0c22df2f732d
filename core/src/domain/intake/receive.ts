import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { TenantDb, TenantTx } from '../../db/tenant-db.js';
import { cases, channelMessages, channelThreads, interactions } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { nextCaseNumber, type Case } from '../cases.js';
import type { Interaction } from '../interactions.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { slaOnCaseCreated, slaOnInteraction } from '../sla/targets.js';
import { liveCallOf } from './calls.js';
import type { Channel } from './channels.js';
import { resolvableContact, resolveCustomers, type ContactInput } from './identity.js';

/** The tenant an inbound request is for (from the URL, checked by the channel's credentials). */
export interface IntakeTenant {
  tenantId: string;
  data: TenantDb;
}

/** One inbound message (or call event) as every channel's parser reduces it. */
export interface InboundMessage {
  /** The provider's id for it: a redelivery with the same id writes nothing. */
  externalId: string;
  /** Who sent it; absent when the conversation already names its customer (a chat session). */
  contact?: ContactInput | null;
  /** The sender is already known (a customer signed in to the portal): no contact to resolve. */
  customerId?: string | null;
  /** Keys of the conversation it belongs to (email Message-IDs, `chat:<session>`, `call:<id>`). */
  threadKeys: string[];
  subject?: string | null;
  body: string;
  direction?: Interaction['direction'];
  occurredAt?: Date | null;
  visibility?: 'PUBLIC' | 'PRIVATE' | null;
  details?: Record<string, unknown> | null;
  /**
   * Calls and video sessions: events after the first update the conversation's one interaction
   * (its body becomes this message's body) instead of adding another.
   */
  updatesSession?: boolean;
  /**
   * The conversation is the sender itself (an SMS number): its thread key is this prefix and the
   * sender's first handle as stored (E.164), so every way of writing the number is one thread.
   */
  threadByContact?: string;
  /** Refuse rather than start a conversation when no thread key is known (a chat message without its session). */
  requiresThread?: boolean;
}

/** What an inbound message became; a redelivery answers the same ids with `duplicate: true`. */
export interface IntakeResult {
  interactionId: string;
  caseId: string | null;
  customerId: string;
  caseCreated: boolean;
  duplicate: boolean;
}

/**
 * Imported rows keep their external id on the interaction itself, under the unique index
 * interactions already have for "written once" keys, with this source: one insert per row, not two.
 */
export const importSource = (channelId: string): string => `channel:${channelId}`;

const OPEN_STATUSES: readonly Case['status'][] = ['NEW', 'OPEN', 'PENDING'];

class AlreadyReceived extends Error {}

async function receiptOf(db: TenantDb['db'] | TenantTx, channelId: string, externalId: string): Promise<IntakeResult | null> {
  const [row] = await db.select({ interactionId: channelMessages.interactionId, caseId: channelMessages.caseId, customerId: interactions.customerId })
    .from(channelMessages).innerJoin(interactions, eq(interactions.id, channelMessages.interactionId))
    .where(and(eq(channelMessages.channelId, channelId), eq(channelMessages.externalId, externalId))).limit(1);
  // Or imported in bulk (ingest.ts keeps the id on the interaction).
  const imported = row ? undefined : await db.select({ interactionId: interactions.id, caseId: interactions.caseId, customerId: interactions.customerId })
    .from(interactions).where(and(eq(interactions.sourceInstallationId, importSource(channelId)), eq(interactions.idempotencyKey, externalId))).get();
  const found = row ?? imported;
  return found ? { ...found, caseCreated: false, duplicate: true } : null;
}

/** The conversation's threads, most recently active first, with their cases' state. */
function threadsOf(tx: TenantTx, channelId: string, keys: string[]) {
  return tx.select({
    caseId: channelThreads.caseId, interactionId: channelThreads.interactionId, status: cases.status, customerId: cases.customerId,
  }).from(channelThreads).innerJoin(cases, eq(cases.id, channelThreads.caseId))
    .where(and(eq(channelThreads.channelId, channelId), inArray(channelThreads.threadKey, keys)))
    .orderBy(desc(channelThreads.updatedAt));
}

/** A case opened by an inbound message, on the channel's default queue. */
export async function openChannelCase(tx: TenantTx, channel: Channel, customerId: string, subject: string, now: Date): Promise<Case> {
  // Read back as stored, so columns with defaults are filled in for live subscribers.
  const [row] = await tx.insert(cases).values({
    id: newId(), number: await nextCaseNumber(tx), customerId, subject, description: null, status: 'NEW', priority: 'NORMAL',
    channel: channel.kind, queueId: channel.defaultQueueId, assigneeId: null, createdAt: now, updatedAt: now,
  }).returning();
  if (!row) throw new Error('the new case was not returned');
  await slaOnCaseCreated(tx, row);
  await emitEvent(tx, `channel:${channel.id}`, 'case.created', row.id, { number: row.number, customerId, priority: row.priority, channel: row.channel });
  return row;
}

/** Points every key of the conversation at its case (the newest message's case wins). */
export async function linkThread(tx: TenantTx, channelId: string, keys: string[], caseId: string, interactionId: string | null, now: Date) {
  if (keys.length === 0) return;
  await tx.insert(channelThreads).values(keys.map((threadKey) => ({ channelId, threadKey, caseId, interactionId, updatedAt: now })))
    .onConflictDoUpdate({
      target: [channelThreads.channelId, channelThreads.threadKey],
      set: { caseId, updatedAt: now, interactionId: sql`coalesce(excluded.interaction_id, ${channelThreads.interactionId})` },
    });
}

const caseSubject = (channel: Channel, message: InboundMessage) =>
  (message.subject?.trim() || message.body.replace(/\s+/g, ' ').trim().slice(0, 120) || `${channel.kind.toLowerCase()} from ${channel.name}`).slice(0, 300);

/**
 * Records one inbound message on its channel, in one transaction: the sender's customer (found
 * by email, phone or handle, or created), the open case of its conversation (or a new one on the
 * channel's default queue), the interaction on the customer's timeline, the provider's receipt
 * and `interaction.received` (and `case.created`). A message whose provider id this channel has
 * seen writes nothing and answers what the first delivery did. Live pages hear of it after the
 * commit.
 */
export async function receiveMessage(tenant: IntakeTenant, channel: Channel, message: InboundMessage): Promise<IntakeResult> {
  const earlier = await receiptOf(tenant.data.db, channel.id, message.externalId);
  if (earlier) return earlier;
  const contact = message.contact ? resolvableContact(message.contact, channel.region) : null;
  if (message.threadByContact && contact?.handles[0]) {
    message = { ...message, threadKeys: [...message.threadKeys, `${message.threadByContact}:${contact.handles[0].value}`] };
  }
  let live: { interaction: Interaction; kase: Case | null; created: boolean } | undefined;
  let call: Awaited<ReturnType<typeof liveCallOf>> = null;
  try {
    const result = await tenant.data.write(async (tx) => {
      const now = new Date();
      const threads = message.threadKeys.length ? await threadsOf(tx, channel.id, message.threadKeys) : [];
      if (!contact && !message.customerId && threads.length === 0) throw new AppError('NOT_FOUND', 'conversation not found; start it first');
      if (message.requiresThread && threads.length === 0) throw new AppError('NOT_FOUND', 'conversation not found; start it first');
      const customerId = message.customerId ?? (contact ? (await resolveCustomers(tx, [contact], now))[0]! : threads[0]!.customerId);
      const open = threads.find((t) => t.customerId === customerId && OPEN_STATUSES.includes(t.status));
      const session = message.updatesSession && open?.interactionId
        ? await tx.select().from(interactions).where(eq(interactions.id, open.interactionId)).get()
        : undefined;
      let kase: Case | null = null;
      let created = false;
      if (open) {
        kase = (await tx.select().from(cases).where(eq(cases.id, open.caseId)).get()) ?? null;
      } else {
        kase = await openChannelCase(tx, channel, customerId, caseSubject(channel, message), now);
        created = true;
      }
      const caseId = kase?.id ?? null;
      let interaction: Interaction;
      if (session) {
        interaction = { ...session, body: message.body };
        await tx.update(interactions).set({ body: message.body }).where(eq(interactions.id, session.id));
      } else {
        interaction = {
          id: newId(), customerId, caseId, channel: channel.kind, direction: message.direction ?? 'INBOUND',
          subject: message.subject ?? null, body: message.body, agentId: null, occurredAt: message.occurredAt ?? now, createdAt: now,
          sourceInstallationId: null, idempotencyKey: null,
        };
        await tx.insert(interactions).values(interaction);
        if (kase) await slaOnInteraction(tx, interaction, kase);
      }
      const receipt = await tx.insert(channelMessages).values({
        channelId: channel.id, externalId: message.externalId, interactionId: interaction.id, caseId,
        visibility: message.visibility ?? null, details: message.details ?? null, createdAt: now,
      }).onConflictDoNothing().returning({ id: channelMessages.interactionId });
      // Another process recorded the same provider message since the check above: undo ours.
      if (receipt.length === 0) throw new AlreadyReceived();
      if (caseId) await linkThread(tx, channel.id, message.threadKeys, caseId, message.updatesSession ? interaction.id : null, now);
      await emitEvent(tx, `channel:${channel.id}`, 'interaction.received', interaction.id, {
        customerId, caseId, channel: channel.kind, channelId: channel.id, direction: interaction.direction,
        visibility: message.visibility ?? null, updated: Boolean(session),
      });
      if (channel.kind === 'PHONE') call = await liveCallOf(tx, tenant.tenantId, message, interaction, customerId, session?.createdAt ?? now);
      // A call or video event updating its interaction adds nothing new to live timelines.
      if (!session) live = { interaction, kase, created };
      return { interactionId: interaction.id, caseId, customerId, caseCreated: created, duplicate: false };
    });
    announce(tenant.tenantId, live);
    // The console's screen pops hear of each call event.
    if (call) liveEvents.publish(tenant.tenantId, call);
    return result;
  } catch (err) {
    if (!(err instanceof AlreadyReceived)) throw err;
    const winner = await receiptOf(tenant.data.db, channel.id, message.externalId);
    if (!winner) throw new AppError('CONFLICT', 'the message could not be recorded; send it again');
    return winner;
  }
}

/** After the commit: the console's live views and GraphQL subscriptions see the message. */
export function announce(tenantId: string, live: { interaction: Interaction; kase: Case | null; created: boolean } | undefined) {
  if (!live) return;
  liveEvents.publish(tenantId, { type: 'interaction.added', customerId: live.interaction.customerId, interaction: live.interaction });
  if (live.kase) liveEvents.publish(tenantId, { type: live.created ? 'case.created' : 'case.replied', customerId: live.kase.customerId, case: live.kase });
}
