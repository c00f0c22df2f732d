export { BoundedLabels } from './bounded-labels.js';
export { closeConnectionsWhileDraining, drainConnections, within } from './drain.js';
export { httpMetrics } from './http-metrics.js';
export { isLoopbackAddress, metricsAccess } from './metrics-access.js';
export { ServerMetrics, type GraphQLMetrics } from './metrics.js';
export { mountHealthRoutes, mountMetricsRoute } from './ops-routes.js';
export { registerPlatformCollectors } from './platform-collectors.js';
export { Readiness, type ReadinessReport, type ServerPhase } from './readiness.js';
export { CountedSandboxSupervisor, type SandboxCallCount } from './sandbox-calls.js';
export { startingApp } from './starting-app.js';
export { exportFailureLog } from './trace-export-reports.js';
export { startTracing, tracingEnabled, type Tracing } from './tracing.js';
export { httpTracing } from './tracing-http.js';

import type { Platform } from '../platform.js';
import { ServerMetrics } from './metrics.js';
import { registerPlatformCollectors } from './platform-collectors.js';
import { Readiness } from './readiness.js';

/** What the HTTP app needs for its operator routes: the metrics and the readiness state. */
export interface ServerOps {
  metrics: ServerMetrics;
  readiness: Readiness;
}

/** Metrics and readiness for a server about to start (`readiness.ready(...)` once it can serve). */
export function createServerOps(options: { defaultMetrics?: boolean } = {}): ServerOps {
  const metrics = new ServerMetrics(options);
  const readiness = new Readiness({ onPing: (seconds) => metrics.databasePing.observe(seconds) });
  return { metrics, readiness };
}

/** Ops of an app built on a platform that is open already (tests, tools): ready at once. */
export function readyServerOps(platform: Platform): ServerOps {
  const ops = createServerOps({ defaultMetrics: false });
  registerPlatformCollectors(ops.metrics.registry, platform);
  ops.readiness.ready(platform.control.db);
  return ops;
}
