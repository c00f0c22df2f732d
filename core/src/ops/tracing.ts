import { context, propagation, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from '../config.js';
import { reportingExports, type ExportReport } from './trace-export-reports.js';

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
  /**
   * Exports what is left and unregisters the provider: the process traces nothing afterwards.
   * Never rejects for a failed export (that reaches the export listeners instead).
   */
  shutdown(): Promise<void>;
  /** Calls `listener` with the outcome of every export of this process until `shutdown` (or the returned stop). */
  onExport(listener: (report: ExportReport) => void): () => void;
}

/** The registered set-up, shared by every server of the process (tests start several). */
let running: { endpoint: string; users: number; provider: NodeTracerProvider; listeners: Set<(report: ExportReport) => void> } | undefined;

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
    const listeners = new Set<(report: ExportReport) => void>();
    const exporter = reportingExports(new OTLPTraceExporter({ url: settings.endpoint }), (report) => {
      for (const listener of listeners) listener(report);
    });
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
      // Queue and batch limits are the SDK's (2 048 spans, 512 per export): a slow collector
      // drops spans rather than holding memory.
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    provider.register();
    running = { endpoint: settings.endpoint, users: 0, provider, listeners };
    tracer = trace.getTracer('mosaic');
    enabled = true;
  }
  const mine = running;
  mine.users += 1;
  let stopped: Promise<void> | undefined;
  const own = new Set<(report: ExportReport) => void>();
  // A failed export was reported to the listeners already: a closing server must not fail for it.
  const reported = () => undefined;
  return {
    flush: () => mine.provider.forceFlush(),
    onExport: (listener) => {
      own.add(listener);
      mine.listeners.add(listener);
      return () => {
        own.delete(listener);
        mine.listeners.delete(listener);
      };
    },
    shutdown: () => (stopped ??= (async () => {
      if (--mine.users > 0) {
        await mine.provider.forceFlush().catch(reported);
        for (const listener of own) mine.listeners.delete(listener);
        return;
      }
      running = undefined;
      enabled = false;
      try {
        await mine.provider.shutdown().catch(reported);
      } finally {
        mine.listeners.clear();
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
