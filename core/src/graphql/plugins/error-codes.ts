import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

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
    // A result with errors and no data is a request error: variables that do not coerce (a bad
    // enum value, a string for an Int, a missing required field). graphql-js gives them no code.
    onExecute: () => ({
      onExecuteDone: ({ result }) => {
        if (isAsyncIterable(result) || 'data' in result) return;
        for (const error of result.errors ?? []) withCode(error, 'BAD_USER_INPUT');
      },
    }),
  };
}
