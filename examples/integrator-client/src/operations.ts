import { graphql } from './gql/index.js';

/** The customer 360: each customer with their interactions, cases and orders, newest first. */
export const Customer360 = graphql(`
  query Customer360($customers: Int!, $items: Int!) {
    customers(first: $customers) {
      edges {
        node {
          id
          name
          email
          account { name }
          timeline(first: $items) {
            edges {
              kind
              at
              node {
                __typename
                ... on Interaction { id channel direction subject body }
                ... on Case { id number subject status priority }
                ... on Order { id orderNumber orderStatus total { amount currency } }
              }
            }
          }
        }
      }
    }
  }
`);

/** One page of cases matching a filter; `after` is the previous page's endCursor. */
export const CasesPage = graphql(`
  query CasesPage($first: Int!, $after: String, $filter: CaseFilter) {
    cases(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        node { id number subject status priority customer { name } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

/** Opens a case for a customer (agent and admin keys; an integrator key is read-only). */
export const CreateCase = graphql(`
  mutation CreateCase($input: CreateCaseInput!) {
    createCase(input: $input) {
      case { id number subject status priority customer { id } }
    }
  }
`);
