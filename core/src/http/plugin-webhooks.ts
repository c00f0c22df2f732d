import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from '../plugins/events/index.js';
import { AppError } from '../lib/errors.js';
import type { Platform } from '../platform.js';
import { findTenantBySlug } from '../tenancy/tenants.js';
import { errorResponse, type AppEnv } from './authenticate.js';

const STATUS_OF = { NOT_FOUND: 404, UNAUTHENTICATED: 401, BAD_REQUEST: 400, BAD_USER_INPUT: 400, FORBIDDEN: 403, WEBHOOK_REPLAYED: 409 } as const;

/**
 * Inbound webhooks for installed plugins: `POST /t/<tenant>/webhooks/<installation id>/<name>`.
 * The request must be signed with the secret the plugin declared for that webhook; the plugin's
 * handler runs only after the signature checks out, once per signed request (a replay answers
 * 409 WEBHOOK_REPLAYED). Unknown tenant, installation or webhook all answer the same 404. The body
 * is capped before it is read and passed on as bytes: the signature covers the raw bytes.
 */
export function mountPluginWebhooks(app: Hono<AppEnv>, platform: Platform): void {
  app.post('/t/:tenant/webhooks/:installationId/:name',
    bodyLimit({
      maxSize: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
      onError: (c) => {
        c.header('connection', 'close'); // the rest of the body is never read
        return errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `webhook bodies are limited to ${DEFAULT_MAX_WEBHOOK_BODY_BYTES} bytes`);
      },
    }),
    async (c) => {
      const tenant = await findTenantBySlug(platform.control.db, c.req.param('tenant'));
      try {
        if (!tenant) throw new AppError('NOT_FOUND', 'webhook not found');
        const result = await platform.plugins.webhook({
          tenantId: tenant.id,
          installationId: c.req.param('installationId'),
          name: c.req.param('name'),
          method: c.req.method,
          headers: Object.fromEntries(c.req.raw.headers),
          query: c.req.query(),
          body: new Uint8Array(await c.req.arrayBuffer()),
        });
        return c.json((result.body ?? null) as never, (result.status ?? 200) as 200);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const status = STATUS_OF[err.code as keyof typeof STATUS_OF] ?? 502;
        return errorResponse(c, status as 400, err.code, err.message);
      }
    });
}
