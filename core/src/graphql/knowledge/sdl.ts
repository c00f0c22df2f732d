import { MAX_SEARCH_HITS, MAX_SUGGESTIONS, MAX_VERSIONS } from '../../domain/knowledge/index.js';

/**
 * The knowledge base beyond plain article CRUD: visibility, versions, the ranked search (text
 * relevance blended with helpfulness), articles on cases, and self-service deflection.
 */
export const knowledgeTypeDefs = /* GraphQL */ `
"""Who may read a knowledge article."""
enum ArticleVisibility {
  """Its author and admins only (being written, or withdrawn)."""
  DRAFT
  """Agents and other API keys too, never customers."""
  INTERNAL
  """Everyone, portal visitors included."""
  PUBLIC
}

"""How the words of a knowledge search must occur."""
enum KnowledgeSearchMatch {
  """Every word (the last one also as a prefix)."""
  ALL
  """At least one word; the articles with more and rarer ones rank first."""
  ANY
}

extend type KnowledgeArticle {
  """Who may read it."""
  visibility: ArticleVisibility!
  """The lower bound of the 95 % Wilson score interval of its helpful / not-helpful votes (0 to 1): a few votes count less than many."""
  helpfulness: Float!
  """The number of its current version (1 when created; each edit or restore adds one)."""
  version: Int!
  """Its saved versions, newest first (at most ${MAX_VERSIONS})."""
  versions(
    """How many, newest first (1 to ${MAX_VERSIONS}); ${MAX_VERSIONS} when left out."""
    first: Int
  ): [KnowledgeArticleVersion!]!
}

"""A knowledge article as one edit (or its creation, or a restore) left it."""
type KnowledgeArticleVersion {
  """The version number, from 1."""
  version: Int!
  """The title then."""
  title: String!
  """The content then."""
  body: String!
  """Who could read it then."""
  visibility: ArticleVisibility!
  """Its language then (a BCP 47 tag)."""
  locale: String!
  """Its labels then."""
  tags: [String!]!
  """Who saved it (an API key id or web:<user id>); null for versions from before versioning."""
  author: String
  """When it was saved."""
  createdAt: DateTime!
}

"""One knowledge search result and why it ranks where it does (score = textScore × (1 + helpfulness))."""
type KnowledgeSearchHit {
  """The article."""
  article: KnowledgeArticle!
  """The opening of its body (up to 240 characters)."""
  snippet: String!
  """Text relevance (bm25 over title and body, title words weighing more); higher is better, 0 without words."""
  textScore: Float!
  """The article's helpfulness at search time (the Wilson lower bound of its votes, 0 to 1)."""
  helpfulness: Float!
  """The blended score results are sorted by, after the reader's language."""
  score: Float!
}

"""Self-service deflection over a period."""
type KnowledgeDeflection {
  """Portal searches and article views in the period whose window has passed."""
  events: Int!
  """Of those, the ones no case from the same visitor (or signed-in customer) followed within the window."""
  deflected: Int!
  """deflected / events; null without events."""
  rate: Float
  """Searches and views whose window is still open (not counted yet)."""
  pending: Int!
}

extend input KnowledgeArticleFilter {
  """Only articles with this visibility (wins over the deprecated status)."""
  visibility: ArticleVisibility
  """Only articles in this language or its regional forms (a BCP 47 tag: es matches es and es-MX)."""
  language: String
}

extend input CreateKnowledgeArticleInput {
  """Who may read it; DRAFT when left out (wins over the deprecated status)."""
  visibility: ArticleVisibility
}

extend input UpdateKnowledgeArticleInput {
  """Who may read it (wins over the deprecated status)."""
  visibility: ArticleVisibility
  """Its language, a BCP 47 tag such as en, en-GB or pt-BR."""
  locale: String
}

"""An old version to make current again."""
input RestoreKnowledgeArticleVersionInput {
  """The article's global id."""
  articleId: ID!
  """The version to restore (from KnowledgeArticle.versions)."""
  version: Int!
}

"""An article and a case to link or unlink."""
input CaseArticleInput {
  """The case's global id."""
  caseId: ID!
  """The article's global id."""
  articleId: ID!
}

"""The result of linking or unlinking an article and a case."""
type CaseArticlePayload {
  """The case."""
  case: Case!
  """The article."""
  article: KnowledgeArticle!
  """Whether this call changed anything (false: it was already linked, or not linked)."""
  changed: Boolean!
}

extend type Case {
  """The knowledge articles agents linked to it (those the caller may read), the most recently linked first."""
  linkedArticles: [KnowledgeArticle!]!
  """Articles that may answer it: the knowledge search over its subject and description, any word, without the linked ones."""
  suggestedArticles(
    """How many (1 to ${MAX_SUGGESTIONS}); 5 when left out."""
    first: Int
  ): [KnowledgeSearchHit!]!
}

extend type Query {
  """The knowledge articles the caller may read that contain the words of query, ranked by text relevance blended with helpfulness, the given language first. Quotes, operators and brackets in query are plain text."""
  searchKnowledge(
    """What to look for (up to 1000 characters; the first 12 distinct words count). Empty: the newest articles."""
    query: String!
    """The reader's language (BCP 47): its articles first, then the fallback language's, no others. Every language when left out."""
    language: String
    """The language shown after the reader's own; en when left out."""
    fallbackLanguage: String
    """How many hits (1 to ${MAX_SEARCH_HITS}); 20 when left out."""
    first: Int
    """Whether every word or any word must occur; ALL when left out."""
    match: KnowledgeSearchMatch
  ): [KnowledgeSearchHit!]!
  """Portal self-service deflection over [from, to): searches and article views not followed by a case from the same visitor within the window. Admin keys only."""
  knowledgeDeflection(
    """The start of the period (inclusive)."""
    from: DateTime!
    """The end of the period (exclusive; at most 366 days after from)."""
    to: DateTime!
    """How long after a search a case still counts against it, in hours (1 to 744); 24 when left out."""
    windowHours: Int
  ): KnowledgeDeflection!
}

extend type Mutation {
  """Makes an old version of an article current again, as its next version."""
  restoreKnowledgeArticleVersion(
    """The article and the version."""
    input: RestoreKnowledgeArticleVersionInput!
  ): KnowledgeArticlePayload
  """Links an article to a case (linking twice changes nothing)."""
  linkKnowledgeArticle(
    """The case and the article."""
    input: CaseArticleInput!
  ): CaseArticlePayload
  """Removes an article's link to a case."""
  unlinkKnowledgeArticle(
    """The case and the article."""
    input: CaseArticleInput!
  ): CaseArticlePayload
}
`;
