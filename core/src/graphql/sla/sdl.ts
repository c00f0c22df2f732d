/**
 * Service levels: business-hours calendars and ordered SLA policies (admins write them), and
 * each case's SLA clocks. "Breaching soon" and "breached" reach plugins as outbox events
 * (`sla.breaching_soon`, `sla.breached`, `sla.escalated`, `sla.supervisor_notified`).
 */
export const slaTypeDefs = /* GraphQL */ `
"""A day of the week, in the calendar's own time zone."""
enum Weekday {
  """Monday."""
  MONDAY
  """Tuesday."""
  TUESDAY
  """Wednesday."""
  WEDNESDAY
  """Thursday."""
  THURSDAY
  """Friday."""
  FRIDAY
  """Saturday."""
  SATURDAY
  """Sunday."""
  SUNDAY
}

"""What an SLA target measures."""
enum SlaTargetKind {
  """From the case's creation to the first outbound message an agent sends on it."""
  FIRST_RESPONSE
  """From a customer's message after the first answer to the agent's next outbound message."""
  NEXT_RESPONSE
  """From the case's creation to SOLVED; paused while the case is PENDING; a reopened case starts a new round."""
  RESOLUTION
}

"""Where one SLA clock of a case stands."""
enum SlaTargetStatus {
  """Running; dueAt says when it is breached."""
  ACTIVE
  """Stopped while the case waits on the customer (PENDING); resumes with the time left."""
  PAUSED
  """Met in time."""
  HIT
  """Not met by its due time (breachedAt); it stays missed when answered late."""
  MISSED
}

"""An SLA moment escalation rules react to."""
enum SlaEvent {
  """The clock entered its warning window (the policy's warnMinutes, else warnPercent of the target, before due)."""
  BREACHING_SOON
  """The clock passed its due time."""
  BREACHED
}

"""What an escalation rule does to the case."""
enum SlaEscalationAction {
  """Moves the case to a queue (back to its routing) and/or to an agent."""
  REASSIGN
  """Raises the case's priority one step (URGENT stays URGENT)."""
  RAISE_PRIORITY
  """Notifies a supervisor (an agent): an sla.supervisor_notified event and a record on the case."""
  NOTIFY
}

"""One opening period of a weekday, in local time (HH:MM; end may be 24:00)."""
type SlaOpeningPeriod {
  """The weekday."""
  weekday: Weekday!
  """Opening time, HH:MM."""
  start: String!
  """Closing time, HH:MM, after start (24:00 is the end of the day)."""
  end: String!
}

"""A day the calendar is closed."""
type SlaHoliday {
  """The date, YYYY-MM-DD (for a recurring holiday, its month and day count every year)."""
  date: String!
  """What the holiday is called, if named."""
  name: String
  """Whether it recurs on the same month and day every year."""
  recurring: Boolean!
}

"""Business hours: opening periods per weekday (several per day for split shifts) in one IANA time zone, minus holidays."""
type SlaCalendar {
  """The global id."""
  id: ID!
  """A unique name."""
  name: String!
  """The IANA time zone the periods and holidays are read in, e.g. Europe/Berlin."""
  timeZone: String!
  """Opening periods, by weekday then time."""
  periods: [SlaOpeningPeriod!]!
  """Closed days, by date."""
  holidays: [SlaHoliday!]!
  """When the calendar was created."""
  createdAt: DateTime!
  """When it last changed."""
  updatedAt: DateTime!
}

"""Which cases a policy selects. An empty list accepts any value; every non-empty list must contain the case's value."""
type SlaPolicyConditions {
  """Case priorities."""
  priorities: [CasePriority!]!
  """Case channels (a case without a channel never matches a non-empty list)."""
  channels: [Channel!]!
  """Queues the case waits in."""
  queues: [Queue!]!
  """Tiers of the account of the case's customer."""
  tiers: [String!]!
}

"""One target of a policy."""
type SlaTargetRule {
  """What it measures."""
  kind: SlaTargetKind!
  """The case priority it applies to; null for any priority without a target of its own."""
  priority: CasePriority
  """The target, in minutes."""
  minutes: Int!
  """Whether minutes count only within the policy's calendar (else every minute counts)."""
  businessHours: Boolean!
}

"""What to do when a case's clock is breaching soon or breached."""
type SlaEscalationRule {
  """The moment it reacts to."""
  on: SlaEvent!
  """The kind of clock it reacts to; null for every kind."""
  targetKind: SlaTargetKind
  """What it does."""
  action: SlaEscalationAction!
  """REASSIGN: the queue the case moves to."""
  queue: Queue
  """REASSIGN: the agent the case moves to; NOTIFY: the supervisor notified."""
  agent: Agent
}

"""A service-level policy. Policies are tried in position order; the first enabled one whose conditions select a case applies to it, when the case is created and whenever its priority, channel or queue changes."""
type SlaPolicy {
  """The global id."""
  id: ID!
  """A unique name."""
  name: String!
  """Its place in the order policies are tried, from 1."""
  position: Int!
  """Disabled policies are skipped."""
  enabled: Boolean!
  """Which cases it selects."""
  conditions: SlaPolicyConditions!
  """The business hours its business-hours targets count in; null when every target counts every minute."""
  calendar: SlaCalendar
  """Its targets; a priority's own target wins over the one for any priority."""
  targets: [SlaTargetRule!]!
  """Breaching soon this share (percent) of the target before due, unless warnMinutes is set."""
  warnPercent: Int!
  """Breaching soon this many minutes before due (counted like the target); overrides warnPercent."""
  warnMinutes: Int
  """What happens on breaching soon and breached."""
  escalations: [SlaEscalationRule!]!
  """When the policy was created."""
  createdAt: DateTime!
  """When it last changed."""
  updatedAt: DateTime!
}

"""One SLA clock of a case (the latest of its kind: next response starts again after each customer message)."""
type CaseSlaTarget {
  """What it measures."""
  kind: SlaTargetKind!
  """Where it stands."""
  status: SlaTargetStatus!
  """When it is (or was) due; null while paused."""
  dueAt: DateTime
  """When it was met in time."""
  hitAt: DateTime
  """When it was breached (its due time), if missed."""
  breachedAt: DateTime
  """When it started counting."""
  startedAt: DateTime!
  """When its event happened (the answer or the solve), in time or late; null while waiting."""
  completedAt: DateTime
  """Which round of its kind it is (next response counts up from 1)."""
  cycle: Int!
  """The target in minutes."""
  minutes: Int!
  """Whether it counts business hours only."""
  businessHours: Boolean!
  """The policy that set it; null if that policy was deleted since."""
  policy: SlaPolicy
  """The case it belongs to."""
  case: Case!
}

"""How many SLA clocks were met and missed in a period, for one kind."""
type SlaOutcome {
  """What the clocks measured."""
  kind: SlaTargetKind!
  """Clocks met in time (counted at their hit time)."""
  hit: Int!
  """Clocks missed (counted at their breach time)."""
  missed: Int!
  """hit / (hit + missed); null when none was decided."""
  hitRate: Float
}

"""An escalation rule applied to a case."""
type SlaEscalation {
  """The moment that triggered it."""
  event: SlaEvent!
  """What was done."""
  action: SlaEscalationAction!
  """The kind of clock that triggered it."""
  targetKind: SlaTargetKind!
  """REASSIGN: the queue the case moved to."""
  queue: Queue
  """REASSIGN: the agent the case moved to (null: back to the queue's routing); NOTIFY: the supervisor notified."""
  agent: Agent
  """RAISE_PRIORITY: the priority before."""
  fromPriority: CasePriority
  """RAISE_PRIORITY: the priority after."""
  toPriority: CasePriority
  """When it was applied."""
  createdAt: DateTime!
}

extend type Case {
  """The case's SLA clocks, one per kind it has (first response, next response, resolution)."""
  slaTargets: [CaseSlaTarget!]!
  """Escalations applied to the case by SLA rules, newest first."""
  slaEscalations(
    """How many (1–50)."""
    first: Int = 20
  ): [SlaEscalation!]!
}

extend type Query {
  """The tenant's business-hours calendars, by name (at most 100)."""
  slaCalendars: [SlaCalendar!]!
  """One calendar; NOT_FOUND when this tenant has none with that id."""
  slaCalendar(
    """The calendar's global id."""
    id: ID!
  ): SlaCalendar!
  """Running SLA clocks due before a time, soonest first: what is breaching soon."""
  slaTargetsDue(
    """Clocks due at or before this instant (e.g. an hour from now)."""
    before: DateTime!
    """How many (1–100)."""
    first: Int = 20
  ): [CaseSlaTarget!]!
  """SLA clocks met and missed per kind in [from, to), by when each was decided."""
  slaOutcomes(
    """Start of the period (included)."""
    from: DateTime!
    """End of the period (excluded)."""
    to: DateTime!
  ): [SlaOutcome!]!
  """The tenant's SLA policies in the order they are tried (at most 100)."""
  slaPolicies: [SlaPolicy!]!
  """One policy; NOT_FOUND when this tenant has none with that id."""
  slaPolicy(
    """The policy's global id."""
    id: ID!
  ): SlaPolicy!
}

"""An opening period: weekday, start and end as HH:MM (end after start, 24:00 allowed); periods of one weekday must not overlap."""
input SlaOpeningPeriodInput {
  """The weekday."""
  weekday: Weekday!
  """Opening time, HH:MM."""
  start: String!
  """Closing time, HH:MM (24:00 for midnight)."""
  end: String!
}

"""A closed day."""
input SlaHolidayInput {
  """YYYY-MM-DD."""
  date: String!
  """A name (up to 100 characters)."""
  name: String
  """Recurs every year on this month and day (default false)."""
  recurring: Boolean
}

"""A new calendar."""
input CreateSlaCalendarInput {
  """A unique name (up to 100 characters)."""
  name: String!
  """An IANA time zone, e.g. America/New_York."""
  timeZone: String!
  """1–70 opening periods; a calendar with none would never be open."""
  periods: [SlaOpeningPeriodInput!]!
  """Up to 50 holidays."""
  holidays: [SlaHolidayInput!]
}

"""Changes to a calendar; what is given replaces what was there."""
input UpdateSlaCalendarInput {
  """The calendar's global id."""
  id: ID!
  """A new unique name."""
  name: String
  """A new IANA time zone."""
  timeZone: String
  """New opening periods (1–70)."""
  periods: [SlaOpeningPeriodInput!]
  """New holidays (up to 50), replacing all."""
  holidays: [SlaHolidayInput!]
}

"""Holidays to add to a calendar."""
input AddSlaHolidaysInput {
  """The calendar's global id."""
  calendarId: ID!
  """1–50 holidays; a date already there is replaced. A calendar keeps at most 1000."""
  holidays: [SlaHolidayInput!]!
}

"""Which cases a policy selects (an empty or missing list accepts any value)."""
input SlaPolicyConditionsInput {
  """Case priorities."""
  priorities: [CasePriority!]
  """Case channels."""
  channels: [Channel!]
  """Queue global ids (up to 50)."""
  queueIds: [ID!]
  """Account tiers (up to 20, each up to 50 characters)."""
  tiers: [String!]
}

"""One target of a policy."""
input SlaTargetRuleInput {
  """What it measures."""
  kind: SlaTargetKind!
  """Only for cases of this priority; omit for any priority."""
  priority: CasePriority
  """The target, 1–525600 minutes."""
  minutes: Int!
  """Count only the policy's business hours (default true; needs a calendarId)."""
  businessHours: Boolean
}

"""What to do on breaching soon or breached."""
input SlaEscalationRuleInput {
  """The moment it reacts to."""
  on: SlaEvent!
  """Only for this kind of clock; omit for every kind."""
  targetKind: SlaTargetKind
  """What it does."""
  action: SlaEscalationAction!
  """REASSIGN: the queue's global id."""
  queueId: ID
  """REASSIGN: the agent's global id; NOTIFY: the supervisor's (required)."""
  agentId: ID
}

"""A new SLA policy."""
input CreateSlaPolicyInput {
  """A unique name (up to 100 characters)."""
  name: String!
  """Where it goes in the order (1 is first); default last."""
  position: Int
  """Default true."""
  enabled: Boolean
  """Which cases it selects; default all."""
  conditions: SlaPolicyConditionsInput
  """The calendar's global id; required when a target counts business hours."""
  calendarId: ID
  """1–15 targets, one per kind and priority."""
  targets: [SlaTargetRuleInput!]!
  """Breaching soon this percent of the target before due (1–99, default 15)."""
  warnPercent: Int
  """Breaching soon this many minutes before due; overrides warnPercent."""
  warnMinutes: Int
  """Up to 20 escalation rules."""
  escalations: [SlaEscalationRuleInput!]
}

"""Changes to a policy; what is given replaces what was there."""
input UpdateSlaPolicyInput {
  """The policy's global id."""
  id: ID!
  """A new unique name."""
  name: String
  """A new place in the order (1 is first)."""
  position: Int
  """Enable or disable it."""
  enabled: Boolean
  """New conditions."""
  conditions: SlaPolicyConditionsInput
  """A new calendar's global id (null removes it; then no target may count business hours)."""
  calendarId: ID
  """New targets."""
  targets: [SlaTargetRuleInput!]
  """New warning share, percent."""
  warnPercent: Int
  """New warning lead in minutes (null falls back to warnPercent)."""
  warnMinutes: Int
  """New escalation rules."""
  escalations: [SlaEscalationRuleInput!]
}

"""The result of writing a calendar."""
type SlaCalendarPayload {
  """The calendar as it is now."""
  calendar: SlaCalendar!
}

"""The result of writing a policy."""
type SlaPolicyPayload {
  """The policy as it is now."""
  policy: SlaPolicy!
}

"""The result of deleting a calendar or policy."""
type SlaDeletePayload {
  """The global id of what was deleted."""
  deletedId: ID!
}

extend type Mutation {
  """Creates a business-hours calendar (admin)."""
  createSlaCalendar(
    """The new calendar."""
    input: CreateSlaCalendarInput!
  ): SlaCalendarPayload
  """Changes a calendar (admin); running clocks keep their due times until they next change."""
  updateSlaCalendar(
    """What to change."""
    input: UpdateSlaCalendarInput!
  ): SlaCalendarPayload
  """Adds holidays to a calendar (admin)."""
  addSlaHolidays(
    """The calendar and its new holidays."""
    input: AddSlaHolidaysInput!
  ): SlaCalendarPayload
  """Deletes a calendar no policy or running clock uses (admin; CONFLICT otherwise)."""
  deleteSlaCalendar(
    """The calendar's global id."""
    id: ID!
  ): SlaDeletePayload
  """Creates an SLA policy (admin)."""
  createSlaPolicy(
    """The new policy."""
    input: CreateSlaPolicyInput!
  ): SlaPolicyPayload
  """Changes an SLA policy (admin); cases pick it up when their priority, channel or queue next changes."""
  updateSlaPolicy(
    """What to change."""
    input: UpdateSlaPolicyInput!
  ): SlaPolicyPayload
  """Deletes an SLA policy (admin); clocks it started run on with the targets they have."""
  deleteSlaPolicy(
    """The policy's global id."""
    id: ID!
  ): SlaDeletePayload
}
`;
