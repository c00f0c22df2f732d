import { toGlobalId } from '../../lib/ids.js';

/** The GraphQL type an event's subject is, by the event type's prefix. */
const SUBJECT_TYPES: [prefix: string, type: string][] = [
  ['account.', 'Account'],
  ['agent.', 'Agent'],
  ['queue.', 'Queue'],
  ['case.', 'Case'],
  ['routing.', 'Case'],
  ['customer.', 'Customer'],
  ['interaction.', 'Interaction'],
  ['order.', 'Order'],
  ['knowledge.', 'KnowledgeArticle'],
  ['community.thread_', 'CommunityThread'],
  ['community.post_', 'CommunityPost'],
  ['community.forum_', 'CommunityForum'],
  ['canned_response.', 'CannedResponse'],
  ['macro.', 'Macro'],
  ['sla.', 'Case'],
  ['sla_calendar.', 'SlaCalendar'],
  ['sla_policy.', 'SlaPolicy'],
  ['channel.', 'IntakeChannel'],
  ['call.', 'Customer'],
];

/** Payload fields that hold another object's id, and that object's type. */
const PAYLOAD_ID_TYPES: Record<string, string> = {
  customerId: 'Customer',
  survivorId: 'Customer',
  duplicateId: 'Customer',
  caseId: 'Case',
  channelId: 'IntakeChannel',
  agentId: 'Agent',
  fromAgentId: 'Agent',
  toAgentId: 'Agent',
  ownerId: 'Agent',
  queueId: 'Queue',
  toQueueId: 'Queue',
  fromQueueId: 'Queue',
  policyId: 'SlaPolicy',
  threadId: 'CommunityThread',
  postId: 'CommunityPost',
  forumId: 'CommunityForum',
  pollId: 'CommunityPoll',
  optionId: 'CommunityPollOption',
  noteId: 'CaseNote',
  byAgentId: 'Agent',
  macroId: 'Macro',
  scheduledReplyId: 'ScheduledReply',
  interactionId: 'Interaction',
};

/**
 * Plugins see the same ids as the public API (global ids), never database keys: an event's
 * subject and the ids in its payload are translated before delivery, so a handler can pass them
 * straight to ctx.customers.get / ctx.orders.get. Plugin-emitted events pass through unchanged.
 */
export function publicIds(type: string, subjectId: string, payload: Record<string, unknown>) {
  const subjectType = SUBJECT_TYPES.find(([prefix]) => type.startsWith(prefix))?.[1];
  if (!subjectType) return { subjectId, payload };
  const mapped: Record<string, unknown> = { ...payload };
  for (const [field, idType] of Object.entries(PAYLOAD_ID_TYPES)) {
    if (typeof mapped[field] === 'string') mapped[field] = toGlobalId(idType, mapped[field]);
  }
  return { subjectId: toGlobalId(subjectType, subjectId), payload: mapped };
}
