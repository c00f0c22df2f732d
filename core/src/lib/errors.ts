/**
 * Error codes a client can rely on (DESIGN.md decision 8). Domain code throws AppError;
 * the GraphQL layer turns it into `extensions.code`, the CLI into a one-line reason.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'TOO_MANY_SUBSCRIPTIONS',
  'BAD_REQUEST',
  'INTERNAL_SERVER_ERROR',
  'PLUGIN_FAILED',
  'PLUGIN_TIMEOUT',
  'PLUGIN_TAMPERED',
  'CONSENT_REQUIRED',
  'WEBHOOK_REPLAYED',
  'PLUGIN_INPUT_INVALID',
  'INVALID_CREDENTIALS',
  'SIGN_UP_FAILED',
  'CSRF_FAILED',
  'RESET_LINK_INVALID',
  'WIDGET_INVALID',
  'TEMPLATE_INVALID',
  'TOO_MANY_TAGS',
  'THREAD_LOCKED',
  'ALREADY_VOTED',
  'ALREADY_RATED',
  'OFFER_EXPIRED',
  'AGENT_AT_CAPACITY',
  'DATABASE_UNAVAILABLE',
  'DATABASE_FULL',
  /** 503 while the server starts (see core/src/ops/starting-app.ts). */
  'SERVICE_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
