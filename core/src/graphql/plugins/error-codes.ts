import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

const withCode = (error: unknown, code: string) => {
  if (error instanceof GraphQLError && !error.extensions.code) {
    (error.extensions as Record<string, unknown>).code = code;
  }
};

const asBadUserInput = (error: GraphQLError) => (error.extensions.code ? error : new GraphQLError(error.message, {
  nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
  extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
}));

/** Parse and validation failures get codes too, so every error a client sees has one. */
export function errorCodes(): Plugin {
  return {
    onParse: () => ({ result }) => withCode(result, 'GRAPHQL_PARSE_FAILED'),
    onValidate: () => ({ result }) => {
      for (const error of result) withCode(error, 'GRAPHQL_VALIDATION_FAILED');
    },
    // A result with errors and no data is a request error: variables that do not coerce (a bad
    // enum value, a string for an Int, a missing required field). graphql-js gives them no code,
    // and some carry the scalar's own error as originalError, which the error masker would take
    // for an internal fault: each becomes a plain GraphQLError with the code (and its HTTP 400).
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (isAsyncIterable(result) || 'data' in result || !result.errors?.length) return;
        setResult({ ...result, errors: result.errors.map(asBadUserInput) });
      },
    }),
  };
}
