import { CURRENCIES, UNKNOWN_CURRENCY } from '../domain/currencies.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/page-limits.js';
import { NAMED_STRING_CAPS, STRING_CAPS } from './string-caps.js';

/** How many ids one nodes(ids:) call takes. */
export const MAX_NODE_IDS = MAX_PAGE_SIZE;

const CURSOR_CAP = NAMED_STRING_CAPS.get('after');

/** The paging arguments every connection takes (Relay cursor connections, both directions). */
export const PAGE_ARGS = `
    """Returns the first n items (0 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given). Not together with last."""
    first: Int
    """Returns the items after this cursor (an edge's cursor or pageInfo.endCursor; at most ${CURSOR_CAP} characters)."""
    after: String
    """Returns the last n items (0 to ${MAX_PAGE_SIZE}), for paging backwards. Not together with first."""
    last: Int
    """Returns the items before this cursor (an edge's cursor or pageInfo.startCursor; at most ${CURSOR_CAP} characters)."""
    before: String`;

const TOTAL_COUNT = `"""How many items match, across all pages (the cursors do not narrow it). Costs one count query."""
  totalCount: Int!`;

const CURRENCY_VALUES = Object.entries({ ...CURRENCIES, [UNKNOWN_CURRENCY]: [2, 'No currency: an order stored before codes were checked against ISO 4217'] })
  .map(([code, [, name]]) => `  """${name}."""\n  ${code}`)
  .join('\n');

/** A connection type and its edge type, described. */
export const connection = (node: string, what: string) => `
"""An edge in a page of ${what}."""
type ${node}Edge {
  """Where this edge is; pass it as after or before to page from here."""
  cursor: String!
  """The ${node} at this edge."""
  node: ${node}!
}
"""A page of ${what}, with the cursors to the next and previous pages."""
type ${node}Connection {
  """The items of this page, in the connection's order."""
  edges: [${node}Edge!]!
  """Whether there are pages before or after this one, and their cursors."""
  pageInfo: PageInfo!
  ${TOTAL_COUNT}
}`;

/**
 * The core schema every tenant starts from. Plugins extend it per tenant; nothing here may be
 * redefined by them. Every type, field, argument and enum value carries a description (a test
 * walks the schema for them): limits and defaults are stated where a client meets them.
 */
