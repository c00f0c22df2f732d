import { connection, PAGE_ARGS } from '../base-sdl.js';

/**
 * Agents' daily tools: private notes with @mentions and the notifications they raise, tags on
 * cases and customers, canned responses with variables, macros, and replies scheduled for later.
 */
export const agentToolsTypeDefs = /* GraphQL */ `
"""A private note agents leave on a case. Customers never see notes: the portal and the case's conversation do not include them."""
type CaseNote {
  """The global id."""
  id: ID!
  """The case it is on."""
  case: Case!
  """The text (up to 20000 characters); @handle or @email mentions notify those agents."""
  body: String!
  """The agent who wrote it (null when written with an admin key naming nobody)."""
  author: Agent
  """When it was written."""
  createdAt: DateTime!
}
${connection('CaseNote', 'case notes')}

"""Why an agent was notified."""
enum AgentNotificationKind {
  """Someone @mentioned the agent in a private note."""
  MENTION
}

"""Something an agent is told about, until they mark it read."""
type AgentNotification {
  """The global id."""
  id: ID!
  """Why."""
  kind: AgentNotificationKind!
  """The case it is about."""
  case: Case
  """The note that mentioned the agent."""
  note: CaseNote
  """When it was raised."""
  createdAt: DateTime!
  """When the agent marked it read; null while unread."""
  readAt: DateTime
}
${connection('AgentNotification', 'agent notifications')}

"""A tag in use and how many cases carry it."""
type TagCount {
  """The tag."""
  tag: String!
  """How many cases carry it."""
  count: Int!
}

"""A reply template. Variables are written {{customer.name}}; only those in templateVariables exist, checked when saved (TEMPLATE_INVALID otherwise)."""
type CannedResponse {
  """The global id."""
  id: ID!
  """Its unique name (1 to 100 characters)."""
  name: String!
  """The template (up to 10000 characters)."""
  body: String!
  """When it was created."""
  createdAt: DateTime!
  """When it last changed."""
  updatedAt: DateTime!
}
${connection('CannedResponse', 'canned responses')}

"""What a macro step does."""
enum MacroActionType {
  """Sets the case's status (status)."""
  SET_STATUS
  """Sets the case's priority (priority)."""
  SET_PRIORITY
  """Moves the case to a queue, or out of any with null (queueId)."""
  SET_QUEUE
  """Assigns the case, or unassigns it with null (assigneeId)."""
  SET_ASSIGNEE
  """Adds tags (tags)."""
  ADD_TAGS
  """Removes tags (tags)."""
  REMOVE_TAGS
  """Adds a private note, mentions included (body)."""
  ADD_NOTE
  """Replies to the customer with a canned response filled in for the case (cannedResponseId)."""
  REPLY_WITH_CANNED_RESPONSE
}

"""One step of a macro."""
type MacroAction {
  """What it does."""
  type: MacroActionType!
  """For SET_STATUS."""
  status: CaseStatus
  """For SET_PRIORITY."""
  priority: CasePriority
  """For SET_QUEUE (null: no queue)."""
  queue: Queue
  """For SET_ASSIGNEE (null: unassigned)."""
  assignee: Agent
  """For ADD_TAGS and REMOVE_TAGS."""
  tags: [String!]
  """For ADD_NOTE."""
  body: String
  """For REPLY_WITH_CANNED_RESPONSE."""
  cannedResponse: CannedResponse
}

"""Several case changes applied together: all of them or, if one fails, none."""
type Macro {
  """The global id."""
  id: ID!
  """Its unique name (1 to 100 characters)."""
  name: String!
  """Its steps, in order (1 to 20)."""
  actions: [MacroAction!]!
  """When it was created."""
  createdAt: DateTime!
  """When it last changed."""
  updatedAt: DateTime!
}
${connection('Macro', 'macros')}

"""Where a scheduled reply stands."""
enum ScheduledReplyStatus {
  """Waiting for its time."""
  SCHEDULED
  """Sent: recorded as an outbound interaction."""
  SENT
  """Cancelled before its time; never sent."""
  CANCELLED
}

"""A reply on a case to be sent later."""
type ScheduledReply {
  """The global id."""
  id: ID!
  """The case it answers."""
  case: Case!
  """The agent who scheduled it."""
  agent: Agent
  """The channel it goes out on."""
  channel: Channel!
  """Its subject, if any."""
  subject: String
  """Its text."""
  body: String!
  """When it is (or was) due."""
  sendAt: DateTime!
  """Where it stands."""
  status: ScheduledReplyStatus!
  """The interaction it became once sent."""
  interaction: Interaction
  """When it was sent."""
  sentAt: DateTime
  """When it was cancelled."""
  cancelledAt: DateTime
}
${connection('ScheduledReply', 'scheduled replies')}

extend type Case {
  """Private notes on the case, newest first (never shown to the customer)."""
  notes(${PAGE_ARGS}
  ): CaseNoteConnection!
  """The case's tags, sorted."""
  tags: [String!]!
  """Replies scheduled on the case, soonest first."""
  scheduledReplies(${PAGE_ARGS}
  ): ScheduledReplyConnection!
}

extend type Customer {
  """The customer's tags, sorted."""
  tags: [String!]!
}

extend type Query {
  """An agent's notifications, newest first. An agent key reads its own agent's (agentId may be omitted); an admin key names the agent. FORBIDDEN for anyone else's."""
  agentNotifications(
    """The agent's global id; defaults to the agent the key is tied to."""
    agentId: ID
    """Only the unread ones."""
    unreadOnly: Boolean = false
    ${PAGE_ARGS}
  ): AgentNotificationConnection!
  """How many of the agent's notifications are unread (same rules as agentNotifications)."""
  unreadNotificationCount(
    """The agent's global id; defaults to the agent the key is tied to."""
    agentId: ID
  ): Int!
  """Cases carrying a tag, newest first."""
  casesByTag(
    """The tag (matched in lower case)."""
    tag: String!
    """Only cases in this status."""
    status: CaseStatus
    ${PAGE_ARGS}
  ): CaseConnection!
  """The case tags in use with their counts, by name (up to 200)."""
  caseTags(
    """Only tags starting with this (up to 40 characters)."""
    prefix: String
  ): [TagCount!]!
  """The variables a canned response may use, such as customer.name."""
  templateVariables: [String!]!
  """The canned response with this id. NOT_FOUND when it does not exist."""
  cannedResponse(
    """Its global id."""
    id: ID!
  ): CannedResponse
  """Canned responses by name."""
  cannedResponses(${PAGE_ARGS}
  ): CannedResponseConnection!
  """A canned response filled in for a case, as plain text (a variable without a value is empty)."""
  renderCannedResponse(
    """The canned response's global id."""
    cannedResponseId: ID!
    """The case's global id."""
    caseId: ID!
  ): String!
  """The macro with this id. NOT_FOUND when it does not exist."""
  macro(
    """Its global id."""
    id: ID!
  ): Macro
  """Macros by name."""
  macros(${PAGE_ARGS}
  ): MacroConnection!
  """The scheduled reply with this id. NOT_FOUND when it does not exist."""
  scheduledReply(
    """Its global id."""
    id: ID!
  ): ScheduledReply
}

"""A private note on a case."""
input AddCaseNoteInput {
  """The case's global id."""
  caseId: ID!
  """The text (1 to 20000 characters); @handle (the part of an agent's email before the @, when only one agent has it) or @email mentions notify those agents."""
  body: String!
  """The author, for an admin key; an agent key always writes as its own agent."""
  authorAgentId: ID
}
"""The note written and whom it notified."""
type AddCaseNotePayload {
  """The note."""
  note: CaseNote!
  """The agents it notified (its author never)."""
  mentioned: [Agent!]!
}

"""Which notifications to mark read."""
input MarkNotificationsReadInput {
  """The agent (admin keys); an agent key marks its own."""
  agentId: ID
  """These notifications (1 to 100); omit to mark every unread one."""
  ids: [ID!]
}
"""How many notifications were marked read."""
type MarkNotificationsReadPayload {
  """How many changed from unread to read."""
  count: Int!
}

"""Tags to add to and remove from a case: lower case, 1 to 40 characters, at most 50 per case (TOO_MANY_TAGS)."""
input TagCaseInput {
  """The case's global id."""
  caseId: ID!
  """Tags to add (up to 50)."""
  add: [String!]
  """Tags to remove, before adding (up to 50)."""
  remove: [String!]
}
"""The case and its tags now."""
type TagCasePayload {
  """The case."""
  case: Case!
  """Its tags, sorted."""
  tags: [String!]!
}
"""Tags to add to and remove from a customer, under the case rules."""
input TagCustomerInput {
  """The customer's global id."""
  customerId: ID!
  """Tags to add (up to 50)."""
  add: [String!]
  """Tags to remove, before adding (up to 50)."""
  remove: [String!]
}
"""The customer and their tags now."""
type TagCustomerPayload {
  """The customer."""
  customer: Customer!
  """Their tags, sorted."""
  tags: [String!]!
}

"""A new canned response."""
input CreateCannedResponseInput {
  """A unique name (1 to 100 characters)."""
  name: String!
  """The template (1 to 10000 characters), with variables like {{customer.name}}."""
  body: String!
}
"""Changes to a canned response."""
input UpdateCannedResponseInput {
  """Its global id."""
  id: ID!
  """A new unique name (1 to 100 characters)."""
  name: String
  """A new template (1 to 10000 characters)."""
  body: String
}
"""The canned response as it is now."""
type CannedResponsePayload {
  """The canned response."""
  cannedResponse: CannedResponse!
}

"""One macro step: the type and the one field it uses."""
input MacroActionInput {
  """What it does."""
  type: MacroActionType!
  """For SET_STATUS."""
  status: CaseStatus
  """For SET_PRIORITY."""
  priority: CasePriority
  """For SET_QUEUE: the queue's global id, or null for none."""
  queueId: ID
  """For SET_ASSIGNEE: the agent's global id, or null for unassigned."""
  assigneeId: ID
  """For ADD_TAGS and REMOVE_TAGS (1 to 50)."""
  tags: [String!]
  """For ADD_NOTE (1 to 20000 characters)."""
  body: String
  """For REPLY_WITH_CANNED_RESPONSE: the canned response's global id."""
  cannedResponseId: ID
}
"""A new macro (admin keys)."""
input CreateMacroInput {
  """A unique name (1 to 100 characters)."""
  name: String!
  """Its steps (1 to 20), applied in order."""
  actions: [MacroActionInput!]!
}
"""Changes to a macro (admin keys)."""
input UpdateMacroInput {
  """Its global id."""
  id: ID!
  """A new unique name."""
  name: String
  """New steps (1 to 20), replacing the old ones."""
  actions: [MacroActionInput!]
}
"""The macro as it is now."""
type MacroPayload {
  """The macro."""
  macro: Macro!
}
"""A macro to apply to a case."""
input ApplyMacroInput {
  """The macro's global id."""
  macroId: ID!
  """The case's global id."""
  caseId: ID!
}
"""The case after every step of the macro."""
type ApplyMacroPayload {
  """The case."""
  case: Case!
  """The replies its steps sent."""
  replies: [Interaction!]!
}

"""A reply to send later: at sendAt, or at the next business hour."""
input ScheduleReplyInput {
  """The case's global id."""
  caseId: ID!
  """The text (1 to 20000 characters)."""
  body: String!
  """A subject (up to 300 characters)."""
  subject: String
  """The channel; the case's own when omitted (else EMAIL)."""
  channel: Channel
  """When to send it (in the future, at most a year ahead). Give this or nextBusinessHour."""
  sendAt: DateTime
  """Send when business hours next begin (now, if open now), by an SLA business-hours calendar."""
  nextBusinessHour: Boolean
  """The SLA calendar's global id for nextBusinessHour; the tenant's first calendar when omitted."""
  calendarId: ID
}
"""The scheduled reply as it is now."""
type ScheduledReplyPayload {
  """The scheduled reply."""
  scheduledReply: ScheduledReply!
}
"""The id of what was deleted."""
type DeleteAgentToolPayload {
  """The deleted object's global id."""
  deletedId: ID!
}

extend type Mutation {
  """Adds a private note to a case; notifies the agents it @mentions (an agent.mentioned event each)."""
  addCaseNote(
    """The note."""
    input: AddCaseNoteInput!
  ): AddCaseNotePayload
  """Marks an agent's notifications read."""
  markNotificationsRead(
    """Which ones."""
    input: MarkNotificationsReadInput!
  ): MarkNotificationsReadPayload
  """Adds and removes tags of a case."""
  tagCase(
    """The tags."""
    input: TagCaseInput!
  ): TagCasePayload
  """Adds and removes tags of a customer."""
  tagCustomer(
    """The tags."""
    input: TagCustomerInput!
  ): TagCustomerPayload
  """Saves a canned response; TEMPLATE_INVALID when it uses an unknown variable."""
  createCannedResponse(
    """The canned response."""
    input: CreateCannedResponseInput!
  ): CannedResponsePayload
  """Changes a canned response."""
  updateCannedResponse(
    """The changes."""
    input: UpdateCannedResponseInput!
  ): CannedResponsePayload
  """Deletes a canned response; macros replying with it then fail until changed."""
  deleteCannedResponse(
    """Its global id."""
    id: ID!
  ): DeleteAgentToolPayload
  """Saves a macro (admin keys)."""
  createMacro(
    """The macro."""
    input: CreateMacroInput!
  ): MacroPayload
  """Changes a macro (admin keys)."""
  updateMacro(
    """The changes."""
    input: UpdateMacroInput!
  ): MacroPayload
  """Deletes a macro (admin keys)."""
  deleteMacro(
    """Its global id."""
    id: ID!
  ): DeleteAgentToolPayload
  """Applies every step of a macro to a case in one transaction; if a step fails nothing is written and the error's extensions.step names it (from 0)."""
  applyMacro(
    """The macro and the case."""
    input: ApplyMacroInput!
  ): ApplyMacroPayload
  """Schedules a reply on a case."""
  scheduleReply(
    """The reply and when."""
    input: ScheduleReplyInput!
  ): ScheduledReplyPayload
  """Cancels a scheduled reply; CONFLICT once it was sent or cancelled."""
  cancelScheduledReply(
    """Its global id."""
    id: ID!
  ): ScheduledReplyPayload
}
`;
