import { z } from 'zod';
import { invalidInput, parseInput } from '../../lib/validate.js';
import { contactInput } from './identity.js';
import type { InboundMessage } from './receive.js';

/**
 * What each channel's provider posts, checked before anything touches the database, and how
 * it reduces to one InboundMessage. Every text has a length cap; ids are printable and short.
 */
const providerId = z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const body = z.string().min(1).max(100_000);
const when = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'not a date').nullish();
const url = z.string().trim().max(2000).pipe(z.url({ protocol: /^https?$/ }));

const emailInput = z.object({
  /** Header name → value; only the threading and sender headers are read. */
  headers: z.record(z.string().max(100), z.string().max(16_000)).refine((h) => Object.keys(h).length <= 200, 'at most 200 headers'),
  from: z.string().trim().min(3).max(400),
  subject: z.string().trim().max(300).nullish(),
  text: body,
  date: when,
});

const MESSAGE_ID = /<[^<>\s]{1,250}>/g;
const header = (headers: Record<string, string>, name: string) =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
const messageIds = (value: string | undefined) => (value?.match(MESSAGE_ID) ?? []).slice(-50);

/** `Ann Lee <ann@example.com>` or a bare address: the address and, when given, the name. */
function mailbox(from: string): { email: string; name?: string } {
  const angle = /^(.*?)\s*<([^<>]+)>\s*$/.exec(from);
  if (!angle) return { email: from };
  const name = angle[1]!.replace(/^"|"$/g, '').trim();
  return { email: angle[2]!, ...(name ? { name } : {}) };
}

/**
 * An inbound-parse style email. The Message-ID is the provider id; it and every id of
 * In-Reply-To and References are the thread's keys, so a reply to any earlier message of the
 * conversation continues its case.
 */
export function parseEmail(raw: unknown): InboundMessage {
  const input = parseInput(emailInput, raw);
  const ownId = messageIds(header(input.headers, 'message-id'))[0];
  if (!ownId) throw invalidInput([{ path: ['headers', 'Message-ID'], message: 'required, as <id@host>' }]);
  const { email, name } = mailbox(input.from);
  const contact = parseInput(contactInput, { email, name });
  const related = [...messageIds(header(input.headers, 'in-reply-to')), ...messageIds(header(input.headers, 'references'))];
  return {
    externalId: ownId.toLowerCase(),
    contact,
    threadKeys: [...new Set([ownId, ...related].map((id) => `email:${id.toLowerCase()}`))],
    subject: input.subject ?? null,
    body: input.text,
    occurredAt: input.date ?? null,
    details: { from: email, messageId: ownId, inReplyTo: related[0] ?? null },
  };
}

const chatStartInput = z.object({ sessionId: providerId, visitor: contactInput, message: body.nullish() });
const chatMessageInput = z.object({ messageId: providerId, text: body });

/** A visitor opens a chat session (optionally with a first message). */
export function parseChatStart(raw: unknown): InboundMessage {
  const input = parseInput(chatStartInput, raw);
  return {
    externalId: `session:${input.sessionId}:start`, contact: input.visitor, threadKeys: [`chat:${input.sessionId}`],
    body: input.message ?? 'Chat started', details: { sessionId: input.sessionId, event: 'start' },
  };
}

/** A visitor's message in an open chat session (the session names the customer). */
export function parseChatMessage(sessionId: string, raw: unknown): InboundMessage {
  const session = parseInput(providerId, sessionId);
  const input = parseInput(chatMessageInput, raw);
  return {
    externalId: `message:${input.messageId}`, threadKeys: [`chat:${session}`], requiresThread: true,
    body: input.text, details: { sessionId: session, event: 'message' },
  };
}

/** The visitor left or the widget closed the session. */
export function parseChatEnd(sessionId: string): InboundMessage {
  const session = parseInput(providerId, sessionId);
  return {
    externalId: `session:${session}:end`, threadKeys: [`chat:${session}`], requiresThread: true,
    body: 'Chat ended', details: { sessionId: session, event: 'end' },
  };
}

// Provider-style form fields (Twilio-like names), all strings.
const smsInput = z.object({ MessageSid: providerId, From: z.string().trim().min(3).max(40), To: z.string().trim().max(40).optional(), Body: body });

/** An SMS as a provider posts it (form fields); the sender's number threads the conversation. */
export function parseSms(raw: unknown): InboundMessage {
  const input = parseInput(smsInput, raw);
  const contact = parseInput(contactInput, { phone: input.From });
  return {
    externalId: input.MessageSid, contact, threadKeys: [], threadByContact: 'sms', body: input.Body,
    details: { from: input.From, to: input.To ?? null },
  };
}

