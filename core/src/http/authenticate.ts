import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { Platform } from '../platform.js';
import { tenantContext, type TenantContext } from '../tenancy/context.js';

/** Bindings are present when served by @hono/node-server; absent under app.request() in tests. */
export type AppEnv = {
  /** `bodyBuffered`: the body was read into `c.req.raw` (see body-limit.ts); the Node stream is spent. */
  Variables: { tenant?: TenantContext; requestId: string; bodyBuffered?: boolean };
  Bindings: Partial<HttpBindings>;
};

/** A GraphQL-shaped error body, so clients parse every failure the same way. */
export function errorResponse(c: Context, status: 400 | 401 | 403 | 404 | 413 | 429 | 500, code: string, message: string) {
  return c.json({ errors: [{ message, extensions: { code } }] }, status);
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
    const principal = await platform.keys.verify(match[1]!);
    if (!principal) {
      c.header('www-authenticate', 'Bearer error="invalid_token"');
      return errorResponse(c, 401, 'UNAUTHENTICATED', 'this API key is not valid (unknown, malformed or revoked)');
    }
    const data = await platform.tenants.get(principal.tenantId);
    c.set('tenant', tenantContext(principal, data));
    await next();
  };
}
