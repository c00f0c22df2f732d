import type { Context, MiddlewareHandler } from 'hono';
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
      const status = answeredStatus(c);
      const route = answeredRoute(c, status);
      const method = knownMethod(c);
      metrics.httpRequests.inc({ method, route, status: String(status) });
      metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The status sent; yoga may have answered on the Node response directly (see http/app.ts). */
export const answeredStatus = (c: Context<AppEnv>): number => (c.env?.outgoing?.headersSent ? c.env.outgoing.statusCode : c.res.status);

/** The route pattern that answered (after `next()`); `unmatched` for a 404 no route matched. */
export function answeredRoute(c: Context<AppEnv>, status: number): string {
  const pattern = routePath(c);
  return status === 404 && (pattern === '/*' || pattern === '*') ? 'unmatched' : pattern;
}

/** The method, or `OTHER` for one a client made up (labels and span names stay few). */
export const knownMethod = (c: Context<AppEnv>): string => (KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER');
