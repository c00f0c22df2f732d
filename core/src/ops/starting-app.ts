import { Hono } from 'hono';
import type { AppEnv } from '../http/authenticate.js';
import { requestId } from '../http/request-id.js';
import { mountHealthRoutes } from './ops-routes.js';
import type { Readiness } from './readiness.js';

/**
 * What a server answers while it starts (databases migrate before the app exists): /livez and
 * /readyz (503 `starting`), and 503 SERVICE_UNAVAILABLE with Retry-After for anything else.
 */
export function startingApp(readiness: Readiness): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  mountHealthRoutes(app, readiness);
  app.all('*', (c) => c.json(
    { errors: [{ message: 'the server is starting; retry shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
    503,
    { 'retry-after': '5', 'cache-control': 'no-store' },
  ));
  return app;
}
