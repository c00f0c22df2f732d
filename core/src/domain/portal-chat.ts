import { and, asc, desc, eq, inArray, isNull, like } from 'drizzle-orm';
import { z } from 'zod';
import { cases, channelMessages, channels, channelThreads } from '../db/tenant-schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { parseInput } from '../lib/validate.js';
import type { TenantContext } from '../tenancy/context.js';
import { getCase, type Case } from './cases.js';
import { parseChatEnd, parseChatMessage, receiveMessage, replyOnChannel, type Channel } from './intake/index.js';
import { listInteractions, type Interaction } from './interactions.js';
import { actingFor, type PortalCustomer, type PortalTenant } from './portal-customer.js';

/** Characters of one chat message typed on the portal or in the console. */
export const MAX_CHAT_MESSAGE_CHARS = 4_000;
/** The newest messages a chat page shows (older ones stay on the case). */
export const CHAT_HISTORY = 100;
/** Open chats listed at once (a customer rarely has more than one). */
const OPEN_CHATS = 20;
/** Open chats the console lists at once. */
const CONSOLE_CHATS = 50;

const OPEN: readonly Case['status'][] = ['NEW', 'OPEN', 'PENDING'];

/**
 * A message typed in a chat. `messageId` is drawn by the server into each form, so a form sent
 * twice (double click, a retried request) is one message: intake ignores the repeated id.
 */
export const chatMessageInput = z.object({
  text: z.string().trim().min(1).max(MAX_CHAT_MESSAGE_CHARS),
  messageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a form token'),
});

/** An agent's answer in a chat. */
export const chatReplyInput = z.object({ text: z.string().trim().min(1).max(MAX_CHAT_MESSAGE_CHARS) });

/** The intake conversation behind a chat: its session on a CHAT channel. */
export interface ChatSession {
  sessionId: string;
  channel: Channel;
}

/** A live chat as its pages show it: the case, the newest messages (oldest first), open or ended. */
export interface ChatView {
  kase: Case;
  messages: Interaction[];
  /** The conversation still takes messages (its case is open and it was not ended). */
  open: boolean;
  session: ChatSession;
}

/** The tenant's first enabled CHAT channel, or null: without one the portal offers no chat. */
export async function tenantChatChannel(tenant: PortalTenant | TenantContext): Promise<Channel | null> {
  const [row] = await tenant.data.db.select().from(channels)
    .where(and(eq(channels.kind, 'CHAT'), isNull(channels.disabledAt))).orderBy(asc(channels.createdAt)).limit(1);
  return row ?? null;
}

/** The chat session of a case: its `chat:<session>` thread on a CHAT channel, or null for any other case. */
async function sessionOf(db: PortalTenant['data']['db'], caseId: string): Promise<ChatSession | null> {
  const [row] = await db.select({ key: channelThreads.threadKey, channel: channels }).from(channelThreads)
    .innerJoin(channels, eq(channels.id, channelThreads.channelId))
    .where(and(eq(channelThreads.caseId, caseId), eq(channels.kind, 'CHAT'), like(channelThreads.threadKey, 'chat:%')))
    .orderBy(desc(channelThreads.updatedAt)).limit(1);
  return row ? { sessionId: row.key.slice('chat:'.length), channel: row.channel } : null;
}

/** True once the session's end event was received (the customer left, or the widget closed it). */
async function sessionEnded(ctx: TenantContext, channelId: string, sessionId: string): Promise<boolean> {
  const row = await ctx.data.db.select({ id: channelMessages.interactionId }).from(channelMessages)
    .where(and(eq(channelMessages.channelId, channelId), eq(channelMessages.externalId, `session:${sessionId}:end`))).get();
  return row !== undefined;
}

async function viewOf(ctx: TenantContext, kase: Case): Promise<ChatView> {
  const session = await sessionOf(ctx.data.db, kase.id);
  if (!session) throw notFound('Case');
  const [page, ended] = await Promise.all([
    listInteractions(ctx, { first: CHAT_HISTORY, filter: { caseId: kase.id } }),
    sessionEnded(ctx, session.channel.id, session.sessionId),
  ]);
  const messages = page.edges.map((e) => e.node).reverse();
  return { kase, messages, open: OPEN.includes(kase.status) && !session.channel.disabledAt && !ended, session };
}

