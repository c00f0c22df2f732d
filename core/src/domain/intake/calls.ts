import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantTx } from '../../db/tenant-db.js';
import { customers, identities, interactions } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { invalidInput, parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import { addInteraction, type Interaction } from '../interactions.js';
import type { LiveCall, LiveCallEvent } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { e164 } from '../phone-numbers.js';
import { requireRow } from '../rows.js';
import type { InboundMessage } from './receive.js';

/** The live event type of each CTI event. */
const CALL_EVENT_TYPES = { newCall: 'call.ringing', answer: 'call.answered', hangup: 'call.ended' } as const;

/**
 * The live event of a recorded CTI call event (parseCallEvent's details), read inside the
 * transaction that recorded it; null for any other message. The caller is "known" when its
 * customer existed before the call's first event: a customer created by this call (identity
 * resolution makes one for a new number) pops with the number only.
 */
export async function liveCallOf(
  tx: TenantTx, tenantId: string, message: InboundMessage, interaction: Interaction, customerId: string, callStartedAt: Date,
): Promise<LiveCallEvent | null> {
  const d = message.details;
  if (!d || typeof d.event !== 'string' || !(d.event in CALL_EVENT_TYPES)) return null;
  const customer = await tx.select({ name: customers.name, createdAt: customers.createdAt }).from(customers).where(eq(customers.id, customerId)).get();
  const call: LiveCall = {
    callId: String(d.callId), interactionId: interaction.id, caseId: interaction.caseId,
    direction: interaction.direction, from: String(d.from), to: String(d.to),
    agents: Array.isArray(d.user) ? d.user.map(String) : [],
    customerName: customer && customer.createdAt < callStartedAt ? customer.name : null,
  };
  return { type: CALL_EVENT_TYPES[d.event as keyof typeof CALL_EVENT_TYPES], tenantId, customerId, call };
}

/** The customer's phone call recorded as `interactionId`; another customer's, or no call, is NOT_FOUND. */
export async function getCustomerCall(ctx: TenantContext, customerId: string, interactionId: string): Promise<Interaction> {
  const call = await requireRow(ctx.data.db, interactions, interactionId, 'Interaction');
  if (call.customerId !== customerId || call.channel !== 'PHONE') throw new AppError('NOT_FOUND', 'Interaction not found');
  return call;
}

/** Characters of an agent's notes on one call. */
export const MAX_CALL_NOTES_CHARS = 10_000;

export const callNotesInput = z.object({
  customerId: z.string().max(100),
  callInteractionId: z.string().max(100),
  body: z.string().trim().min(1).max(MAX_CALL_NOTES_CHARS),
  subject: z.string().trim().max(300).nullish(),
});

/**
 * Saves an agent's notes on a call as an interaction on the customer's timeline, on the call's
 * case (addInteraction: one transaction, `interaction.added`, live timelines updated).
 */
export async function addCallNotes(ctx: TenantContext, raw: unknown): Promise<Interaction> {
  assertCanWrite(ctx);
  const input = parseInput(callNotesInput, raw);
  const call = await getCustomerCall(ctx, input.customerId, input.callInteractionId);
  return addInteraction(ctx, {
    customerId: call.customerId, caseId: call.caseId, channel: 'PHONE', direction: 'OUTBOUND',
    subject: input.subject ?? null, body: input.body, agentId: ctx.agentId ?? null,
  });
}

export const dialInput = z.object({
  customerId: z.string().max(100),
  number: z.string().trim().min(1).max(40),
});

/** A click-to-dial request: who asked to call which customer on which number (E.164). */
export interface DialRequest { customerId: string; agentId: string | null; number: string }

/**
 * Asks the telephone system to call the customer: `call.dial` in the outbox (a plugin connected
 * to the PBX places the call). The number must be one of the customer's (its profile phone or a
 * phone identity), compared in E.164, so the button cannot dial arbitrary numbers in a
 * customer's name. A merged or foreign customer is NOT_FOUND / CONFLICT like other writes.
 */
export async function requestDial(ctx: TenantContext, raw: unknown): Promise<DialRequest> {
  assertCanWrite(ctx);
  const input = parseInput(dialInput, raw);
  const number = e164(input.number);
  if (!number) throw invalidInput([{ path: ['number'], message: 'not a phone number in international form' }]);
  return ctx.data.write(async (tx) => {
    const customer = await requireRow(tx, customers, input.customerId, 'Customer');
    if (customer.status === 'MERGED') throw new AppError('CONFLICT', 'this customer was merged; call the customer it was merged into');
    const phones = await tx.select({ value: identities.value }).from(identities).where(and(eq(identities.customerId, customer.id), eq(identities.kind, 'PHONE')));
    const known = [customer.phone, ...phones.map((p) => p.value)].some((p) => p !== null && e164(p) === number);
    if (!known) throw invalidInput([{ path: ['number'], message: "not one of this customer's numbers" }]);
    const request: DialRequest = { customerId: customer.id, agentId: ctx.agentId ?? null, number };
    await emitEvent(tx, ctx.actor, 'call.dial', customer.id, { ...request });
    return request;
  });
}
