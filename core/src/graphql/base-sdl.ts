/**
 * The core schema every tenant starts from. Plugins extend it per tenant; nothing here may be
 * redefined by them. Cost hints (@cost) are read by the rate limiter, not by clients.
 */
export const baseTypeDefs = /* GraphQL */ `
"""An instant in ISO 8601 (UTC)."""
scalar DateTime

interface Node {
  id: ID!
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

enum Role { ADMIN AGENT INTEGRATOR }
enum Channel { EMAIL CHAT PHONE SMS SOCIAL PORTAL VIDEO }
enum Direction { INBOUND OUTBOUND }
enum CustomerStatus { ACTIVE MERGED }
enum IdentityKind { EMAIL PHONE SOCIAL }
enum CaseStatus { NEW OPEN PENDING SOLVED CLOSED }
enum CasePriority { LOW NORMAL HIGH URGENT }
enum OrderStatus { PENDING PAID SHIPPED DELIVERED CANCELLED RETURNED }
enum ArticleStatus { DRAFT PUBLISHED ARCHIVED }
enum AgentStatus { ONLINE AWAY OFFLINE }
enum CustomerOrderBy { CREATED_AT_DESC CREATED_AT_ASC NAME_ASC NAME_DESC }
enum TimelineKind { INTERACTION CASE ORDER }

"""Who is calling: the tenant and role proven by the API key."""
type Viewer {
  tenantSlug: String!
  role: Role!
}

type Account implements Node {
  id: ID!
  name: String!
  domain: String
  tier: String
  customers(first: Int, after: String): CustomerConnection!
  createdAt: DateTime!
  updatedAt: DateTime!
}

type Identity {
  kind: IdentityKind!
  value: String!
  provider: String
  verified: Boolean!
}

type Customer implements Node {
  id: ID!
  name: String!
  email: String
  phone: String
  status: CustomerStatus!
  account: Account
  """The customer this one was merged into, when status is MERGED."""
  mergedInto: Customer
  identities: [Identity!]!
  cases(first: Int, after: String, status: CaseStatus): CaseConnection!
  interactions(first: Int, after: String, channel: Channel): InteractionConnection!
  orders(first: Int, after: String): OrderConnection!
  """Interactions, cases and orders together, newest first."""
  timeline(first: Int, after: String): TimelineConnection!
  createdAt: DateTime!
  updatedAt: DateTime!
}

type Case implements Node {
  id: ID!
  number: Int!
  subject: String!
  description: String
  status: CaseStatus!
  priority: CasePriority!
  channel: Channel
  customer: Customer!
  queue: Queue
  assignee: Agent
  interactions(first: Int, after: String): InteractionConnection!
  createdAt: DateTime!
  updatedAt: DateTime!
}

type Interaction implements Node {
  id: ID!
  channel: Channel!
  direction: Direction!
  subject: String
  body: String!
  customer: Customer!
  case: Case
  agent: Agent
  occurredAt: DateTime!
}

type OrderLine {
  sku: String!
  name: String!
  quantity: Int!
  unitPriceCents: Int!
  lineTotalCents: Int!
}

type Order implements Node {
  id: ID!
  number: String!
  status: OrderStatus!
  currency: String!
  totalCents: Int!
  lines: [OrderLine!]!
  customer: Customer!
  placedAt: DateTime!
}

type KnowledgeArticle implements Node {
  id: ID!
  title: String!
  body: String!
  status: ArticleStatus!
  locale: String!
  tags: [String!]!
  helpfulCount: Int!
  notHelpfulCount: Int!
  createdAt: DateTime!
  updatedAt: DateTime!
}

type CommunityThread implements Node {
  id: ID!
  title: String!
  author: Customer
  posts(first: Int, after: String): CommunityPostConnection!
  createdAt: DateTime!
}

type CommunityPost implements Node {
  id: ID!
  thread: CommunityThread!
  body: String!
  score: Int!
  authorCustomer: Customer
  authorAgent: Agent
  createdAt: DateTime!
}

type AgentSkill {
  skill: String!
  level: Int!
}

type Agent implements Node {
  id: ID!
  name: String!
  email: String!
  status: AgentStatus!
  capacity: Int!
  skills: [AgentSkill!]!
  """Cases assigned and not yet solved or closed."""
  openCaseCount: Int!
  createdAt: DateTime!
}

type Queue implements Node {
  id: ID!
  name: String!
  description: String
  requiredSkill: String
  cases(first: Int, after: String, status: CaseStatus): CaseConnection!
  createdAt: DateTime!
}

union TimelineItem = Interaction | Case | Order

type TimelineEdge { cursor: String! kind: TimelineKind! at: DateTime! node: TimelineItem! }
type TimelineConnection { edges: [TimelineEdge!]! pageInfo: PageInfo! }
type AccountEdge { cursor: String! node: Account! }
type AccountConnection { edges: [AccountEdge!]! pageInfo: PageInfo! }
type CustomerEdge { cursor: String! node: Customer! }
type CustomerConnection { edges: [CustomerEdge!]! pageInfo: PageInfo! }
type CaseEdge { cursor: String! node: Case! }
type CaseConnection { edges: [CaseEdge!]! pageInfo: PageInfo! }
type InteractionEdge { cursor: String! node: Interaction! }
type InteractionConnection { edges: [InteractionEdge!]! pageInfo: PageInfo! }
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! pageInfo: PageInfo! }
type KnowledgeArticleEdge { cursor: String! node: KnowledgeArticle! }
type KnowledgeArticleConnection { edges: [KnowledgeArticleEdge!]! pageInfo: PageInfo! }
type CommunityThreadEdge { cursor: String! node: CommunityThread! }
type CommunityThreadConnection { edges: [CommunityThreadEdge!]! pageInfo: PageInfo! }
type CommunityPostEdge { cursor: String! node: CommunityPost! }
type CommunityPostConnection { edges: [CommunityPostEdge!]! pageInfo: PageInfo! }
type AgentEdge { cursor: String! node: Agent! }
type AgentConnection { edges: [AgentEdge!]! pageInfo: PageInfo! }
type QueueEdge { cursor: String! node: Queue! }
type QueueConnection { edges: [QueueEdge!]! pageInfo: PageInfo! }

input CustomerFilter {
  accountId: ID
  status: CustomerStatus
  nameStartsWith: String
  email: String
}
input CaseFilter {
  status: CaseStatus
  priority: CasePriority
  customerId: ID
  assigneeId: ID
  queueId: ID
}
input InteractionFilter { customerId: ID caseId: ID channel: Channel }
input OrderFilter { customerId: ID status: OrderStatus }
input KnowledgeArticleFilter { status: ArticleStatus search: String }

type Query {
  node(id: ID!): Node
  viewer: Viewer!
  account(id: ID!): Account
  accounts(first: Int, after: String): AccountConnection!
  customer(id: ID!): Customer
  customers(first: Int, after: String, filter: CustomerFilter, orderBy: CustomerOrderBy = CREATED_AT_DESC): CustomerConnection!
  case(id: ID!): Case
  cases(first: Int, after: String, filter: CaseFilter): CaseConnection!
  interaction(id: ID!): Interaction
  interactions(first: Int, after: String, filter: InteractionFilter): InteractionConnection!
  order(id: ID!): Order
  orders(first: Int, after: String, filter: OrderFilter): OrderConnection!
  knowledgeArticle(id: ID!): KnowledgeArticle
  knowledgeArticles(first: Int, after: String, filter: KnowledgeArticleFilter): KnowledgeArticleConnection!
  communityThread(id: ID!): CommunityThread
  communityThreads(first: Int, after: String): CommunityThreadConnection!
  agent(id: ID!): Agent
  agents(first: Int, after: String): AgentConnection!
  queue(id: ID!): Queue
  queues(first: Int, after: String): QueueConnection!
}

input IdentityInput { kind: IdentityKind! value: String! provider: String }
input CreateAccountInput { name: String! domain: String tier: String }
input UpdateAccountInput { id: ID! name: String domain: String tier: String }
input CreateCustomerInput { name: String! email: String phone: String accountId: ID identities: [IdentityInput!] }
input UpdateCustomerInput { id: ID! name: String email: String phone: String accountId: ID }
input MergeCustomersInput { survivorId: ID! duplicateId: ID! }
input CreateCaseInput {
  customerId: ID!
  subject: String!
  description: String
  priority: CasePriority
  channel: Channel
  queueId: ID
  assigneeId: ID
}
input UpdateCaseInput {
  id: ID!
  subject: String
  description: String
  status: CaseStatus
  priority: CasePriority
  queueId: ID
  assigneeId: ID
}
input AddInteractionInput {
  customerId: ID!
  caseId: ID
  channel: Channel!
  direction: Direction!
  subject: String
  body: String!
  agentId: ID
  occurredAt: DateTime
}
input OrderLineInput { sku: String! name: String! quantity: Int! unitPriceCents: Int! }
input CreateOrderInput {
  customerId: ID!
  number: String
  currency: String!
  status: OrderStatus
  placedAt: DateTime
  lines: [OrderLineInput!]!
}
input UpdateOrderStatusInput { id: ID! status: OrderStatus! }
input CreateKnowledgeArticleInput { title: String! body: String! status: ArticleStatus locale: String tags: [String!] }
input UpdateKnowledgeArticleInput { id: ID! title: String body: String status: ArticleStatus tags: [String!] }
input RateKnowledgeArticleInput { articleId: ID! helpful: Boolean! comment: String customerId: ID }
input CreateCommunityThreadInput { title: String! body: String! authorCustomerId: ID authorAgentId: ID }
input CreateCommunityPostInput { threadId: ID! body: String! authorCustomerId: ID authorAgentId: ID }
input VoteCommunityPostInput { postId: ID! customerId: ID! value: Int! }
input AgentSkillInput { skill: String! level: Int }
input CreateAgentInput { name: String! email: String! capacity: Int status: AgentStatus skills: [AgentSkillInput!] }
input UpdateAgentInput { id: ID! name: String capacity: Int status: AgentStatus skills: [AgentSkillInput!] }
input CreateQueueInput { name: String! description: String requiredSkill: String }

type AccountPayload { account: Account! }
type CustomerPayload { customer: Customer! }
type MergeCustomersPayload { survivor: Customer! merged: Customer! }
type CasePayload { case: Case! }
type InteractionPayload { interaction: Interaction! }
type OrderPayload { order: Order! }
type KnowledgeArticlePayload { article: KnowledgeArticle! }
type RateKnowledgeArticlePayload { article: KnowledgeArticle! }
type CommunityThreadPayload { thread: CommunityThread! post: CommunityPost! }
type CommunityPostPayload { post: CommunityPost! }
type AgentPayload { agent: Agent! }
type QueuePayload { queue: Queue! }

type Mutation {
  createAccount(input: CreateAccountInput!): AccountPayload
  updateAccount(input: UpdateAccountInput!): AccountPayload
  createCustomer(input: CreateCustomerInput!): CustomerPayload
  updateCustomer(input: UpdateCustomerInput!): CustomerPayload
  """Folds the duplicate into the survivor; the duplicate remains as MERGED."""
  mergeCustomers(input: MergeCustomersInput!): MergeCustomersPayload
  createCase(input: CreateCaseInput!): CasePayload
  updateCase(input: UpdateCaseInput!): CasePayload
  """Assigns the case to the best online agent with the queue's skill and spare capacity."""
  routeCase(id: ID!): CasePayload
  addInteraction(input: AddInteractionInput!): InteractionPayload
  createOrder(input: CreateOrderInput!): OrderPayload
  updateOrderStatus(input: UpdateOrderStatusInput!): OrderPayload
  createKnowledgeArticle(input: CreateKnowledgeArticleInput!): KnowledgeArticlePayload
  updateKnowledgeArticle(input: UpdateKnowledgeArticleInput!): KnowledgeArticlePayload
  rateKnowledgeArticle(input: RateKnowledgeArticleInput!): RateKnowledgeArticlePayload
  createCommunityThread(input: CreateCommunityThreadInput!): CommunityThreadPayload
  createCommunityPost(input: CreateCommunityPostInput!): CommunityPostPayload
  voteCommunityPost(input: VoteCommunityPostInput!): CommunityPostPayload
  createAgent(input: CreateAgentInput!): AgentPayload
  updateAgent(input: UpdateAgentInput!): AgentPayload
  createQueue(input: CreateQueueInput!): QueuePayload
}
`;
