import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type TextMapGetter } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/authenticate.js';
import { answeredRoute, answeredStatus, knownMethod } from './http-metrics.js';
import { ATTR_TENANT_ID, mosaicTracer, recordFailure } from './tracing.js';

/**
 * Longest propagation header read (traceparent is 55 characters, tracestate at most 512 by the
 * W3C spec): a longer one is ignored, so a client cannot make us parse or keep megabytes.
 */
export const MAX_PROPAGATION_HEADER_CHARS = 512;
/** A client chooses the path: spans keep this much of it. */
const MAX_PATH_CHARS = 1024;

const headers: TextMapGetter<Context<AppEnv>> = {
  keys: (c) => [...c.req.raw.headers.keys()],
  get: (c, key) => {
    const value = c.req.header(key);
    return value !== undefined && value.length <= MAX_PROPAGATION_HEADER_CHARS ? value : undefined;
  },
};

/**
 * One server span per HTTP request, named by method and route pattern (`POST /graphql`), child
 * of the caller's span when the request carries a W3C `traceparent`. Everything the request does
 * runs in its context, so GraphQL, plugin and SQL spans and every log line join its trace.
 * Installed only while tracing is on (see http/app.ts).
 */
export function httpTracing(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, c, headers);
    const method = knownMethod(c);
    const span = mosaicTracer().startSpan(method, {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method === 'OTHER' ? '_OTHER' : method, [ATTR_URL_PATH]: c.req.path.slice(0, MAX_PATH_CHARS) },
    }, parent);
    try {
      await context.with(trace.setSpan(parent, span), next);
    } catch (err) {
      recordFailure(span, err);
      throw err;
    } finally {
      const status = answeredStatus(c);
      const route = answeredRoute(c, status);
      span.updateName(`${method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      const tenant = c.get('tenant');
      if (tenant) span.setAttribute(ATTR_TENANT_ID, tenant.tenantId);
      // Server spans fail on 5xx only: a 4xx is the client's mistake, answered correctly.
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
