import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { databaseFailure, databaseFailureHttp } from '../db/failures.js';
import type { AppError } from '../lib/errors.js';
import type { Platform } from '../platform.js';
import { tenantContext, type TenantContext } from '../tenancy/context.js';

/** Bindings are present when served by @hono/node-server; absent under app.request() in tests. */
export type AppEnv = {
  /** `bodyBuffered`: the body was read into `c.req.raw` (see body-limit.ts); the Node stream is spent. */
  Variables: { tenant?: TenantContext; requestId: string; bodyBuffered?: boolean };
  Bindings: Partial<HttpBindings>;
};

/** A GraphQL-shaped error body, so clients parse every failure the same way. */
export function errorResponse(c: Context, status: 400 | 401 | 403 | 404 | 413 | 429 | 500 | 503 | 507, code: string, message: string, extensions: Record<string, unknown> = {}) {
  return c.json({ errors: [{ message, extensions: { code, ...extensions } }] }, status);
}

/**
 * The answer to a database that is down (503 DATABASE_UNAVAILABLE with Retry-After) or full
 * (507 DATABASE_FULL) when `err` is one (db/failures.ts); undefined otherwise.
 */
export function databaseFailureResponse(c: Context, err: unknown) {
  const failure: AppError | undefined = databaseFailure(err);
  const http = failure && databaseFailureHttp(failure);
  if (!failure || !http) return undefined;
  for (const [name, value] of Object.entries(http.headers)) c.header(name, value);
  return errorResponse(c, http.status, failure.code, failure.message, failure.details);
}

/**
 * Resolves `Authorization: Bearer <key>` to a tenant context. The tenant comes from the verified
 * key alone; nothing in the URL, headers or body can choose another.
 */
export function authenticate(platform: Platform): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      c.header('www-authenticate', 'Bearer');
      return errorResponse(c, 401, 'UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"');
    }
    let context: TenantContext;
    try {
      const principal = await platform.keys.verify(match[1]!);
      if (!principal) {
        c.header('www-authenticate', 'Bearer error="invalid_token"');
        return errorResponse(c, 401, 'UNAUTHENTICATED', 'this API key is not valid (unknown, malformed or revoked)');
      }
      context = tenantContext(principal, await platform.tenants.get(principal.tenantId));
    } catch (err) {
      // A key not yet cached cannot be checked while the database is down: say so, retryable.
      const answer = databaseFailureResponse(c, err);
      if (answer) return answer;
      throw err;
    }
    c.set('tenant', context);
    await next();
  };
}