const socialInput = z.object({
  type: z.enum(['mention', 'direct_message']),
  id: providerId,
  conversationId: providerId.nullish(),
  author: z.object({ handle: z.string(), name: z.string().trim().min(1).max(200).nullish(), network: z.string().trim().min(1).max(64) }),
  text: body,
  url: url.nullish(),
  createdAt: when,
});

/** A public mention (anyone sees it) or a private direct message on a social network. */
export function parseSocial(raw: unknown): InboundMessage {
  const input = parseInput(socialInput, raw);
  const contact = parseInput(contactInput, { handle: input.author.handle, name: input.author.name, network: input.author.network });
  const visibility = input.type === 'mention' ? 'PUBLIC' : 'PRIVATE';
  const conversation = input.conversationId ?? (input.type === 'mention' ? input.id : `dm:${contact.handle!.toLowerCase()}`);
  return {
    externalId: input.id, contact, threadKeys: [`social:${conversation}`], body: input.text, visibility, occurredAt: input.createdAt ?? null,
    details: { type: input.type, network: input.author.network, handle: contact.handle, url: input.url ?? null },
  };
}

// Zammad's generic CTI: form or JSON fields; `user` may repeat (several agents ringing).
const ctiInput = z.object({
  event: z.enum(['newCall', 'answer', 'hangup']),
  callId: providerId,
  from: z.string().trim().min(1).max(40),
  to: z.string().trim().min(1).max(40),
  direction: z.enum(['in', 'out']),
  user: z.union([z.string().trim().max(200), z.array(z.string().trim().max(200)).max(50)]).nullish(),
  answeringNumber: z.string().trim().max(40).nullish(),
  cause: z.string().trim().max(64).nullish(),
  duration: z.coerce.number().int().min(0).max(7 * 24 * 3600).nullish(),
  recordingUrl: url.nullish(),
});

const CALL_TEXT = { newCall: 'ringing', answer: 'answered', hangup: 'ended' } as const;

/**
 * A call event in Zammad's generic CTI shape: `newCall`, `answer` and `hangup` of one `callId`
 * are one interaction on the timeline, its text updated by each event; the caller (or, outbound,
 * the callee) is the customer.
 */
export function parseCallEvent(raw: unknown): InboundMessage {
  const input = parseInput(ctiInput, raw);
  const inbound = input.direction === 'in';
  const contact = parseInput(contactInput, { phone: inbound ? input.from : input.to });
  const users = input.user === null || input.user === undefined ? [] : [input.user].flat();
  let text = `${inbound ? 'Call from' : 'Call to'} ${inbound ? input.from : input.to}: ${CALL_TEXT[input.event]}`;
  if (users.length && input.event !== 'newCall') text += ` by ${users.join(', ')}`;
  if (input.cause) text += ` (${input.cause})`;
  if (input.duration !== null && input.duration !== undefined) text += `, ${input.duration} s`;
  if (input.recordingUrl) text += `; recording: ${input.recordingUrl}`;
  return {
    externalId: `${input.callId}:${input.event}`, contact, threadKeys: [`call:${input.callId}`], updatesSession: true,
    direction: inbound ? 'INBOUND' : 'OUTBOUND', body: text,
    details: {
      event: input.event, callId: input.callId, from: input.from, to: input.to, direction: input.direction, user: users,
      answeringNumber: input.answeringNumber ?? null, cause: input.cause ?? null, duration: input.duration ?? null, recordingUrl: input.recordingUrl ?? null,
    },
  };
}

const videoInput = z.object({
  sessionId: providerId,
  event: z.enum(['started', 'ended']),
  participant: contactInput,
  duration: z.number().int().min(0).max(7 * 24 * 3600).nullish(),
  recordingUrl: url.nullish(),
});

/** A video session's start and end: one interaction per session, like a call. */
export function parseVideoEvent(raw: unknown): InboundMessage {
  const input = parseInput(videoInput, raw);
  const duration = input.duration !== null && input.duration !== undefined ? `, ${input.duration} s` : '';
  return {
    externalId: `${input.sessionId}:${input.event}`, contact: input.participant, threadKeys: [`video:${input.sessionId}`], updatesSession: true,
    body: `Video session ${input.event}${duration}${input.recordingUrl ? `; recording: ${input.recordingUrl}` : ''}`,
    details: { sessionId: input.sessionId, event: input.event, duration: input.duration ?? null, recordingUrl: input.recordingUrl ?? null },
  };
}

const portalInput = z.object({
  submissionId: providerId,
  contact: contactInput,
  subject: z.string().trim().min(1).max(300),
  body,
});

/** A form submitted on the portal (or a site embedding it): each submission opens its own case. */
export function parsePortalSubmission(raw: unknown): InboundMessage {
  const input = parseInput(portalInput, raw);
  return {
    externalId: input.submissionId, contact: input.contact, threadKeys: [`portal:${input.submissionId}`],
    subject: input.subject, body: input.body, details: { submissionId: input.submissionId },
  };
}
