/** Channel intake: the tenant's inbound channels, replies on a case's channel, bulk imports. */
export const intakeTypeDefs = /* GraphQL */ `
"""An inbound channel of the tenant: one mailbox, chat widget, SMS number, social account, phone line, video service or portal form. Its provider posts to POST /channels/<tenant>/<id>/<path> (see the README), authenticated by the channel's secret."""
type IntakeChannel {
  """The global id (also the channel's segment of its inbound URLs)."""
  id: ID!
  """What the channel carries."""
  kind: Channel!
  """The name admins know it by (up to 120 characters)."""
  name: String!
  """The queue new cases from this channel open on, if any."""
  defaultQueue: Queue
  """ISO 3166 region used to read phone numbers written in national form (e.g. DE), if set."""
  region: String
  """False once disabled: its endpoints then answer NOT_FOUND."""
  enabled: Boolean!
  """When it was created."""
  createdAt: DateTime!
}

"""A channel with its secret, shown this once: store it with the provider now."""
type IntakeChannelSecretPayload {
  """The channel."""
  channel: IntakeChannel!
  """The secret: a bearer token, or the key of the x-mosaic-signature HMAC. Never shown again."""
  secret: String!
}

"""The result of disabling a channel."""
type IntakeChannelPayload {
  """The channel as it is now."""
  channel: IntakeChannel!
}

"""A refused row of a bulk import."""
type IngestRowError {
  """The row's position in the input, from 0."""
  row: Int!
  """A stable error code (see the README's error codes)."""
  code: String!
  """What was wrong, for a person to act on."""
  message: String!
}

"""The result of one bulk import batch."""
type IngestInteractionsPayload {
  """Rows written."""
  written: Int!
  """Rows skipped because their externalId was imported on this channel before."""
  duplicates: Int!
  """Rows refused, each with its position and code; the other rows were written."""
  errors: [IngestRowError!]!
}

"""A new inbound channel."""
input CreateChannelInput {
  """What the channel carries."""
  kind: Channel!
  """A name admins recognise (1 to 120 characters)."""
  name: String!
  """The queue new cases from it open on."""
  defaultQueueId: ID
  """ISO 3166 two-letter region for phone numbers in national form."""
  region: String
}

"""An agent's reply on the channel a case came in on."""
input ReplyOnChannelInput {
  """The case answered."""
  caseId: ID!
  """The reply (1 to 100000 characters)."""
  body: String!
  """A subject, for channels that have one (up to 300 characters)."""
  subject: String
  """Another channel of the tenant to answer on; by default the case's own."""
  channelId: ID
  """The agent replying; by default the agent of the API key, if any."""
  agentId: ID
}

"""Who an imported message was with: at least one of email, phone or handle."""
input IngestContactInput {
  """A name for a customer created from this contact (up to 200 characters)."""
  name: String
  """An email address."""
  email: String
  """A phone number, international (+...) or national in the channel's region."""
  phone: String
  """A social handle (with or without @)."""
  handle: String
  """The social network of the handle."""
  network: String
}

"""One imported message."""
input IngestInteractionInput {
  """The source system's id; a row whose id this channel already has is skipped."""
  externalId: String
  """Who it was with: matched to a customer by email, phone or handle, or a new one."""
  contact: IngestContactInput!
  """Which way it went (default INBOUND)."""
  direction: Direction
  """A subject (up to 300 characters)."""
  subject: String
  """The content (1 to 100000 characters)."""
  body: String!
  """When it happened (default now)."""
  occurredAt: DateTime
  """A conversation key: rows sharing it thread into one case."""
  threadKey: String
}

extend type Query {
  """The tenant's inbound channels, oldest first. Admins only."""
  channels: [IntakeChannel!]!
}

extend type Mutation {
  """Opens an inbound channel and answers its secret, once. Admins only."""
  createChannel(
    """The channel."""
    input: CreateChannelInput!
  ): IntakeChannelSecretPayload
  """Replaces a channel's secret (the old one stops working at once) and answers the new one, once. Admins only."""
  rotateChannelSecret(
    """The channel's global id."""
    id: ID!
  ): IntakeChannelSecretPayload
  """Disables a channel: its endpoints answer NOT_FOUND from then on. Admins only."""
  disableChannel(
    """The channel's global id."""
    id: ID!
  ): IntakeChannelPayload
  """Records a reply on the case's channel as an OUTBOUND interaction and emits interaction.outbound for a delivery plugin; core sends nothing itself."""
  replyOnChannel(
    """The reply."""
    input: ReplyOnChannelInput!
  ): InteractionPayload
  """Imports up to 1000 messages on a channel in one transaction; bad rows are reported by position and left out. For longer imports stream NDJSON to POST /ingest/channels/<id>."""
  ingestInteractions(
    """The channel the messages came in on."""
    channelId: ID!
    """The rows (at most 1000)."""
    rows: [IngestInteractionInput!]!
  ): IngestInteractionsPayload
}
`;
