import { AppError } from '../lib/errors.js';

/** Seconds a client is asked to wait before retrying while the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/** Socket-level failures of the connection to a libsql server (Node and undici codes). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/** libsql client codes for a server that answered 5xx or a connection that closed under it. */
const UNAVAILABLE_LIBSQL_CODES = new Set(['SERVER_ERROR', 'HRANA_CLOSED_ERROR', 'HRANA_WEBSOCKET_ERROR']);

/** The error and its causes, outermost first (drizzle and libsql wrap what the socket said). */
function* causes(err: unknown): Generator<unknown> {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) yield e;
}

const codeOf = (e: unknown) => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined);

/**
 * What a client should hear about a database failure: DATABASE_UNAVAILABLE (retryable; the
 * libsql server is restarting or unreachable: a write's transaction applied whole or not at all)
 * or DATABASE_FULL (the disk under the database has no room: reads still work).
 * Undefined for any other error, which stays an internal fault.
 */
export function databaseFailure(err: unknown): AppError | undefined {
  for (const e of causes(err)) {
    const code = codeOf(e);
    if (code === 'SQLITE_FULL') {
      return new AppError('DATABASE_FULL', 'the database has no room left for this write; reads still work (an operator must free disk space)');
    }
    const fetchFailed = e instanceof TypeError && e.message === 'fetch failed';
    if (fetchFailed || (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNAVAILABLE_LIBSQL_CODES.has(code)))) {
      return new AppError('DATABASE_UNAVAILABLE', `the database is unavailable for the moment; retry in ${DATABASE_RETRY_AFTER_SECONDS} s`, {
        retryable: true, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
      });
    }
  }
  return undefined;
}

/** HTTP status and headers of a database failure's code, for answers outside GraphQL and inside it. */
export function databaseFailureHttp(error: AppError): { status: 503 | 507; headers: Record<string, string> } | undefined {
  if (error.code === 'DATABASE_UNAVAILABLE') return { status: 503, headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) } };
  if (error.code === 'DATABASE_FULL') return { status: 507, headers: {} };
  return undefined;
}
