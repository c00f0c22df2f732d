import { PAGE_ARGS } from '../base-sdl.js';

/**
 * The community beyond threads and posts: forums (categories), moderation (hide, lock),
 * accepted answers, polls, and a public thread taken private into a case.
 */
export const communityTypeDefs = /* GraphQL */ `
"""A forum: a category of community threads."""
type CommunityForum {
  """The global id."""
  id: ID!
  """Its unique name (1 to 100 characters)."""
  name: String!
  """What belongs here (up to 1000 characters)."""
  description: String
  """Where it is listed (lower first)."""
  position: Int!
  """Its threads, newest first (hidden ones only for moderators)."""
  threads(${PAGE_ARGS}
  ): CommunityThreadConnection!
  """When it was created."""
  createdAt: DateTime!
}

"""One answer of a poll and its votes."""
type CommunityPollOption {
  """The global id."""
  id: ID!
  """The answer's text."""
  label: String!
  """How many voted for it."""
  votes: Int!
}

"""A question in a thread; each customer votes once."""
type CommunityPoll {
  """The global id."""
  id: ID!
  """The question."""
  question: String!
  """Its answers, in order, with their votes."""
  options: [CommunityPollOption!]!
  """How many customers voted."""
  totalVotes: Int!
  """When it stops taking votes; null: never."""
  closesAt: DateTime
  """When it was added."""
  createdAt: DateTime!
}

extend type CommunityThread {
  """The forum it is in; null for threads without one."""
  forum: CommunityForum
  """Whether a moderator hid it (only moderators still see it)."""
  hidden: Boolean!
  """Whether a moderator locked it (no more posts, votes or answers: THREAD_LOCKED)."""
  locked: Boolean!
  """The reply the author or a moderator accepted as the answer."""
  acceptedAnswer: CommunityPost
  """Its poll, if it has one."""
  poll: CommunityPoll
  """Whether it was taken to a private case."""
  takenPrivate: Boolean!
  """The private case it was taken to (the case links back through Case.communityThread)."""
  privateCase: Case
}

extend type CommunityPost {
  """Whether a moderator hid it (only moderators still see it)."""
  hidden: Boolean!
}

extend type Case {
  """The community thread this case was taken private from, if any."""
  communityThread: CommunityThread
}

extend type Customer {
  """Whether the customer moderates the community (admins set it)."""
  communityModerator: Boolean!
}

extend input CreateCommunityThreadInput {
  """The forum's global id; the thread is in no forum when omitted."""
  forumId: ID
}

extend type Query {
  """The forums, in order."""
  communityForums: [CommunityForum!]!
  """The forum with this id. NOT_FOUND when it does not exist."""
  communityForum(
    """Its global id."""
    id: ID!
  ): CommunityForum
}

"""A new forum (admin keys)."""
input CreateCommunityForumInput {
  """A unique name (1 to 100 characters)."""
  name: String!
  """What belongs here (up to 1000 characters)."""
  description: String
  """Where it is listed (0 to 10000, lower first; 0 when omitted)."""
  position: Int
}
"""Changes to a forum (admin keys)."""
input UpdateCommunityForumInput {
  """Its global id."""
  id: ID!
  """A new unique name."""
  name: String
  """A new description."""
  description: String
  """A new position."""
  position: Int
}
"""The forum as it is now."""
type CommunityForumPayload {
  """The forum."""
  forum: CommunityForum!
}
"""Hides or shows a post."""
input SetCommunityPostHiddenInput {
  """The post's global id."""
  postId: ID!
  """Hide (true) or show again (false)."""
  hidden: Boolean!
}
"""Hides or shows a thread."""
input SetCommunityThreadHiddenInput {
  """The thread's global id."""
  threadId: ID!
  """Hide (true) or show again (false)."""
  hidden: Boolean!
}
"""Locks or unlocks a thread."""
input SetCommunityThreadLockedInput {
  """The thread's global id."""
  threadId: ID!
  """Lock (true) or unlock (false)."""
  locked: Boolean!
}
"""The thread as it is now."""
type CommunityThreadChangePayload {
  """The thread."""
  thread: CommunityThread!
}
"""Accepts a reply as a thread's answer."""
input AcceptCommunityAnswerInput {
  """The thread's global id."""
  threadId: ID!
  """The reply's global id; null clears the accepted answer. Not the opening post, not a hidden one."""
  postId: ID
}
"""A poll to add to a thread."""
input CreateCommunityPollInput {
  """The thread's global id (one poll per thread)."""
  threadId: ID!
  """The question (1 to 300 characters)."""
  question: String!
  """The answers (2 to 10, each 1 to 200 characters, each once)."""
  options: [String!]!
  """When it stops taking votes (in the future); never when omitted."""
  closesAt: DateTime
}
"""A customer's vote in a poll."""
input VoteCommunityPollInput {
  """The poll's global id."""
  pollId: ID!
  """The chosen answer's global id."""
  optionId: ID!
  """The global id of the customer who votes (once per poll: ALREADY_VOTED after)."""
  customerId: ID!
}
"""The poll as it is now."""
type CommunityPollPayload {
  """The poll with its results."""
  poll: CommunityPoll!
}
"""Flags or unflags a customer as a community moderator (admin keys)."""
input SetCommunityModeratorInput {
  """The customer's global id."""
  customerId: ID!
  """Moderator (true) or not (false)."""
  moderator: Boolean!
}
"""The customer as they are now."""
type CommunityModeratorPayload {
  """The customer."""
  customer: Customer!
}
"""A public thread to take into a private case."""
input TakeCommunityThreadPrivateInput {
  """The thread's global id; its author becomes the case's customer."""
  threadId: ID!
  """The case's subject (1 to 300 characters); the thread's title when omitted."""
  subject: String
  """The case's priority (NORMAL when omitted)."""
  priority: CasePriority
  """The queue's global id."""
  queueId: ID
  """The assignee's global id."""
  assigneeId: ID
}
"""The thread and the case it was taken to, linked both ways."""
type TakeCommunityThreadPrivatePayload {
  """The thread, now showing it was taken private."""
  thread: CommunityThread!
  """The new case."""
  case: Case!
}

extend type Mutation {
  """Adds a forum (admin keys)."""
  createCommunityForum(
    """The forum."""
    input: CreateCommunityForumInput!
  ): CommunityForumPayload
  """Changes a forum (admin keys)."""
  updateCommunityForum(
    """The changes."""
    input: UpdateCommunityForumInput!
  ): CommunityForumPayload
  """Hides a post from everyone but moderators, or shows it again."""
  setCommunityPostHidden(
    """The post and the switch."""
    input: SetCommunityPostHiddenInput!
  ): CommunityPostPayload
  """Hides a thread from everyone but moderators, or shows it again."""
  setCommunityThreadHidden(
    """The thread and the switch."""
    input: SetCommunityThreadHiddenInput!
  ): CommunityThreadChangePayload
  """Locks a thread against posts, votes and answers, or unlocks it."""
  setCommunityThreadLocked(
    """The thread and the switch."""
    input: SetCommunityThreadLockedInput!
  ): CommunityThreadChangePayload
  """Accepts a reply as the thread's answer (or clears it)."""
  acceptCommunityAnswer(
    """The thread and the reply."""
    input: AcceptCommunityAnswerInput!
  ): CommunityThreadChangePayload
  """Adds a poll to a thread."""
  createCommunityPoll(
    """The poll."""
    input: CreateCommunityPollInput!
  ): CommunityPollPayload
  """Records a customer's vote in a poll."""
  voteCommunityPoll(
    """The vote."""
    input: VoteCommunityPollInput!
  ): CommunityPollPayload
  """Flags or unflags a customer as a community moderator (admin keys)."""
  setCommunityModerator(
    """The customer and the switch."""
    input: SetCommunityModeratorInput!
  ): CommunityModeratorPayload
  """Takes a public thread into a private case in one step: the case opens for the thread's author, and thread and case link to each other. CONFLICT when it was taken already."""
  takeCommunityThreadPrivate(
    """The thread and the case's details."""
    input: TakeCommunityThreadPrivateInput!
  ): TakeCommunityThreadPrivatePayload
}
`;
