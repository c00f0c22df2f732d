import { z } from 'zod';
import { AppError, notFound } from '../lib/errors.js';
import { parseInput } from '../lib/validate.js';
import { createCase, getCase, listCases, type Case } from './cases.js';
import { addInteraction, listInteractions, type Interaction } from './interactions.js';
import type { Connection, PageArgs } from './pagination.js';
import { rateCase, surveyOf, type CaseSurvey } from './metrics/index.js';
import { actingFor, type PortalCustomer } from './portal-customer.js';

/** What a customer types to open a case. */
export const portalCaseInput = z.object({
  subject: z.string().trim().min(3).max(300),
  description: z.string().trim().min(1).max(20_000),
});
/** A customer's rating of their solved case, as the portal's form sends it. */
export const portalRatingInput = z.object({
  rating: z.coerce.number().int().min(1).max(5),
  comment: z.string().trim().max(2_000).optional(),
});
/** A customer's reply on their case. */
export const portalReplyInput = z.object({ body: z.string().trim().min(1).max(20_000) });

/** The newest messages of a case the portal shows; older ones stay in the console. */
export const CONVERSATION_LIMIT = 100;

/** The customer's own cases, newest first. */
export function listMyCases(customer: PortalCustomer, args: PageArgs): Promise<Connection<Case>> {
  return listCases(actingFor(customer), { ...args, filter: { customerId: customer.customerId } });
}

/** One of the customer's cases; anyone else's is NOT_FOUND, like a missing one. */
export async function getMyCase(customer: PortalCustomer, id: string): Promise<Case> {
  const kase = await getCase(actingFor(customer), id);
  if (kase.customerId !== customer.customerId) throw notFound('Case');
  return kase;
}

/** Opens a case for the customer from the portal (channel PORTAL, normal priority, unassigned). */
export async function openMyCase(customer: PortalCustomer, raw: unknown): Promise<Case> {
  const input = parseInput(portalCaseInput, raw);
  return createCase(actingFor(customer), { customerId: customer.customerId, subject: input.subject, description: input.description, channel: 'PORTAL' });
}

/** The conversation of one of the customer's cases, oldest first (the newest CONVERSATION_LIMIT). */
export async function myCaseConversation(customer: PortalCustomer, caseId: string): Promise<Interaction[]> {
  await getMyCase(customer, caseId);
  return conversationOf(customer, caseId);
}

/** The newest messages of a case already checked to be the customer's, oldest first. */
async function conversationOf(customer: PortalCustomer, caseId: string): Promise<Interaction[]> {
  const page = await listInteractions(actingFor(customer), { first: CONVERSATION_LIMIT, filter: { caseId } });
  return page.edges.map((e) => e.node).reverse();
}

/**
 * What the portal's case page shows, the case read once: the customer's own case (anyone
 * else's is NOT_FOUND), its conversation and the customer's rating of it, if given.
 */
export async function myCaseView(customer: PortalCustomer, id: string): Promise<{ kase: Case; messages: Interaction[]; survey: CaseSurvey | null }> {
  const kase = await getMyCase(customer, id);
  const [messages, survey] = await Promise.all([conversationOf(customer, kase.id), surveyOf(actingFor(customer), kase.id)]);
  return { kase, messages, survey };
}

/** The customer replies on their case; a closed case takes no more replies (CONFLICT). */
export async function replyToMyCase(customer: PortalCustomer, caseId: string, raw: unknown): Promise<Interaction> {
  const input = parseInput(portalReplyInput, raw);
  const kase = await getMyCase(customer, caseId);
  if (kase.status === 'CLOSED') throw new AppError('CONFLICT', 'this case is closed; open a new one');
  return addInteraction(actingFor(customer), { customerId: customer.customerId, caseId, channel: 'PORTAL', direction: 'INBOUND', body: input.body });
}

/** The customer rates their own solved case, once (ALREADY_RATED after; CONFLICT while open). */
export async function rateMyCase(customer: PortalCustomer, id: string, raw: unknown): Promise<CaseSurvey> {
  const input = parseInput(portalRatingInput, raw);
  return rateCase(actingFor(customer), { caseId: id, ...input }, customer.customerId);
}
