import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../lib/logger.js';
import type { AppEnv } from './authenticate.js';

/** One structured line per request, with the request id and (once known) the tenant. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const tenant = c.get('tenant');
    logger.info({
      requestId: c.get('requestId'),
      tenant: tenant?.tenantSlug,
      method: c.req.method,
      path: c.req.path,
      // yoga may have answered on the Node response directly (see app.ts)
      status: c.env?.outgoing?.headersSent ? c.env.outgoing.statusCode : c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    }, 'request');
  };
}
