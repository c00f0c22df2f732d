import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabels } from './bounded-labels.js';
import { registerStatementDurations } from './statement-durations.js';

/** Seconds: from a fast cached read to a slow page or a plugin near its deadline. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A `select 1` round trip: well under a millisecond embedded, a few over the network. */
const PING_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** What the GraphQL operation metrics plugin records into. */
export interface GraphQLMetrics {
  operations: Counter<'operation' | 'type' | 'code'>;
  duration: Histogram<'operation' | 'type'>;
  errors: Counter<'operation' | 'code'>;
  cost: Counter<'tenant'>;
  /** Operation names as labels, capped per process. */
  names: BoundedLabels;
}

/**
 * One server's metrics, in a registry of its own (never prom-client's global one), so tests and
 * several servers in one process do not clash. Labels are bounded: route patterns, capped
 * operation names, stable error codes, tenant and plugin ids. Values gathered from the platform
 * at scrape time are added by `platform-collectors.ts`.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly httpInFlight: Gauge;
  readonly graphql: GraphQLMetrics;
  readonly databasePing: Histogram;
  /** Failed exports of the trace exporter (counted while tracing is on; see trace-export-reports.ts). */
  readonly traceExportFailures: Counter;

  constructor({ defaultMetrics = true, operationNameCap = 200 } = {}) {
    const registers = [this.registry];
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'mosaic_http_requests_total', help: 'HTTP requests answered, by method, matched route pattern and status.',
      labelNames: ['method', 'route', 'status'], registers,
    });
    this.httpDuration = new Histogram({
      name: 'mosaic_http_request_duration_seconds', help: 'Time to answer an HTTP request (to the end of a streamed answer).',
      labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers,
    });
    this.httpInFlight = new Gauge({ name: 'mosaic_http_requests_in_flight', help: 'HTTP requests being answered now (open live streams included).', registers });
    this.graphql = {
      operations: new Counter({
        name: 'mosaic_graphql_operations_total',
        help: 'GraphQL operations, by operation name (capped; anonymous, other), type and code (OK, or the first error\'s code).',
        labelNames: ['operation', 'type', 'code'], registers,
      }),
      duration: new Histogram({
        name: 'mosaic_graphql_operation_duration_seconds', help: 'Time from a GraphQL request\'s arrival to its result (subscriptions: to their start).',
        labelNames: ['operation', 'type'], buckets: LATENCY_BUCKETS, registers,
      }),
      errors: new Counter({
        name: 'mosaic_graphql_errors_total', help: 'Errors in GraphQL results (and in each event of a subscription), by operation name and code.',
        labelNames: ['operation', 'code'], registers,
      }),
      cost: new Counter({
        name: 'mosaic_graphql_cost_points_total', help: 'Query cost points charged to each tenant\'s rate-limit budget.',
        labelNames: ['tenant'], registers,
      }),
      names: new BoundedLabels(operationNameCap),
    };
    this.databasePing = new Histogram({
      name: 'mosaic_database_ping_seconds', help: 'Round trip of a `select 1` on the control database, at each readiness check and scrape.',
      buckets: PING_BUCKETS, registers,
    });
    this.traceExportFailures = new Counter({
      name: 'mosaic_trace_export_failures_total',
      help: 'Batches of spans the OTLP exporter could not deliver (collector down, refusing or too slow); their spans are lost.',
      registers,
    });
    registerStatementDurations(this.registry);
  }
}
