import { GraphQLError } from 'graphql';
import { currentLogContext, type Logger } from '../lib/logger.js';
import { databaseFailure, databaseFailureHttp } from '../db/failures.js';
import { AppError } from '../lib/errors.js';

/**
 * What a client sees of an error: AppErrors keep their code and message; GraphQL errors that
 * already carry a code pass through; anything else is an internal fault (its message may hold SQL
 * and its parameters), logged in full with the request id and tenant and shown only as a generic
 * message with INTERNAL_SERVER_ERROR and the request id — its message only when `isDev`
 * (MOSAIC_DEV_ERRORS=1).
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const graphqlError = error instanceof GraphQLError ? error : null;
    const original = graphqlError?.originalError ?? error;
    // A database that is down or full is said as such (503 with Retry-After, or 507), not masked.
    const failure = original instanceof AppError ? undefined : databaseFailure(original);
    if (failure) logger.warn({ err: original, path: graphqlError?.path, code: failure.code }, 'database failure while resolving');
    const known = original instanceof AppError ? original : failure;
    if (known) {
      const http = databaseFailureHttp(known);
      return new GraphQLError(known.message, {
        nodes: graphqlError?.nodes,
        path: graphqlError?.path,
        extensions: { code: known.code, ...known.details, ...(http ? { http } : {}) },
      });
    }
    if (original instanceof GraphQLError && original.extensions.code) return original;
    if (graphqlError && !graphqlError.originalError && graphqlError.extensions.code) return graphqlError;
    logger.error({ err: original, path: graphqlError?.path }, 'unexpected error while resolving');
    const requestId = currentLogContext()?.requestId;
    const shown = isDev ? `${message}: ${(original as Error)?.message}` : requestId ? `${message} (request id ${requestId})` : message;
    return new GraphQLError(shown, {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
    });
  };
}

/**
 * `extensions.http` of an error that refuses the whole request before anything executes (so the
 * response has no `data`): yoga answers 400 under `Accept: application/graphql-response+json`, as
 * the GraphQL-over-HTTP spec asks, and with `spec: true` keeps 200 for legacy `application/json`
 * clients. yoga strips `extensions.http` from what the client sees.
 */
export const REQUEST_REFUSED = { status: 400, spec: true } as const;

/** A coded error that refuses the whole request before execution (see REQUEST_REFUSED). */
export function requestRefused(message: string, code: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: REQUEST_REFUSED } });
}
