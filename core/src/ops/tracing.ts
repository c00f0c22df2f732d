import { context, propagation, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from '../config.js';

/** Our own span attributes (beside the OpenTelemetry semantic conventions). */
export const ATTR_TENANT_ID = 'mosaic.tenant.id';
export const ATTR_PLUGIN_ID = 'mosaic.plugin.id';
/** The stable code a failed span answered with (the same codes clients see). */
export const ATTR_ERROR_CODE = 'mosaic.error.code';

/**
 * Whether this process exports traces. Read where a hook is installed (app, yoga) and per SQL
 * statement and plugin call, so that with tracing off nothing is built or wrapped at all.
 */
let enabled = false;
let tracer: Tracer = trace.getTracer('mosaic');

/** True while a tracer provider of ours is registered (MOSAIC_OTLP_ENDPOINT or OTEL_ endpoints set). */
export const tracingEnabled = (): boolean => enabled;

/** The tracer every Mosaic span comes from (the api's no-op one while tracing is off). */
export const mosaicTracer = (): Tracer => tracer;

/** A started tracing set-up: flush on demand, and shut down (exporting what is left) on close. */
export interface Tracing {
  /** Exports the finished spans now (tests; before a process exits). */
  flush(): Promise<void>;
  /** Exports what is left and unregisters the provider: the process traces nothing afterwards. */
  shutdown(): Promise<void>;
}

/** The registered set-up, shared by every server of the process (tests start several). */
let running: { endpoint: string; users: number; provider: NodeTracerProvider } | undefined;

/**
 * Registers a NodeTracerProvider exporting batches over OTLP/HTTP (JSON) to `settings.endpoint`,
 * with W3C trace-context propagation and async context tracking; null when no endpoint is set,
 * leaving the api's no-op tracer in place. The api keeps one global provider, so servers of one
 * process share it (same endpoint only); the last shutdown unregisters it.
 */
export function startTracing(settings: TracingSettings): Tracing | null {
  if (!settings.endpoint) return null;
  if (running && running.endpoint !== settings.endpoint) {
    throw new Error(`tracing already exports to ${running.endpoint} in this process`);
  }
  if (!running) {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
      // Queue and batch limits are the SDK's (2 048 spans, 512 per export): a slow collector
      // drops spans rather than holding memory.
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.endpoint }))],
    });
    provider.register();
    running = { endpoint: settings.endpoint, users: 0, provider };
    tracer = trace.getTracer('mosaic');
    enabled = true;
  }
  const mine = running;
  mine.users += 1;
  let stopped: Promise<void> | undefined;
  return {
    flush: () => mine.provider.forceFlush(),
    shutdown: () => (stopped ??= (async () => {
      if (--mine.users > 0) return mine.provider.forceFlush();
      running = undefined;
      enabled = false;
      try {
        await mine.provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
        tracer = trace.getTracer('mosaic');
      }
    })()),
  };
}

/** Marks a span failed with the error's stable code when it has one. */
export function recordFailure(span: Span, error: unknown, code?: string): void {
  const found = code ?? (error as { code?: unknown } | null)?.code;
  if (typeof found === 'string') span.setAttribute(ATTR_ERROR_CODE, found);
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof found === 'string' ? found : undefined });
}
