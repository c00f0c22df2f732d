import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { errorResponse, type AppEnv } from './authenticate.js';

/**
 * Refuses request bodies over `maxBytes` with 413 PAYLOAD_TOO_LARGE, before anything parses
 * them. A declared Content-Length is judged from the header alone, leaving the Node request
 * unread for yoga (see app.ts); a chunked body is read by hono's bodyLimit, which stops at the
 * limit, and the buffered copy is marked so the GraphQL route hands yoga that copy instead of
 * the already-consumed Node stream. The refusal closes the connection, so the rest of an
 * oversized body is never read.
 *
 * @example app.use(requestBodyLimit(1024 * 1024))
 */
export function requestBodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge: Parameters<typeof honoBodyLimit>[0]['onError'] = (c) => {
    c.header('connection', 'close');
    return errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes; send less (limit: MOSAIC_MAX_BODY_BYTES)`);
  };
  const streamed = honoBodyLimit({ maxSize: maxBytes, onError: tooLarge });
  // Not async: it hands the request on as it is, without a promise of its own.
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > maxBytes ? Promise.resolve(tooLarge(c)) : next();
    }
    c.set('bodyBuffered', true);
    return streamed(c, next);
  };
}
