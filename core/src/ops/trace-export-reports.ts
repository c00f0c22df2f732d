import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Counter } from 'prom-client';
import type { Logger } from '../lib/logger.js';

/** What one export to the collector came to: the spans it carried, and the error if it failed. */
export interface ExportReport {
  spans: number;
  /** Absent when the collector took the batch. */
  error?: Error;
}

/** ExportResultCode.SUCCESS of @opentelemetry/core (the exporter's callback result). */
const EXPORT_SUCCESS = 0;

/**
 * Wraps `exporter` so each export's outcome reaches `report` before the span processor sees it.
 * The OTLP exporter gives up on a batch (after its own retries for 429/502/503/504 and network
 * errors) only through this callback; the batch processor then hands the error to OpenTelemetry's
 * global error handler, which only the `diag` logger (silent by default) would ever show.
 */
export function reportingExports(exporter: SpanExporter, report: (outcome: ExportReport) => void): SpanExporter {
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        // A throwing listener must not keep the batch processor waiting for its callback.
        try {
          report(result.code === EXPORT_SUCCESS ? { spans: spans.length } : { spans: spans.length, error: result.error ?? new Error('span export failed') });
        } finally {
          done(result);
        }
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** Options of {@link exportFailureLog}. */
export interface ExportFailureLogOptions {
  /** Least time between two warnings while exports keep failing (default one minute). */
  intervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * An operator's view of a collector that is down or refusing: every failed export counts in
 * `failures`; the first failure is logged at once as a warning, later ones at most once per
 * `intervalMs` with how many failed (and how many spans were lost) since the last line, and the
 * first success after a failure says so once. A collector down for a day writes ~1 440 lines,
 * not one per batch.
 */
export function exportFailureLog(logger: Logger, failures: Counter, options: ExportFailureLogOptions = {}): (outcome: ExportReport) => void {
  const { intervalMs = 60_000, now = Date.now } = options;
  let lastLineAt: number | undefined;
  let failed = 0;
  let lostSpans = 0;
  let failing = false;
  return ({ spans, error }) => {
    if (!error) {
      if (failing) logger.info({ unreportedFailures: failed, lostSpans }, 'trace export works again');
      failing = false;
      lastLineAt = undefined;
      failed = lostSpans = 0;
      return;
    }
    failures.inc();
    failing = true;
    failed += 1;
    lostSpans += spans;
    const at = now();
    if (lastLineAt !== undefined && at - lastLineAt < intervalMs) return;
    // The OTLP exporter's error carries the collector's HTTP status as `code`.
    const status = (error as { code?: unknown }).code;
    logger.warn(
      {
        failures: failed, lostSpans, error: error.message.slice(0, 300), ...(typeof status === 'number' && { status }),
        sinceMs: lastLineAt === undefined ? undefined : at - lastLineAt,
      },
      'trace export to the OTLP collector failed: spans were dropped (next warning in a minute at most; see mosaic_trace_export_failures_total)',
    );
    lastLineAt = at;
    failed = lostSpans = 0;
  };
}
