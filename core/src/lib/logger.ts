import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

/** Who a log line is about: set once per request, carried to every line written while serving it. */
export interface LogContext {
  requestId: string;
  tenant?: string;
}

const requestScope = new AsyncLocalStorage<LogContext>();

/** Runs `fn` so that every log line it causes (however deep, however async) names the request. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return requestScope.run(context, fn);
}

/** The request being served here, if any (for messages that point an operator at the logs). */
export const currentLogContext = (): LogContext | undefined => requestScope.getStore();

/** A log line longer than this is rewritten with its long strings cut (a client's input can be megabytes). */
export const MAX_LOG_LINE_CHARS = 16 * 1024;
/** What each string keeps when a line is too long. */
export const MAX_LOG_STRING_CHARS = 2 * 1024;

const cut = (s: string) => `${s.slice(0, MAX_LOG_STRING_CHARS)}…[${s.length - MAX_LOG_STRING_CHARS} more chars]`;

/** Cuts every long string of a parsed log line, walking it without recursion. */
function cutLongStrings(root: Record<string, unknown>): void {
  const pending: unknown[] = [root];
  while (pending.length) {
    const node = pending.pop() as Record<string, unknown>;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (typeof value === 'string' && value.length > MAX_LOG_STRING_CHARS) node[key] = cut(value);
      else if (value && typeof value === 'object') pending.push(value);
    }
  }
}

/** Keeps every line under MAX_LOG_LINE_CHARS; ordinary lines pass through untouched. */
function capLine(line: string): string {
  if (line.length <= MAX_LOG_LINE_CHARS) return line;
  const parsed = JSON.parse(line) as Record<string, unknown>;
  cutLongStrings(parsed);
  const shortened = `${JSON.stringify({ ...parsed, truncated: true })}\n`;
  if (shortened.length <= MAX_LOG_LINE_CHARS) return shortened;
  // Many fields, each under the cap: keep what identifies the line.
  const { level, time, msg, requestId, tenant, trace_id } = parsed;
  return `${JSON.stringify({ level, time, msg, requestId, tenant, trace_id, truncated: true, chars: line.length })}\n`;
}

/**
 * What a line adds: the request it serves and, while a trace span is active, `trace_id` and
 * `span_id` (so a line leads to its trace). Without tracing no span is ever active.
 */
function lineContext(): Record<string, unknown> {
  const request = requestScope.getStore();
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !isSpanContextValid(span)) return { ...request };
  return { ...request, trace_id: span.traceId, span_id: span.spanId };
}

/**
 * Structured JSON logs on stdout; MOSAIC_LOG_LEVEL=silent turns them off (tests). Lines written
 * while serving a request carry its `requestId` and `tenant` (see withLogContext), and the
 * active trace's `trace_id`/`span_id`.
 */
export function createLogger(level = process.env.MOSAIC_LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'mosaic' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: lineContext,
    hooks: { streamWrite: capLine },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
