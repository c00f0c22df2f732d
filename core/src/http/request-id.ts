import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './authenticate.js';

/** A client's own id is kept when it is short and plain enough to put in logs and headers as is. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id, `c.get('requestId')`, and sends it back as `X-Request-Id` on every
 * response (errors, 401 and 413 included): the client's own `X-Request-Id` when it is at most 128
 * characters of `A-Z a-z 0-9 . _ : -`, otherwise a fresh UUID. The header is also set on the Node
 * response up front, because the GraphQL route lets yoga write that response itself.
 *
 * @example app.use(requestId())
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = c.req.header('x-request-id');
    const id = sent !== undefined && CLIENT_ID.test(sent) ? sent : crypto.randomUUID();
    c.set('requestId', id);
    c.env?.outgoing?.setHeader('x-request-id', id);
    await next();
    if (!c.env?.outgoing?.headersSent) c.header('x-request-id', id);
  };
}
