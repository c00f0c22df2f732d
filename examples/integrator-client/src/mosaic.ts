import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** A GraphQL error as Mosaic sends it: every one carries a stable `extensions.code`. */
export class MosaicError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: readonly (string | number)[],
  ) {
    super(`${code}: ${message}`);
    this.name = 'MosaicError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export interface MosaicClient {
  /** Runs one typed operation; the result's type and the variables' come from the document. */
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TResult>;
}

/** A client for one Mosaic server and one API key, on plain `fetch`. */
export function mosaicClient(options: { url: string; apiKey: string }): MosaicClient {
  const endpoint = new URL('/graphql', options.url).href;
  return {
    async request(document, ...[variables]) {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${options.apiKey}`,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const body = (await res.json()) as GraphQLResponse<never>;
      // Mosaic answers a failed operation with errors, and a partly failed one with data and errors;
      // this sample treats any error as the operation's failure.
      const [first] = body.errors ?? [];
      if (first) throw new MosaicError(first.extensions?.code ?? `HTTP_${res.status}`, first.message, first.path);
      if (!body.data) throw new MosaicError(`HTTP_${res.status}`, 'the response carried no data');
      return body.data;
    },
  };
}