/** Open cases with a chat session (a CHAT case opened otherwise, say through the API, has no conversation to join). */
function openChatCases(db: PortalTenant['data']['db'], customerId: string | null, limit: number): Promise<Case[]> {
  const chatCases = db.select({ id: channelThreads.caseId }).from(channelThreads).where(like(channelThreads.threadKey, 'chat:%'));
  return db.select().from(cases)
    .where(and(customerId ? eq(cases.customerId, customerId) : undefined, eq(cases.channel, 'CHAT'), inArray(cases.status, [...OPEN]), inArray(cases.id, chatCases)))
    .orderBy(desc(cases.createdAt)).limit(limit);
}

/** The customer's open chats, newest first. */
export function myOpenChats(customer: PortalCustomer): Promise<Case[]> {
  return openChatCases(customer.data.db, customer.customerId, OPEN_CHATS);
}

/** One of the customer's chats; anyone else's case, or a case that is not a chat, is NOT_FOUND. */
export async function myChat(customer: PortalCustomer, caseId: string): Promise<ChatView> {
  const ctx = actingFor(customer);
  const kase = await getCase(ctx, caseId);
  if (kase.customerId !== customer.customerId) throw notFound('Case');
  return viewOf(ctx, kase);
}

/**
 * The customer opens a chat with its first message, through the tenant's chat channel and the
 * same intake as the chat endpoint (a new case on the channel's queue, the message on their
 * timeline). NOT_FOUND when the tenant has no chat channel. Answers the case id.
 */
export async function startMyChat(customer: PortalCustomer, raw: unknown): Promise<string> {
  const input = parseInput(chatMessageInput, raw);
  const channel = await tenantChatChannel(customer);
  if (!channel) throw new AppError('NOT_FOUND', 'this tenant offers no chat');
  // The customer is part of the session id: another customer's token never names this conversation.
  const sessionId = `portal-${customer.customerId}-${input.messageId}`;
  const result = await receiveMessage(customer, channel, {
    externalId: `session:${sessionId}:start`, customerId: customer.customerId, threadKeys: [`chat:${sessionId}`],
    body: input.text, details: { sessionId, event: 'start', via: 'portal' },
  });
  return result.caseId!;
}

/** The customer writes in their open chat (CONFLICT once it ended or its case was solved). */
export async function sendMyChatMessage(customer: PortalCustomer, caseId: string, raw: unknown): Promise<void> {
  const input = parseInput(chatMessageInput, raw);
  const view = await myChat(customer, caseId);
  if (!view.open) throw new AppError('CONFLICT', 'this chat has ended; start a new one');
  const { session } = view;
  const message = parseChatMessage(session.sessionId, { messageId: `${customer.customerId}-${input.messageId}`, text: input.text });
  await receiveMessage(customer, session.channel, message);
}

/** The customer leaves their chat (the session's end event, as the chat endpoint records it); ending twice is one end. */
export async function endMyChat(customer: PortalCustomer, caseId: string): Promise<void> {
  const view = await myChat(customer, caseId);
  if (!view.open) return;
  await receiveMessage(customer, view.session.channel, parseChatEnd(view.session.sessionId));
}

/** A chat as the console shows it to staff (NOT_FOUND for a case that is not a chat). */
export async function chatOfCase(ctx: TenantContext, caseId: string): Promise<ChatView> {
  return viewOf(ctx, await getCase(ctx, caseId));
}

/** The tenant's open chats, newest first, for the console's list. */
export function openChats(ctx: TenantContext): Promise<Case[]> {
  return openChatCases(ctx.data.db, null, CONSOLE_CHATS);
}

/** The agent answers in a chat: recorded on the chat's channel (replyOnChannel), which the customer sees live. */
export async function answerChat(ctx: TenantContext, caseId: string, raw: unknown): Promise<Interaction> {
  const input = parseInput(chatReplyInput, raw);
  const view = await chatOfCase(ctx, caseId);
  if (!view.open) throw new AppError('CONFLICT', 'this chat has ended');
  // On the chat's own channel, even if the case also came in on others.
  return replyOnChannel(ctx, { caseId, body: input.text, channelId: view.session.channel.id, agentId: ctx.agentId ?? null });
}
