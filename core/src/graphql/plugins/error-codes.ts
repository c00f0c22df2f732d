import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const withCode = (error: unknown, code: string) => {
  if (error instanceof GraphQLError && !error.extensions.code) {
    (error.extensions as Record<string, unknown>).code = code;
  }
};

/** Parse and validation failures get codes too, so every error a client sees has one. */
export function errorCodes(): Plugin {
  return {
    onParse: () => ({ result }) => withCode(result, 'GRAPHQL_PARSE_FAILED'),
    onValidate: () => ({ result }) => {
      for (const error of result) withCode(error, 'GRAPHQL_VALIDATION_FAILED');
    },
  };
}
