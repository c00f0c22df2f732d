import { MAX_METRICS_PERIOD_DAYS } from '../../domain/metrics/index.js';

/** Managers' metrics over SQL, and customers' ratings of their solved cases (CSAT). */
export const metricsTypeDefs = /* GraphQL */ `
"""How the rows of serviceMetrics are grouped."""
enum MetricsGrouping {
  """One row per local day (midnight to midnight in the time zone; 23 or 25 hours across a DST change)."""
  DAY
  """One row per ISO week (from Monday, local time)."""
  WEEK
  """One row per calendar month (local time)."""
  MONTH
  """One row per channel: inbound messages by the message's channel, cases by the case's (NONE when unset)."""
  CHANNEL
  """One row per queue; key "" for cases without a queue."""
  QUEUE
  """One row per assigned agent; key "" for unassigned cases."""
  AGENT
  """One row for the whole period."""
  TOTAL
}

"""The service figures of one day, week, month, channel, queue or agent."""
type ServiceMetricsRow {
  """The span's first local date (YYYY-MM-DD), the channel, the queue's or agent's global id ("" for none), or TOTAL."""
  key: String!
  """What a person reads: the date, the channel, the queue's or agent's name."""
  label: String!
  """Start of the span (inclusive)."""
  start: DateTime!
  """End of the span (exclusive)."""
  end: DateTime!
  """Cases created in the span."""
  casesCreated: Int!
  """Cases solved or closed in the span (by when they were last solved)."""
  casesSolved: Int!
  """Cases open at the end of the span: created before it and not solved by then."""
  backlog: Int!
  """Of the cases created in the span, those an agent has answered (an outbound message by an agent)."""
  firstResponses: Int!
  """Median minutes from a case's creation to an agent's first outbound message, over the cases created in the span."""
  firstResponseMedianMinutes: Float
  """Average of the same."""
  firstResponseAverageMinutes: Float
  """Median minutes from creation to solved, over the cases solved in the span."""
  resolutionMedianMinutes: Float
  """Average of the same."""
  resolutionAverageMinutes: Float
  """SLA targets met in the span."""
  slaTargetsHit: Int!
  """SLA targets breached in the span."""
  slaTargetsMissed: Int!
  """hit / (hit + missed); null when no target ended in the span."""
  slaHitRate: Float
  """Inbound messages on every channel in the span (the channel mix when grouped by channel)."""
  inboundInteractions: Int!
  """Customers' ratings given in the span."""
  csatResponses: Int!
  """Average rating (1–5); null without ratings."""
  csatAverage: Float
  """Share of ratings of 4 or 5; null without ratings."""
  csatSatisfiedShare: Float
}

"""A managers' view of the service over a period."""
type ServiceMetrics {
  """The start of the period (inclusive)."""
  from: DateTime!
  """The end of the period (exclusive)."""
  to: DateTime!
  """How the rows are grouped."""
  groupBy: MetricsGrouping!
  """The IANA time zone local days, weeks and months are counted in."""
  timeZone: String!
  """The rows: periods in order (empty ones included), other groupings busiest first and the "none" row last."""
  rows: [ServiceMetricsRow!]!
  """The whole period in one row."""
  totals: ServiceMetricsRow!
  """Portal self-service deflection over the period (a 24-hour window)."""
  deflection: KnowledgeDeflection!
}

"""A customer's rating of how their case was handled (CSAT)."""
type CaseSurvey {
  """1 (very unsatisfied) to 5 (very satisfied)."""
  rating: Int!
  """What the customer wrote, if anything."""
  comment: String
  """When the rating was given."""
  answeredAt: DateTime!
}

"""A rating of a solved case, given once; an API key records ratings collected elsewhere."""
input RateCaseInput {
  """The solved or closed case."""
  caseId: ID!
  """1 to 5."""
  rating: Int!
  """Up to 2 000 characters."""
  comment: String
}

"""The rating recorded."""
type RateCasePayload {
  """The rating."""
  survey: CaseSurvey!
}

extend type Case {
  """The customer's rating of this case, once given."""
  survey: CaseSurvey
}

extend type Query {
  """First response and resolution times, SLA hit rate, backlog, channel mix, CSAT and deflection over [from, to), computed in the database. Admin keys only."""
  serviceMetrics(
    """The start of the period (inclusive)."""
    from: DateTime!
    """The end of the period (exclusive; at most ${MAX_METRICS_PERIOD_DAYS} days after from)."""
    to: DateTime!
    """How rows are grouped; DAY when left out."""
    groupBy: MetricsGrouping
    """An IANA time zone for days, weeks and months; UTC when left out."""
    timeZone: String
  ): ServiceMetrics!
}

extend type Mutation {
  """Records a customer's rating of a solved case (CSAT); ALREADY_RATED if it has one, CONFLICT while it is open."""
  rateCase(
    """The case and the rating."""
    input: RateCaseInput!
  ): RateCasePayload
}
`;
