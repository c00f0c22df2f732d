import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { REQUEST_REFUSED } from '../errors.js';

const withCode = (error: unknown, code: string) => {
  if (error instanceof GraphQLError && !error.extensions.code) {
    (error.extensions as Record<string, unknown>).code = code;
  }
};

/**
 * A request error as the client sees it: uncoded ones (variables that do not coerce) are
 * BAD_USER_INPUT, and each answers 400 under application/graphql-response+json unless it chose
 * its own status (RATE_LIMITED's 429).
 */
const asRequestError = (error: GraphQLError) => (error.extensions.http && error.extensions.code ? error : new GraphQLError(error.message, {
  nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
  extensions: { code: 'BAD_USER_INPUT', ...error.extensions, http: error.extensions.http ?? REQUEST_REFUSED },
}));

/**
 * A POST body yoga cannot read (`text/plain`, say) gets 415 with a coded body naming what to
 * send; yoga alone answers an empty 415. Other methods go on to yoga's 405.
 */
const unsupportedMediaType = () => Response.json(
  { errors: [{ message: 'send the operation as JSON: Content-Type: application/json', extensions: { code: 'BAD_REQUEST' } }] },
  { status: 415, headers: { 'accept-post': 'application/json' } }, // RFC 9110 §15.5.16
);

// The after-hooks are the same for every request: made once, not per request.
const afterParse = ({ result }: { result: unknown }) => withCode(result, 'GRAPHQL_PARSE_FAILED');
const afterValidate = ({ result }: { result: readonly unknown[] }) => {
  for (const error of result) withCode(error, 'GRAPHQL_VALIDATION_FAILED');
};
// A result with errors and no data is a request error: variables that do not coerce (a bad
// enum value, a string for an Int, a missing required field). graphql-js gives them no code,
// and some carry the scalar's own error as originalError, which the error masker would take
// for an internal fault: each becomes a plain GraphQLError with the code (and its HTTP 400,
// which every error of a result without data gets unless it chose another).
const afterExecute: ReturnType<NonNullable<Plugin['onExecute']>> = {
  onExecuteDone: ({ result, setResult }) => {
    if (isAsyncIterable(result) || 'data' in result || !result.errors?.length) return;
    setResult({ ...result, errors: result.errors.map(asRequestError) });
  },
};

/** Parse and validation failures get codes too, so every error a client sees has one. */
export function errorCodes(): Plugin {
  return {
    // Runs after yoga's own body parsers had their turn (they are registered before our plugins).
    onRequestParse: ({ request, requestParser, endResponse }) => {
      if (!requestParser && request.method === 'POST') endResponse(unsupportedMediaType());
    },
    onParse: () => afterParse,
    onValidate: () => afterValidate,
    onExecute: () => afterExecute,
  };
}