export const baseTypeDefs = /* GraphQL */ `
"""An instant: an RFC 3339 date-time with an offset, such as 2024-05-01T12:00:00Z; always returned in UTC with milliseconds."""
scalar DateTime @specifiedBy(url: "https://datatracker.ietf.org/doc/html/rfc3339")

"""An object with a global id, fetchable through Query.node and Query.nodes."""
interface Node {
  """The global id: opaque, stable, and unique across all types."""
  id: ID!
}

"""Where a page sits in its connection (Relay cursor connections)."""
type PageInfo {
  """Whether more items follow this page (paging forwards with first; when paging backwards with last, whether before was given)."""
  hasNextPage: Boolean!
  """Whether items precede this page (paging backwards with last; when paging forwards with first, whether after was given)."""
  hasPreviousPage: Boolean!
  """The cursor of the page's first edge; null when the page is empty."""
  startCursor: String
  """The cursor of the page's last edge; null when the page is empty."""
  endCursor: String
}

"""What an API key may do in its tenant."""
enum Role {
  """Everything, including managing plugins."""
  ADMIN
  """Reads and writes the tenant's data."""
  AGENT
  """Reads and writes the tenant's data from another system."""
  INTEGRATOR
}

"""How a customer and the business talk to each other."""
enum Channel {
  """Email."""
  EMAIL
  """Live chat."""
  CHAT
  """A phone call."""
  PHONE
  """A text message."""
  SMS
  """A social network."""
  SOCIAL
  """The self-service portal."""
  PORTAL
  """A video call."""
  VIDEO
}

"""Which way an interaction went."""
enum Direction {
  """From the customer to the business."""
  INBOUND
  """From the business to the customer."""
  OUTBOUND
}

"""Whether a customer record is in use."""
enum CustomerStatus {
  """In use."""
  ACTIVE
  """Folded into another customer (see Customer.mergedInto); kept for history."""
  MERGED
}

"""What kind of address an identity is."""
enum IdentityKind {
  """An email address."""
  EMAIL
  """A phone number."""
  PHONE
  """A handle on a social network (see Identity.provider)."""
  SOCIAL
}

"""Where a case is in its life."""
enum CaseStatus {
  """Opened, not yet looked at."""
  NEW
  """Being worked on."""
  OPEN
  """Waiting for the customer or a third party."""
  PENDING
  """Answered; may reopen."""
  SOLVED
  """Done for good."""
  CLOSED
}

"""How urgent a case is."""
enum CasePriority {
  """Whenever there is time."""
  LOW
  """The default."""
  NORMAL
  """Before normal cases."""
  HIGH
  """Now."""
  URGENT
}

"""Where an order is in its life."""
enum OrderStatus {
  """Placed, not paid yet."""
  PENDING
  """Paid, not shipped yet."""
  PAID
  """Handed to the carrier."""
  SHIPPED
  """Received by the customer."""
  DELIVERED
  """Called off before delivery."""
  CANCELLED
  """Sent back after delivery."""
  RETURNED
}

"""Whether a knowledge article is shown to customers."""
enum ArticleStatus {
  """Being written; not shown."""
  DRAFT
  """Shown."""
  PUBLISHED
  """Withdrawn; not shown, kept for history."""
  ARCHIVED
}

"""Whether an agent takes work."""
enum AgentStatus {
  """Takes new cases."""
  ONLINE
  """Signed in, takes no new cases."""
  AWAY
  """Signed out."""
  OFFLINE
}

"""The order of Query.customers."""
enum CustomerOrderBy {
  """Newest first (the default)."""
  CREATED_AT_DESC
  """Oldest first."""
  CREATED_AT_ASC
  """By name, A to Z."""
  NAME_ASC
  """By name, Z to A."""
  NAME_DESC
}

"""What a timeline edge holds."""
enum TimelineKind {
  """An Interaction."""
  INTERACTION
  """A Case."""
  CASE
  """An Order."""
  ORDER
}

"""An ISO 4217 currency in circulation."""
enum CurrencyCode {
${CURRENCY_VALUES}
}

"""Who is calling: the tenant and role proven by the API key."""
type Viewer {
  """The tenant's slug, as in its URLs."""
  tenantSlug: String!
  """What the API key may do."""
  role: Role!
}

"""An amount of money in a currency."""
type Money {
  """The amount as a decimal string (never a float, so nothing is rounded), with as many decimals as the currency has: "42.00" for EUR, "4200" for JPY, "1.500" for KWD."""
  amount: String!
  """The currency of the amount."""
  currency: CurrencyCode!
}

"""A postal address, line by line as it is written on an envelope."""
type PostalAddress {
  """The first line: street and number, or a PO box."""
  line1: String!
  """A second line, if any: building, floor, apartment, care of."""
  line2: String
  """The city or town."""
  city: String!
  """The state, province, county or prefecture, where the country uses one."""
  region: String
  """The postal code, where the country uses one."""
  postalCode: String
  """The country as an ISO 3166-1 alpha-2 code in capitals, such as FR, DE or US."""
  country: String!
}

"""A company the business sells to; its people are customers."""
type Account implements Node {
  """The global id."""
  id: ID!
  """The company's name."""
  name: String!
  """The company's web domain, such as example.com."""
  domain: String
  """The business's own label for the account (up to 40 characters), such as a plan or segment."""
  tier: String
  """The company's postal address, if known."""
  address: PostalAddress
  """The account's customers, newest first."""
  customers(${PAGE_ARGS}
  ): CustomerConnection!
  """When the account was created."""
  createdAt: DateTime!
  """When the account last changed."""
  updatedAt: DateTime!
}

"""An address a customer is reached at."""
type Identity {
  """What kind of address it is."""
  kind: IdentityKind!
  """The address: an email address, a phone number or a social handle."""
  value: String!
  """The social network, for SOCIAL identities."""
  provider: String
  """Whether the customer proved they own the address."""
  verified: Boolean!
}

"""A person the business serves."""
type Customer implements Node {
  """The global id."""
  id: ID!
  """The customer's name."""
  name: String!
  """The customer's primary email address."""
  email: String
  """The customer's primary phone number."""
  phone: String
  """Whether the record is in use or was merged."""
  status: CustomerStatus!
  """The company the customer belongs to, if any."""
  account: Account
  """The customer's postal address, if known."""
  address: PostalAddress
  """The customer this one was merged into, when status is MERGED."""
  mergedInto: Customer
  """Every address the customer is reached at."""
  identities: [Identity!]!
  """The customer's cases, newest first."""
  cases(${PAGE_ARGS}
    """Only cases in this status."""
    status: CaseStatus
  ): CaseConnection!
  """The customer's interactions, newest first."""
  interactions(${PAGE_ARGS}
    """Only interactions on this channel."""
    channel: Channel
  ): InteractionConnection!
  """The customer's orders, newest first."""
  orders(${PAGE_ARGS}
  ): OrderConnection!
  """Interactions, cases and orders together, newest first."""
  timeline(${PAGE_ARGS}
  ): TimelineConnection!
  """When the customer was created."""
  createdAt: DateTime!
  """When the customer last changed."""
  updatedAt: DateTime!
}

"""A customer's request, worked on until solved."""
type Case implements Node {
  """The global id."""
  id: ID!
  """The tenant's sequential case number, as people quote it."""
  number: Int!
  """The case's subject (up to 300 characters). Always set; nullable so that it merges with Interaction.subject when both are selected on a TimelineItem."""
  subject: String
  """The full description (up to 20000 characters)."""
  description: String
  """Where the case is in its life."""
  status: CaseStatus!
  """How urgent the case is."""
  priority: CasePriority!
  """The channel the case came in through, if known."""
  channel: Channel
  """The customer the case is for."""
  customer: Customer!
  """The queue the case waits in, if any."""
  queue: Queue
  """The agent working on the case, if any."""
  assignee: Agent
  """The case's interactions, newest first."""
  interactions(${PAGE_ARGS}
  ): InteractionConnection!
  """When the case was opened."""
  createdAt: DateTime!
  """When the case last changed."""
  updatedAt: DateTime!
}

"""One message or call between a customer and the business."""
type Interaction implements Node {
  """The global id."""
  id: ID!
  """The channel it happened on. Always set; nullable so that it merges with Case.channel when both are selected on a TimelineItem."""
  channel: Channel
  """Which way it went."""
  direction: Direction!
  """The subject, where the channel has one (up to 300 characters)."""
  subject: String
  """The content (up to 100000 characters)."""
  body: String!
  """The customer it was with."""
  customer: Customer!
  """The case it belongs to, if any."""
  case: Case
  """The agent who handled it, if any."""
  agent: Agent
  """When it happened."""
  occurredAt: DateTime!
}

"""One product line of an order."""
type OrderLine {
  """The product's stock-keeping unit."""
  sku: String!
  """The product's name."""
  name: String!
  """How many were ordered."""
  quantity: Int!
  """The price of one unit."""
  unitPrice: Money!
  """quantity times unitPrice."""
  lineTotal: Money!
  """The price of one unit in the currency's minor unit (cents, or yen for JPY)."""
  unitPriceCents: Int! @deprecated(reason: "Use unitPrice: a Money whose amount is a decimal string in the order's currency.")
  """quantity times unitPriceCents."""
  lineTotalCents: Int! @deprecated(reason: "Use lineTotal: a Money whose amount is a decimal string in the order's currency.")
}

"""A purchase by a customer."""
type Order implements Node {
  """The global id."""
  id: ID!
  """The business's order number, such as ORD-1001. Named orderNumber (not number) so that it never clashes with Case.number on a TimelineItem."""
  orderNumber: String!
  """Where the order is in its life. Named orderStatus (not status) so that it never clashes with Case.status on a TimelineItem."""
  orderStatus: OrderStatus!
  """The currency of every amount of the order."""
  currency: CurrencyCode!
  """The sum of the lines' totals."""
  total: Money!
  """The total in the currency's minor unit (cents, or yen for JPY)."""
  totalCents: Int! @deprecated(reason: "Use total: a Money whose amount is a decimal string in the order's currency.")
  """The product lines."""
  lines: [OrderLine!]!
  """The customer who placed it."""
  customer: Customer!
  """When it was placed."""
  placedAt: DateTime!
}

"""A help-center article."""
type KnowledgeArticle implements Node {
  """The global id."""
  id: ID!
  """The title (up to 300 characters)."""
  title: String!
  """The content (up to 200000 characters)."""
  body: String!
  """Whether customers see it: PUBLISHED for PUBLIC, DRAFT otherwise."""
  status: ArticleStatus! @deprecated(reason: "Use visibility.")
  """The language, a BCP 47 tag such as en or en-GB."""
  locale: String!
  """Lower-case labels (up to 20, each up to 40 characters)."""
  tags: [String!]!
  """How many readers found it helpful."""
  helpfulCount: Int!
  """How many readers did not."""
  notHelpfulCount: Int!
  """When it was created."""
  createdAt: DateTime!
  """When it last changed."""
  updatedAt: DateTime!
}

"""A discussion in the community forum."""
type CommunityThread implements Node {
  """The global id."""
  id: ID!
  """The title (up to 300 characters)."""
  title: String!
  """The customer who started it, when a customer did."""
  author: Customer
  """The thread's posts, oldest first."""
  posts(${PAGE_ARGS}
  ): CommunityPostConnection!
  """When it was started."""
  createdAt: DateTime!
}

"""A post in a community thread, by a customer or an agent."""
type CommunityPost implements Node {
  """The global id."""
  id: ID!
  """The thread it belongs to."""
  thread: CommunityThread!
  """The content (up to 50000 characters)."""
  body: String!
  """Up-votes minus down-votes."""
  score: Int!
  """The author, when a customer wrote it."""
  authorCustomer: Customer
  """The author, when an agent wrote it."""
  authorAgent: Agent
  """When it was posted."""
  createdAt: DateTime!
}

"""A skill an agent has, and how well."""
type AgentSkill {
  """The skill's name (lower case, up to 40 letters, digits, _ or -)."""
  skill: String!
  """How well, from 1 to 10."""
  level: Int!
}

"""A person of the business who works on cases."""
type Agent implements Node {
  """The global id."""
  id: ID!
  """The agent's name."""
  name: String!
  """The agent's email address."""
  email: String!
  """Whether the agent takes work: ONLINE for an AVAILABLE presence, AWAY for BUSY or AWAY."""
  status: AgentStatus! @deprecated(reason: "Use presence, which also tells BUSY from AWAY.")
  """Capacity in units (0 to 100): each open case takes its channel's weight (by default a call 6, a chat 2, an email or a case without channel 1)."""
  capacity: Int!
  """What the agent is good at."""
  skills: [AgentSkill!]!
  """Cases assigned and not yet solved or closed."""
  openCaseCount: Int!
  """When the agent was added."""
  createdAt: DateTime!
}

"""Where cases wait for an agent."""
type Queue implements Node {
  """The global id."""
  id: ID!
  """The queue's name."""
  name: String!
  """What the queue is for."""
  description: String
  """The skill an agent needs to be routed this queue's cases."""
  requiredSkill: String
  """The queue's cases, newest first."""
  cases(${PAGE_ARGS}
    """Only cases in this status."""
    status: CaseStatus
  ): CaseConnection!
  """When the queue was created."""
  createdAt: DateTime!
}

"""Something on a customer's timeline. Same-named fields of its members have the same type, so one selection reads them all."""
union TimelineItem = Interaction | Case | Order

"""An edge in a page of a customer's timeline."""
type TimelineEdge {
  """Where this edge is; pass it as after or before to page from here."""
  cursor: String!
  """What the node is."""
  kind: TimelineKind!
  """When it happened: an interaction's occurredAt, a case's createdAt, an order's placedAt."""
  at: DateTime!
  """The interaction, case or order."""
  node: TimelineItem!
}
"""A page of a customer's timeline, newest first."""
type TimelineConnection {
  """The items of this page, newest first."""
  edges: [TimelineEdge!]!
  """Whether there are pages before or after this one, and their cursors."""
  pageInfo: PageInfo!
  ${TOTAL_COUNT}
}
${connection('Account', 'accounts')}
${connection('Customer', 'customers')}
${connection('Case', 'cases')}
${connection('Interaction', 'interactions')}
${connection('Order', 'orders')}
${connection('KnowledgeArticle', 'knowledge articles')}
${connection('CommunityThread', 'community threads')}
${connection('CommunityPost', 'community posts')}
${connection('Agent', 'agents')}
${connection('Queue', 'queues')}

"""Narrows Query.customers; every field given must match."""
input CustomerFilter {
  """Only the account's customers."""
  accountId: ID
  """Only customers in this status."""
  status: CustomerStatus
  """Only customers whose name starts with this text (case-insensitive for ASCII; up to ${STRING_CAPS.String} characters)."""
  nameStartsWith: String
  """Only the customer with this email identity (matched case-insensitively)."""
  email: String
}
"""Narrows Query.cases; every field given must match."""
input CaseFilter {
  """Only cases in this status."""
  status: CaseStatus
  """Only cases of this priority."""
  priority: CasePriority
  """Only the customer's cases."""
  customerId: ID
  """Only cases assigned to this agent."""
  assigneeId: ID
  """Only cases in this queue."""
  queueId: ID
}
"""Narrows Query.interactions; every field given must match."""
input InteractionFilter {
  """Only the customer's interactions."""
  customerId: ID
  """Only the case's interactions."""
  caseId: ID
  """Only interactions on this channel."""
  channel: Channel
}
"""Narrows Query.orders; every field given must match."""
input OrderFilter {
  """Only the customer's orders."""
  customerId: ID
  """Only orders in this status."""
  status: OrderStatus
}
"""Narrows Query.knowledgeArticles; every field given must match."""
input KnowledgeArticleFilter {
  """Only articles in this status (PUBLISHED is PUBLIC; DRAFT and ARCHIVED are DRAFT)."""
  status: ArticleStatus @deprecated(reason: "Use visibility.")
  """Only articles containing every word of this text in the title or body, the last word also as a prefix (up to ${STRING_CAPS.String} characters; full-text, punctuation ignored)."""
  search: String
}

"""The entry points for reading."""
type Query {
  """The object with this global id. NOT_FOUND when it does not exist in the caller's tenant."""
  node(
    """A global id, as any type's id field returns it."""
    id: ID!
  ): Node
  """The objects with these global ids, in the order asked; null in place of an id that does not exist in the caller's tenant. At most ${MAX_NODE_IDS} ids."""
  nodes(
    """Global ids (1 to ${MAX_NODE_IDS}; duplicates are allowed)."""
    ids: [ID!]!
  ): [Node]!
  """Who is calling."""
  viewer: Viewer!
  """The account with this id. NOT_FOUND when it does not exist."""
  account(
    """The account's global id."""
    id: ID!
  ): Account
  """All accounts, newest first."""
  accounts(${PAGE_ARGS}
  ): AccountConnection!
  """The customer with this id. NOT_FOUND when it does not exist."""
  customer(
    """The customer's global id."""
    id: ID!
  ): Customer
  """Customers, newest first unless orderBy says otherwise."""
  customers(${PAGE_ARGS}
    """Only the customers that match."""
    filter: CustomerFilter
    """The order of the customers."""
    orderBy: CustomerOrderBy = CREATED_AT_DESC
  ): CustomerConnection!
  """The case with this id. NOT_FOUND when it does not exist."""
  case(
    """The case's global id."""
    id: ID!
  ): Case
  """Cases, newest first."""
  cases(${PAGE_ARGS}
    """Only the cases that match."""
    filter: CaseFilter
  ): CaseConnection!
  """The interaction with this id. NOT_FOUND when it does not exist."""
  interaction(
    """The interaction's global id."""
    id: ID!
  ): Interaction
  """Interactions, newest first."""
  interactions(${PAGE_ARGS}
    """Only the interactions that match."""
    filter: InteractionFilter
  ): InteractionConnection!
  """The order with this id. NOT_FOUND when it does not exist."""
  order(
    """The order's global id."""
    id: ID!
  ): Order
  """Orders, newest first."""
  orders(${PAGE_ARGS}
    """Only the orders that match."""
    filter: OrderFilter
  ): OrderConnection!
  """The knowledge article with this id. NOT_FOUND when it does not exist."""
  knowledgeArticle(
    """The article's global id."""
    id: ID!
  ): KnowledgeArticle
  """Knowledge articles, newest first."""
  knowledgeArticles(${PAGE_ARGS}
    """Only the articles that match."""
    filter: KnowledgeArticleFilter
  ): KnowledgeArticleConnection!
  """The community thread with this id. NOT_FOUND when it does not exist."""
  communityThread(
    """The thread's global id."""
    id: ID!
  ): CommunityThread
  """Community threads, newest first."""
  communityThreads(${PAGE_ARGS}
  ): CommunityThreadConnection!
  """The agent with this id. NOT_FOUND when it does not exist."""
  agent(
    """The agent's global id."""
    id: ID!
  ): Agent
  """Agents, oldest first."""
  agents(${PAGE_ARGS}
  ): AgentConnection!
  """The queue with this id. NOT_FOUND when it does not exist."""
  queue(
    """The queue's global id."""
    id: ID!
  ): Queue
  """Queues, oldest first."""
  queues(${PAGE_ARGS}
  ): QueueConnection!
}

"""An address for a new customer."""
input IdentityInput {
  """What kind of address it is."""
  kind: IdentityKind!
  """The address (up to 320 characters)."""
  value: String!
  """The social network, for SOCIAL identities (up to 64 characters)."""
  provider: String
}
"""A postal address. Each line is one line of text; blank optional lines count as left out."""
input PostalAddressInput {
  """The first line: street and number, or a PO box (1 to 200 characters)."""
  line1: String!
  """A second line: building, floor, apartment, care of (up to 200 characters)."""
  line2: String
  """The city or town (1 to 100 characters)."""
  city: String!
  """The state, province, county or prefecture (up to 100 characters)."""
  region: String
  """The postal code: letters, digits, spaces and hyphens (up to 16 characters)."""
  postalCode: String
  """The country as an ISO 3166-1 alpha-2 code, such as FR, DE or US (either case)."""
  country: String!
}
"""A new account."""
input CreateAccountInput {
  """The company's name (1 to 200 characters)."""
  name: String!
  """The company's web domain, such as example.com."""
  domain: String
  """A label of the business's own (up to 40 characters)."""
  tier: String
  """The company's postal address."""
  address: PostalAddressInput
}
"""Changes to an account; give at least one field besides id. A field left out is unchanged; null clears it."""
input UpdateAccountInput {
  """The account's global id."""
  id: ID!
  """The company's name (1 to 200 characters)."""
  name: String
  """The company's web domain, such as example.com."""
  domain: String
  """A label of the business's own (up to 40 characters)."""
  tier: String
  """The company's postal address; null clears it."""
  address: PostalAddressInput
}
"""A new customer."""
input CreateCustomerInput {
  """The customer's name (1 to 200 characters)."""
  name: String!
  """The primary email address (up to 320 characters)."""
  email: String
  """The primary phone number (4 to 32 digits, spaces, +, (, ) or -)."""
  phone: String
  """The global id of the customer's account."""
  accountId: ID
  """The customer's postal address."""
  address: PostalAddressInput
  """Further addresses (up to 20)."""
  identities: [IdentityInput!]
}
"""Changes to a customer; give at least one field besides id. A field left out is unchanged; null clears it."""
input UpdateCustomerInput {
  """The customer's global id."""
  id: ID!
  """The customer's name (1 to 200 characters)."""
  name: String
  """The primary email address (up to 320 characters)."""
  email: String
  """The primary phone number (4 to 32 digits, spaces, +, (, ) or -)."""
  phone: String
  """The global id of the customer's account."""
  accountId: ID
  """The customer's postal address; null clears it."""
  address: PostalAddressInput
}
"""Which customer record is folded into which."""
input MergeCustomersInput {
  """The global id of the customer that remains."""
  survivorId: ID!
  """The global id of the customer folded into the survivor; it remains as MERGED."""
  duplicateId: ID!
}
"""A new case."""
input CreateCaseInput {
  """The global id of the customer the case is for (not a MERGED one)."""
  customerId: ID!
  """The subject (1 to 300 characters)."""
  subject: String!
  """The full description (up to 20000 characters)."""
  description: String
  """How urgent it is; NORMAL when left out."""
  priority: CasePriority
  """The channel it came in through."""
  channel: Channel
  """The global id of the queue it waits in."""
  queueId: ID
  """The global id of the agent working on it."""
  assigneeId: ID
}
"""Changes to a case; give at least one field besides id. A field left out is unchanged; null clears it."""
input UpdateCaseInput {
  """The case's global id."""
  id: ID!
  """The subject (1 to 300 characters)."""
  subject: String
  """The full description (up to 20000 characters)."""
  description: String
  """Where the case is in its life."""
  status: CaseStatus
  """How urgent it is."""
  priority: CasePriority
  """The global id of the queue it waits in."""
  queueId: ID
  """The global id of the agent working on it."""
  assigneeId: ID
}
"""A message or call to record."""
input AddInteractionInput {
  """The global id of the customer it was with."""
  customerId: ID!
  """The global id of the case it belongs to."""
  caseId: ID
  """The channel it happened on."""
  channel: Channel!
  """Which way it went."""
  direction: Direction!
  """The subject (up to 300 characters)."""
  subject: String
  """The content (1 to 100000 characters)."""
  body: String!
  """The global id of the agent who handled it."""
  agentId: ID
  """When it happened; now when left out."""
  occurredAt: DateTime
}
"""A product line of a new order."""
input OrderLineInput {
  """The product's stock-keeping unit (1 to 64 characters)."""
  sku: String!
  """The product's name (1 to 300 characters)."""
  name: String!
  """How many (1 to 100000)."""
  quantity: Int!
  """The price of one unit in the currency's minor unit: cents, or yen for JPY (0 to 100000000000)."""
  unitPriceCents: Int!
}
"""A new order."""
input CreateOrderInput {
  """The global id of the customer who placed it."""
  customerId: ID!
  """The order number (1 to 64 characters, unique in the tenant); ORD- and a generated suffix when left out. Read back as Order.orderNumber."""
  number: String
  """The currency of every amount of the order."""
  currency: CurrencyCode!
  """Where the order is in its life; PENDING when left out. Read back as Order.orderStatus."""
  status: OrderStatus
  """When it was placed; now when left out."""
  placedAt: DateTime
  """The product lines (1 to 500)."""
  lines: [OrderLineInput!]!
}
"""An order's new status."""
input UpdateOrderStatusInput {
  """The order's global id."""
  id: ID!
  """The new status."""
  status: OrderStatus!
}
"""A new knowledge article."""
input CreateKnowledgeArticleInput {
  """The title (1 to 300 characters)."""
  title: String!
  """The content (1 to 200000 characters)."""
  body: String!
  """Whether customers see it (PUBLISHED is PUBLIC visibility; DRAFT and ARCHIVED are DRAFT)."""
  status: ArticleStatus @deprecated(reason: "Use visibility.")
  """The language, a BCP 47 tag such as en, en-GB or pt-BR; en when left out."""
  locale: String
  """Labels (up to 20, each 1 to 40 characters; stored in lower case)."""
  tags: [String!]
}
"""Changes to a knowledge article; give at least one field besides id. A field left out is unchanged."""
input UpdateKnowledgeArticleInput {
  """The article's global id."""
  id: ID!
  """The title (1 to 300 characters)."""
  title: String
  """The content (1 to 200000 characters)."""
  body: String
  """Whether customers see it (PUBLISHED is PUBLIC visibility; DRAFT and ARCHIVED are DRAFT)."""
  status: ArticleStatus @deprecated(reason: "Use visibility.")
  """Labels (up to 20, each 1 to 40 characters; stored in lower case); replaces the old ones."""
  tags: [String!]
}
"""A reader's verdict on an article."""
input RateKnowledgeArticleInput {
  """The article's global id."""
  articleId: ID!
  """Whether it helped."""
  helpful: Boolean!
  """Why (up to 2000 characters)."""
  comment: String
  """The global id of the customer who rated it."""
  customerId: ID
}
"""A new community thread and its first post; the author is a customer or an agent, not both."""
input CreateCommunityThreadInput {
  """The title (1 to 300 characters)."""
  title: String!
  """The first post's content (1 to 50000 characters)."""
  body: String!
  """The global id of the customer who writes it."""
  authorCustomerId: ID
  """The global id of the agent who writes it."""
  authorAgentId: ID
}
"""A new post in a thread; the author is a customer or an agent, not both."""
input CreateCommunityPostInput {
  """The thread's global id."""
  threadId: ID!
  """The content (1 to 50000 characters)."""
  body: String!
  """The global id of the customer who writes it."""
  authorCustomerId: ID
  """The global id of the agent who writes it."""
  authorAgentId: ID
}
"""A customer's vote on a post; voting again replaces the vote."""
input VoteCommunityPostInput {
  """The post's global id."""
  postId: ID!
  """The global id of the customer who votes."""
  customerId: ID!
  """1 for up, -1 for down."""
  value: Int!
}
"""A skill of an agent."""
input AgentSkillInput {
  """The skill's name (1 to 40 letters, digits, _ or -; stored in lower case)."""
  skill: String!
  """How well, from 1 to 10; 1 when left out."""
  level: Int
}
"""A new agent."""
input CreateAgentInput {
  """The agent's name (1 to 200 characters)."""
  name: String!
  """The agent's email address."""
  email: String!
  """Capacity in units (0 to 100; see Agent.capacity); 6 when left out: one call, three chats or six emails."""
  capacity: Int
  """Whether the agent takes work; OFFLINE when left out."""
  status: AgentStatus
  """What the agent is good at (up to 50, each skill once)."""
  skills: [AgentSkillInput!]
}
"""Changes to an agent; give at least one field besides id. A field left out is unchanged."""
input UpdateAgentInput {
  """The agent's global id."""
  id: ID!
  """The agent's name (1 to 200 characters)."""
  name: String
  """Capacity in units (0 to 100; see Agent.capacity)."""
  capacity: Int
  """Whether the agent takes work."""
  status: AgentStatus
  """What the agent is good at (up to 50, each skill once); replaces the old ones."""
  skills: [AgentSkillInput!]
}
"""A new queue."""
input CreateQueueInput {
  """The queue's name (1 to 100 characters)."""
  name: String!
  """What the queue is for (up to 1000 characters)."""
  description: String
  """The skill an agent needs to be routed the queue's cases."""
  requiredSkill: String
}

"""The result of creating or changing an account."""
type AccountPayload {
  """The account as it is now."""
  account: Account!
}
"""The result of creating or changing a customer."""
type CustomerPayload {
  """The customer as it is now."""
  customer: Customer!
}
"""The result of merging two customers."""
type MergeCustomersPayload {
  """The customer that remains."""
  survivor: Customer!
  """The customer folded into the survivor, now MERGED."""
  merged: Customer!
}
"""The result of creating, changing or routing a case."""
type CasePayload {
  """The case as it is now."""
  case: Case!
}
"""The result of recording an interaction."""
type InteractionPayload {
  """The interaction recorded."""
  interaction: Interaction!
}
"""The result of creating or changing an order."""
type OrderPayload {
  """The order as it is now."""
  order: Order!
}
"""The result of creating or changing a knowledge article."""
type KnowledgeArticlePayload {
  """The article as it is now."""
  article: KnowledgeArticle!
}
"""The result of rating a knowledge article."""
type RateKnowledgeArticlePayload {
  """The article with its counts updated."""
  article: KnowledgeArticle!
}
"""The result of starting a community thread."""
type CommunityThreadPayload {
  """The thread started."""
  thread: CommunityThread!
  """Its first post."""
  post: CommunityPost!
}
"""The result of posting or voting in a community thread."""
type CommunityPostPayload {
  """The post as it is now."""
  post: CommunityPost!
}
"""The result of creating or changing an agent."""
type AgentPayload {
  """The agent as it is now."""
  agent: Agent!
}
"""The result of creating a queue."""
type QueuePayload {
  """The queue created."""
  queue: Queue!
}

"""The entry points for writing. A failed mutation answers null with an error; the others in the same request still run."""
type Mutation {
  """Creates an account."""
  createAccount(
    """The new account."""
    input: CreateAccountInput!
  ): AccountPayload
  """Changes an account."""
  updateAccount(
    """What to change."""
    input: UpdateAccountInput!
  ): AccountPayload
  """Creates a customer."""
  createCustomer(
    """The new customer."""
    input: CreateCustomerInput!
  ): CustomerPayload
  """Changes a customer."""
  updateCustomer(
    """What to change."""
    input: UpdateCustomerInput!
  ): CustomerPayload
  """Folds the duplicate into the survivor; the duplicate remains as MERGED."""
  mergeCustomers(
    """Which customer is folded into which."""
    input: MergeCustomersInput!
  ): MergeCustomersPayload
  """Opens a case."""
  createCase(
    """The new case."""
    input: CreateCaseInput!
  ): CasePayload
  """Changes a case."""
  updateCase(
    """What to change."""
    input: UpdateCaseInput!
  ): CasePayload
  """Assigns the case now to the best available agent with the queue's skills and room for it, and records why (Case.routingDecisions); CONFLICT when nobody qualifies."""
  routeCase(
    """The case's global id."""
    id: ID!
  ): CasePayload
  """Records an interaction."""
  addInteraction(
    """The interaction."""
    input: AddInteractionInput!
  ): InteractionPayload
  """Records an order."""
  createOrder(
    """The new order."""
    input: CreateOrderInput!
  ): OrderPayload
  """Moves an order to another status."""
  updateOrderStatus(
    """The order and its new status."""
    input: UpdateOrderStatusInput!
  ): OrderPayload
  """Writes a knowledge article."""
  createKnowledgeArticle(
    """The new article."""
    input: CreateKnowledgeArticleInput!
  ): KnowledgeArticlePayload
  """Changes a knowledge article."""
  updateKnowledgeArticle(
    """What to change."""
    input: UpdateKnowledgeArticleInput!
  ): KnowledgeArticlePayload
  """Records whether an article helped a reader."""
  rateKnowledgeArticle(
    """The verdict."""
    input: RateKnowledgeArticleInput!
  ): RateKnowledgeArticlePayload
  """Starts a community thread with its first post."""
  createCommunityThread(
    """The new thread."""
    input: CreateCommunityThreadInput!
  ): CommunityThreadPayload
  """Posts in a community thread."""
  createCommunityPost(
    """The new post."""
    input: CreateCommunityPostInput!
  ): CommunityPostPayload
  """Votes a post up or down."""
  voteCommunityPost(
    """The vote."""
    input: VoteCommunityPostInput!
  ): CommunityPostPayload
  """Adds an agent."""
  createAgent(
    """The new agent."""
    input: CreateAgentInput!
  ): AgentPayload
  """Changes an agent."""
  updateAgent(
    """What to change."""
    input: UpdateAgentInput!
  ): AgentPayload
  """Creates a queue."""
  createQueue(
    """The new queue."""
    input: CreateQueueInput!
  ): QueuePayload
}
`;
