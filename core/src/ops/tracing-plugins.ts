import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { isPluginError, type HostFunction, type InvocationEntry, type InvocationMetrics } from '@mosaic/sandbox';
import { ATTR_PLUGIN_ID, ATTR_TENANT_ID, mosaicTracer, recordFailure, tracingEnabled } from './tracing.js';

/** Which plugin a call runs, for whom. */
export interface PluginCallSubject {
  tenantId: string;
  pluginId: string;
}

/** `Customer.greeting`, `case.created`, a widget's id, an action's or webhook's name. */
export function entryName(entry: InvocationEntry): string {
  switch (entry.kind) {
    case 'resolver':
      return `${entry.type}.${entry.field}`;
    case 'event':
      return entry.type;
    case 'widget':
      return entry.id;
    default:
      return entry.name;
  }
}

/**
 * Runs one sandbox invocation inside a `plugin <id>` span carrying tenant, plugin, entry, outcome
 * code and the call's CPU and wall milliseconds. The host function is bound to the span: the
 * sandbox worker's messages call it back in the context the worker was started in, so unbound,
 * the SQL its capabilities run would join another trace or none.
 * With tracing off it only calls `run(host)`.
 */
export function tracePluginCall<T extends { metrics: InvocationMetrics }>(
  subject: PluginCallSubject,
  entry: InvocationEntry,
  host: HostFunction,
  run: (host: HostFunction) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return run(host);
  return mosaicTracer().startActiveSpan(`plugin ${subject.pluginId}`, {
    attributes: {
      [ATTR_TENANT_ID]: subject.tenantId,
      [ATTR_PLUGIN_ID]: subject.pluginId,
      'mosaic.plugin.entry.kind': entry.kind,
      'mosaic.plugin.entry.name': entryName(entry),
    },
  }, async (span) => {
    try {
      // The sandbox itself runs outside the trace (a worker it starts now would otherwise answer
      // every later request in this one's context); only the host function joins it.
      const result = await context.with(ROOT_CONTEXT, run, undefined, context.bind(context.active(), host));
      span.setAttributes({ 'mosaic.plugin.outcome': 'OK', 'mosaic.plugin.cpu_ms': result.metrics.cpuMs, 'mosaic.plugin.wall_ms': result.metrics.wallMs });
      return result;
    } catch (err) {
      const code = isPluginError(err) ? err.code : 'PLUGIN_FAILED';
      span.setAttribute('mosaic.plugin.outcome', code);
      if (isPluginError(err)) span.setAttributes({ 'mosaic.plugin.cpu_ms': err.metrics.cpuMs, 'mosaic.plugin.wall_ms': err.metrics.wallMs });
      recordFailure(span, err, code);
      throw err;
    } finally {
      span.end();
    }
  });
}
