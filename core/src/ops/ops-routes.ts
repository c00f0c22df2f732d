import type { Hono } from 'hono';
import type { AppEnv } from '../http/authenticate.js';
import { errorResponse } from '../http/authenticate.js';
import type { OpsSettings } from '../config.js';
import { metricsAccess } from './metrics-access.js';
import type { ServerMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * `/livez`: the process runs and answers (no database involved; a failing one is restarted).
 * `/readyz`: send it traffic — 503 while starting (migrations), once shutdown began, and while
 * the database does not answer `select 1` within a second.
 */
export function mountHealthRoutes(app: Hono<AppEnv>, readiness: Readiness): void {
  app.get('/livez', (c) => c.json({ status: 'ok' }, 200, NO_STORE));
  app.get('/readyz', async (c) => {
    const report = await readiness.check();
    return c.json({ status: report.status }, report.ready ? 200 : 503, NO_STORE);
  });
}

/**
 * `/metrics` in Prometheus' text format, for loopback clients and holders of the metrics token
 * only; anyone else gets the 404 of a route that does not exist, so its presence is not told.
 */
export function mountMetricsRoute(app: Hono<AppEnv>, metrics: ServerMetrics, readiness: Readiness, settings: OpsSettings): void {
  const mayRead = metricsAccess(settings);
  app.get('/metrics', async (c) => {
    if (!mayRead(c.env?.incoming?.socket?.remoteAddress, c.req.header('authorization'))) {
      return errorResponse(c, 404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
    }
    // A fresh database round trip in every scrape (mosaic_database_ping_seconds).
    await readiness.pingDatabase();
    return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType, ...NO_STORE });
  });
}
