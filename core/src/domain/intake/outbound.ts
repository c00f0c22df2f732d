import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { agents, cases, channelMessages, channels, channelThreads, identities, interactions } from '../../db/tenant-schema.js';
import type { TenantDrizzle, TenantTx } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import type { Interaction } from '../interactions.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { slaOnInteraction } from '../sla/targets.js';
import { getChannel, type ChannelView } from './channels.js';
import { announce } from './receive.js';

export const replyOnChannelInput = z.object({
  caseId: z.string(),
  body: z.string().min(1).max(100_000),
  subject: z.string().trim().max(300).nullish(),
  /** Another of the tenant's channels; by default the one the case's conversation came in on. */
  channelId: z.string().nullish(),
  agentId: z.string().nullish(),
});

/** The channel the case's conversation last came in on (its newest thread), if any. */
async function latestChannelIdOf(db: TenantDrizzle | TenantTx, caseId: string): Promise<string | undefined> {
  const latest = await db.select({ channelId: channelThreads.channelId }).from(channelThreads)
    .where(eq(channelThreads.caseId, caseId)).orderBy(desc(channelThreads.updatedAt)).limit(1).get();
  return latest?.channelId;
}

/**
 * The channel a reply to the case goes out on by default (what `replyOnChannel` picks when no
 * channel is named), or null when the case came in on none. The case is the caller's to check.
 */
export async function replyChannelOf(ctx: TenantContext, caseId: string): Promise<ChannelView | null> {
  const channelId = await latestChannelIdOf(ctx.data.db, caseId);
  return channelId ? getChannel(ctx, channelId) : null;
}

const IDENTITY_OF = { EMAIL: 'EMAIL', SMS: 'PHONE', PHONE: 'PHONE', SOCIAL: 'SOCIAL' } as const;

/**
 * Records an agent's reply on the case's channel as an OUTBOUND interaction and announces it as
 * `interaction.outbound` with what a delivery plugin needs (channel, recipient, thread keys, the
 * email being answered). Core delivers nothing itself. CONFLICT when the case came in on no
 * channel and none is named, or on a disabled channel.
 */
export async function replyOnChannel(ctx: TenantContext, raw: unknown): Promise<Interaction> {
  assertCanWrite(ctx);
  const input = parseInput(replyOnChannelInput, raw);
  let live: { interaction: Interaction; kase: Case; created: boolean } | undefined;
  const result = await ctx.data.write(async (tx) => {
    const kase = await requireRow(tx, cases, input.caseId, 'Case');
    if (input.agentId) await requireRow(tx, agents, input.agentId, 'Agent');
    const channelId = input.channelId ?? await latestChannelIdOf(tx, kase.id);
    if (!channelId) throw new AppError('CONFLICT', 'this case came in on no channel; name the channel to reply on');
    const channel = await requireRow(tx, channels, channelId, 'Channel');
    if (channel.disabledAt) throw new AppError('CONFLICT', 'this channel is disabled; reply on another');
    const threadKeys = (await tx.select({ key: channelThreads.threadKey }).from(channelThreads)
      .where(and(eq(channelThreads.caseId, kase.id), eq(channelThreads.channelId, channel.id)))).map((t) => t.key);
    const identityKind = IDENTITY_OF[channel.kind as keyof typeof IDENTITY_OF];
    const recipient = identityKind ? await tx.select({ value: identities.value, provider: identities.provider }).from(identities)
      .where(and(eq(identities.customerId, kase.customerId), eq(identities.kind, identityKind))).orderBy(desc(identities.createdAt)).limit(1).get() : undefined;
    // The newest message of the conversation the customer sent: an email reply threads under it.
    const answered = await tx.select({ details: channelMessages.details }).from(channelMessages)
      .where(and(eq(channelMessages.caseId, kase.id), eq(channelMessages.channelId, channel.id))).orderBy(desc(channelMessages.createdAt)).limit(1).get();
    const now = new Date();
    const interaction: Interaction = {
      id: newId(), customerId: kase.customerId, caseId: kase.id, channel: channel.kind, direction: 'OUTBOUND',
      subject: input.subject ?? null, body: input.body, agentId: input.agentId ?? ctx.agentId ?? null, occurredAt: now, createdAt: now,
      sourceInstallationId: null, idempotencyKey: null,
    };
    await tx.insert(interactions).values(interaction);
    await slaOnInteraction(tx, interaction, kase);
    await tx.insert(channelMessages).values({
      channelId: channel.id, externalId: `outbound:${interaction.id}`, interactionId: interaction.id, caseId: kase.id, createdAt: now,
      details: { to: recipient?.value ?? null },
    });
    await emitEvent(tx, ctx.actor, 'interaction.outbound', interaction.id, {
      caseId: kase.id, customerId: kase.customerId, channelId: channel.id, channel: channel.kind,
      to: recipient ? { kind: identityKind, value: recipient.value, provider: recipient.provider } : null,
      threadKeys, inReplyTo: (answered?.details as { messageId?: string } | null)?.messageId ?? null,
      subject: interaction.subject, body: interaction.body, agentId: interaction.agentId,
    });
    live = { interaction, kase, created: false };
    return interaction;
  });
  announce(ctx.tenantId, live);
  return result;
}
