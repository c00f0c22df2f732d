import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../http/authenticate.js';
import type { ServerMetrics } from './metrics.js';

/**
 * Counts and times every request by method, the route pattern that answered it (never the raw
 * path, which a client chooses) and status. A request no route matched is `unmatched`.
 * Registered first, so the time includes every other middleware.
 */
export function httpMetrics(metrics: ServerMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    metrics.httpInFlight.inc();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
      // yoga may have answered on the Node response directly (see http/app.ts)
      const status = c.env?.outgoing?.headersSent ? c.env.outgoing.statusCode : c.res.status;
      const pattern = routePath(c);
      const route = status === 404 && (pattern === '/*' || pattern === '*') ? 'unmatched' : pattern;
      const method = KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      metrics.httpRequests.inc({ method, route, status: String(status) });
      metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
