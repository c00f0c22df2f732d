import { GraphQLError } from 'graphql';
import type { Logger } from '../lib/logger.js';
import { AppError } from '../lib/errors.js';

/**
 * What a client sees of an error: AppErrors keep their code and message; GraphQL errors that
 * already carry a code pass through; anything else is an internal fault, logged in full and
 * shown only as a generic message with INTERNAL_SERVER_ERROR (unless in development).
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const graphqlError = error instanceof GraphQLError ? error : null;
    const original = graphqlError?.originalError ?? error;
    if (original instanceof AppError) {
      return new GraphQLError(original.message, {
        nodes: graphqlError?.nodes,
        path: graphqlError?.path,
        extensions: { code: original.code, ...original.details },
      });
    }
    if (original instanceof GraphQLError && original.extensions.code) return original;
    if (graphqlError && !graphqlError.originalError && graphqlError.extensions.code) return graphqlError;
    logger.error({ err: original, path: graphqlError?.path }, 'unexpected error while resolving');
    return new GraphQLError(isDev ? `${message}: ${(original as Error)?.message}` : message, {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}
