import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Context } from 'hono';
import { requestId } from './request-id.js';
import { sql } from 'drizzle-orm';
import { shouldRenderGraphiQL } from 'graphql-yoga';
import type { MosaicYoga } from '../graphql/yoga.js';
import { SubscriptionSlots } from '../graphql/subscriptions/index.js';
import { withLogContext } from '../lib/logger.js';
import type { Platform } from '../platform.js';
import { accessLog } from './access-log.js';
import { authenticate, databaseFailureResponse, errorResponse, type AppEnv } from './authenticate.js';
import { requestBodyLimit } from './body-limit.js';
import { serveGraphiQLPage } from './graphiql.js';
import { mountGraphiQLAssets } from './graphiql-assets.js';
import { mountPluginWebhooks } from './plugin-webhooks.js';
import { mountBulkIngest } from './bulk-ingest.js';
import { mountChannelIntake } from './channel-intake.js';
import { isWebPath, mountWeb, webError, webNotFound } from '../web/index.js';
import { closeConnectionsWhileDraining, httpMetrics, httpTracing, mountHealthRoutes, mountMetricsRoute, readyServerOps, tracingEnabled, type ServerOps } from '../ops/index.js';

/**
 * Passes an authenticated request to yoga. Under @hono/node-server yoga reads and writes the
 * Node request/response itself: building a WHATWG Request (AbortSignal, header copies, body
 * stream) for every call cost more than executing a small query. Elsewhere, and when the body
 * limit already read a chunked body, it gets the Request. Every log line written meanwhile
 * names the request and tenant.
 */
async function handOver(c: Context<AppEnv>, yoga: MosaicYoga, plugins: Platform['plugins']) {
  const context = { tenant: c.get('tenant')!, requestId: c.get('requestId'), plugins };
  return withLogContext({ requestId: context.requestId, tenant: context.tenant.tenantSlug }, async () => {
    const { incoming, outgoing } = c.env ?? {};
    if (!incoming || !outgoing || c.get('bodyBuffered')) return yoga.fetch(c.req.raw, context);
    // `handle(req, res, ctx)` writes the response itself (handleNodeRequestAndResponse only
    // returns it, which would leave the client waiting once hono is told it was sent).
    await yoga.handle(incoming, outgoing, context);
    return RESPONSE_ALREADY_SENT;
  });
}

export function createApp(
  platform: Platform,
  yoga: MosaicYoga,
  subscriptionSlots = new SubscriptionSlots(platform.config.limits),
  /** Metrics and readiness (server.ts makes them before the platform opens); ready at once otherwise. */
  ops: ServerOps = readyServerOps(platform),
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The request's span encloses everything, the metrics' timing too; not installed while tracing is off.
  if (tracingEnabled()) app.use(httpTracing());
  app.use(httpMetrics(ops.metrics));
  app.use(closeConnectionsWhileDraining(ops.readiness));
  app.use(requestId());
  app.use(accessLog(platform.logger));
  // Imports stream bodies of any length (each line is capped): mounted before the API's body limit.
  mountBulkIngest(app, platform);
  app.use(requestBodyLimit(platform.config.maxBodyBytes));

  // The older check, kept for what already polls it: the process answers and its database too.
  app.get('/healthz', async (c) => {
    await platform.control.db.run(sql`select 1`);
    return c.json({ status: 'ok' });
  });
  mountHealthRoutes(app, ops.readiness);
  mountMetricsRoute(app, ops.metrics, ops.readiness, platform.config.ops);

  // GraphiQL is a page anyone may load (also as /graphql?query=..., the URL it writes); the
  // operations it sends still need a key. The predicate is yoga's own, so no page request
  // reaches yoga after authentication.
  app.on(['GET', 'POST'], '/graphql', async (c, next) => {
    if (shouldRenderGraphiQL(c.req.raw)) return serveGraphiQLPage(c, yoga);
    return next();
  }, authenticate(platform), (c) => handOver(c, yoga, platform.plugins));
  mountGraphiQLAssets(app);

  mountPluginWebhooks(app, platform);
  mountChannelIntake(app, platform);
  mountWeb(app, platform, subscriptionSlots);

  // Pages answer errors with a page; the API keeps its JSON errors.
  app.notFound((c) => isWebPath(c.req.path) ? webNotFound(c) : errorResponse(c, 404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    platform.logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    if (isWebPath(c.req.path)) return webError(c);
    // A database out of reach (or full) is news a client can act on: 503 and retry, or 507.
    return databaseFailureResponse(c, err) ?? errorResponse(c, 500, 'INTERNAL_SERVER_ERROR', 'unexpected error');
  });
  return app;
}
