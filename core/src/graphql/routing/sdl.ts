import { connection, PAGE_ARGS } from '../base-sdl.js';

/**
 * Skills-and-capacity routing: presence, queue routing configuration, offers, hand-offs and the
 * record of every routing decision. Extends the base types; composed in schema.ts.
 */
export const routingTypeDefs = /* GraphQL */ `
"""Whether an agent takes work now."""
enum AgentPresence {
  """Takes new work: routing offers and assigns cases to them."""
  AVAILABLE
  """Signed in and working, takes no new work."""
  BUSY
  """Signed in but away from the desk."""
  AWAY
  """Signed out."""
  OFFLINE
}

"""What happens to an assigned case whose assignee has not replied in time."""
enum ReturnAction {
  """Back to routing in the same queue (the silent assignee is not offered it again)."""
  REROUTE
  """To the queue's fallback queue."""
  FALLBACK_QUEUE
  """Stays assigned; a routing.escalated event asks a supervisor to act."""
  ESCALATE
}

"""Why an offer is declined."""
enum DeclineReason {
  """Too much on hand right now."""
  BUSY
  """The case needs a skill the agent lacks."""
  NOT_MY_SKILL
  """The agent should not handle this customer."""
  CONFLICT_OF_INTEREST
  """Anything else (say what in the note)."""
  OTHER
}

"""What a routing decision did."""
enum RoutingDecisionKind {
  """Offered the case to the winner, who may accept or decline."""
  OFFER
  """Assigned the case to the winner at once (routeCase)."""
  ASSIGN
  """Someone transferred the case to the winner."""
  TRANSFER
  """No agent qualified."""
  NONE
}

"""The rule that told the winner apart from the runner-up."""
enum RoutingRule {
  """Only one agent qualified."""
  ONLY_CANDIDATE
  """The winner's levels in the required skills add up to the most."""
  BEST_SKILL_MATCH
  """Equal skills; the winner used the smallest share of their capacity."""
  LEAST_LOADED
  """Equal skills and load; the winner had gone longest without new work."""
  LONGEST_IDLE
  """Equal in every rule; the lower agent id won so every router agrees."""
  TIE_BREAK
  """A person chose the agent (transferCase)."""
  TRANSFER
  """Nobody qualified."""
  NO_CANDIDATE
}

"""A skill a queue asks for."""
type QueueSkillRequirement {
  """The skill's name."""
  skill: String!
  """The lowest level that qualifies (1 to 10)."""
  level: Int!
  """True when the skill stops being required once a case waited skillDropSeconds."""
  additional: Boolean!
}

"""How a queue's cases are routed."""
type QueueRouting {
  """Served in this order: 1 first (1 to 100)."""
  priority: Int!
  """Skills an agent needs, each at its level."""
  skills: [QueueSkillRequirement!]!
  """Seconds a case waits before its additional skills are dropped; null keeps them."""
  skillDropSeconds: Int
  """Seconds an agent has to accept an offer before it goes to the next agent."""
  offerTimeoutSeconds: Int!
  """Minutes an assignee may go without replying before the return action runs; null turns the timer off."""
  returnAfterMinutes: Int
  """What the return timer does."""
  returnAction: ReturnAction!
  """Where FALLBACK_QUEUE sends a case."""
  fallbackQueue: Queue
  """When the configuration last changed."""
  updatedAt: DateTime!
}

"""Capacity units one case of a channel takes."""
type ChannelWeight {
  """The channel."""
  channel: Channel!
  """Units taken from the agent's capacity (a standard agent has 6)."""
  units: Int!
}

"""A case offered to an agent, waiting for them to accept or decline."""
type RoutingOffer {
  """The case offered."""
  case: Case!
  """The agent it is offered to."""
  agent: Agent!
  """When it was offered."""
  offeredAt: DateTime!
  """When the offer lapses and goes to the next agent."""
  expiresAt: DateTime!
  """Capacity units the case takes."""
  weight: Int!
  """Why this agent: the decision that made the offer."""
  decision: RoutingDecision
}

"""An agent as the router saw them when deciding."""
type RoutingCandidate {
  """The agent."""
  agent: Agent
  """Capacity units in use at that moment."""
  loadUnits: Int!
  """The agent's capacity in units."""
  capacityUnits: Int!
  """The agent's levels in the required skills, added up."""
  skillScore: Int!
  """Since when the agent had had no new work."""
  idleSince: DateTime!
  """Every skill the agent had, with levels."""
  skills: [AgentSkill!]!
}

"""Why a case went where it went."""
type RoutingDecision {
  """The global id."""
  id: ID!
  """What the decision did."""
  kind: RoutingDecisionKind!
  """The agent chosen; null when nobody qualified."""
  agent: Agent
  """The rule that picked the winner over the runner-up."""
  rule: RoutingRule!
  """The queue the case was routed from."""
  queue: Queue
  """Capacity units the case takes."""
  weight: Int!
  """Skills still required at decision time."""
  requiredSkills: [QueueSkillRequirement!]!
  """Additional skills dropped because the case had waited long enough."""
  droppedSkills: [String!]!
  """The best-ranked qualifying agents (up to ten), winner first."""
  candidates: [RoutingCandidate!]!
  """How many agents qualified in all."""
  candidateCount: Int!
  """When it was decided."""
  createdAt: DateTime!
}

${connection('RoutingDecision', 'routing decisions')}

"""An expert invited to help on a case; the assignee stays the owner."""
type CaseParticipant {
  """The expert."""
  agent: Agent!
  """When they were invited."""
  invitedAt: DateTime!
}

extend type Agent {
  """Whether the agent takes work now (status is its older, coarser form)."""
  presence: AgentPresence!
  """Since when the presence holds."""
  presenceSince: DateTime
  """Capacity units in use: open cases assigned plus pending offers."""
  loadUnits: Int!
  """Cases offered to the agent and not yet accepted or declined."""
  offers: [RoutingOffer!]!
}

extend type Queue {
  """How the queue is routed; null when it is routed only on request (routeCase)."""
  routing: QueueRouting
}

extend type Case {
  """Why the case went where it went, newest first."""
  routingDecisions(${PAGE_ARGS}
  ): RoutingDecisionConnection!
  """Experts invited to help on the case."""
  participants: [CaseParticipant!]!
}

extend type Query {
  """Cases offered to the calling agent (an agent key tied to an agent); empty for other keys."""
  myOffers: [RoutingOffer!]!
  """Capacity units per channel for this tenant."""
  channelWeights: [ChannelWeight!]!
}

"""Sets an agent's presence."""
input SetPresenceInput {
  """The agent's global id; left out, the agent the key is tied to."""
  agentId: ID
  """The new presence."""
  presence: AgentPresence!
}

"""A skill a queue asks for."""
input QueueSkillInput {
  """The skill's name (1 to 40 letters, digits, _ or -; stored in lower case)."""
  skill: String!
  """The lowest level that qualifies, 1 to 10; 1 when left out."""
  level: Int
  """Dropped after skillDropSeconds when true; false when left out."""
  additional: Boolean
}

"""How a queue's cases are routed; replaces the queue's previous configuration."""
input ConfigureQueueRoutingInput {
  """The queue's global id."""
  queueId: ID!
  """Served in this order, 1 first (1 to 100); 5 when left out."""
  priority: Int
  """Skills an agent needs (up to 20, each once)."""
  skills: [QueueSkillInput!]
  """Seconds (0 to 604800) before additional skills are dropped; null keeps them."""
  skillDropSeconds: Int
  """Seconds (5 to 3600) an agent has to accept an offer; 30 when left out."""
  offerTimeoutSeconds: Int
  """Minutes (1 to 43200) an assignee may go without replying; null turns the timer off."""
  returnAfterMinutes: Int
  """What the return timer does; REROUTE when left out."""
  returnAction: ReturnAction
  """The queue FALLBACK_QUEUE sends cases to (required for it; not the queue itself)."""
  fallbackQueueId: ID
}

"""Capacity units of one channel."""
input ChannelWeightInput {
  """The channel."""
  channel: Channel!
  """Units (1 to 100)."""
  units: Int!
}

"""Sets capacity units per channel; channels left out keep theirs."""
input SetChannelWeightsInput {
  """Each channel at most once."""
  weights: [ChannelWeightInput!]!
}

"""Declines an offer."""
input DeclineOfferInput {
  """The offered case's global id."""
  caseId: ID!
  """Why."""
  reason: DeclineReason!
  """More words on why (up to 500 characters)."""
  note: String
}

"""Hands a case to an agent or a queue: give exactly one."""
input TransferCaseInput {
  """The case's global id."""
  caseId: ID!
  """The agent to assign it to (they must be available with room for it)."""
  toAgentId: ID
  """The queue to put it in, unassigned."""
  toQueueId: ID
}

"""Invites an expert to a case."""
input InviteExpertInput {
  """The case's global id."""
  caseId: ID!
  """The expert's global id (not the case's assignee)."""
  agentId: ID!
}

"""The result of setPresence."""
type SetPresencePayload {
  """The agent, with the new presence."""
  agent: Agent!
}

"""The result of configureQueueRouting."""
type ConfigureQueueRoutingPayload {
  """The queue, with its routing."""
  queue: Queue!
}

"""The result of setChannelWeights."""
type SetChannelWeightsPayload {
  """Every channel's units after the change."""
  channelWeights: [ChannelWeight!]!
}

"""The result of a routing mutation on one case."""
type RoutingCasePayload {
  """The case after the change."""
  case: Case!
}

"""The result of inviteExpert."""
type InviteExpertPayload {
  """The case."""
  case: Case!
  """The invited expert."""
  participant: CaseParticipant!
}

extend type Mutation {
  """Sets an agent's presence (an agent their own, an admin anyone's). Leaving AVAILABLE hands pending offers back to routing."""
  setPresence(
    """What to change."""
    input: SetPresenceInput!
  ): SetPresencePayload
  """Configures how a queue is routed (admins). From then on the server offers its waiting cases to agents."""
  configureQueueRouting(
    """What to change."""
    input: ConfigureQueueRoutingInput!
  ): ConfigureQueueRoutingPayload
  """Sets capacity units per channel (admins)."""
  setChannelWeights(
    """What to change."""
    input: SetChannelWeightsInput!
  ): SetChannelWeightsPayload
  """Accepts the case offered to the calling agent: it is assigned to them. NOT_FOUND when no such offer is open for them; OFFER_EXPIRED when it ran out."""
  acceptOffer(
    """The offered case's global id."""
    caseId: ID!
  ): RoutingCasePayload
  """Declines the case offered to the calling agent, with a reason; routing offers it to the next agent."""
  declineOffer(
    """What to change."""
    input: DeclineOfferInput!
  ): RoutingCasePayload
  """Hands the case to an agent (AGENT_AT_CAPACITY when they have no room) or a queue; the assignee or an admin."""
  transferCase(
    """What to change."""
    input: TransferCaseInput!
  ): RoutingCasePayload
  """The assignee gives the case back to routing (the assignee or an admin)."""
  releaseCase(
    """The case's global id."""
    caseId: ID!
  ): RoutingCasePayload
  """Invites an expert to help on the case; the assignee stays its owner."""
  inviteExpert(
    """What to change."""
    input: InviteExpertInput!
  ): InviteExpertPayload
}
`;
