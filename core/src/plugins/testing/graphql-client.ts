/** What core's plugin tests read from a GraphQL response. */
export interface GqlResponse {
  data?: any;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

export type Gql = (query: string, variables?: Record<string, unknown>) => Promise<GqlResponse>;

/** A client for a running server, speaking real HTTP with one API key; answers data and errors. */
export function graphqlClient(baseUrl: string, apiKey: string): Gql {
  return async (query, variables) => {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    // Data and errors only: every response also carries extensions.cost (the tenant's budget),
    // which the API tests check and which would make every comparison here depend on timing.
    const { data, errors } = (await res.json()) as GqlResponse;
    return { data, errors };
  };
}
