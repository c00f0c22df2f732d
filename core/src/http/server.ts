import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ServerConfig } from '../config.js';
import { SubscriptionSlots } from '../graphql/subscriptions/index.js';
import { createGraphQLServer } from '../graphql/yoga.js';
import { startSlaSweeps } from '../domain/sla/index.js';
import { liveEvents } from '../domain/live-events.js';
import { startLiveRelay } from '../domain/live-relay.js';
import { SharedCostBuckets } from '../lib/shared-cost-buckets.js';
import {
  createServerOps, drainConnections, exportFailureLog, registerPlatformCollectors, startingApp, startTracing, within, type ServerOps,
} from '../ops/index.js';
import type { Platform } from '../platform.js';
import type { AppEnv } from './authenticate.js';
import { createApp } from './app.js';

export interface RunningServer {
  url: string;
  port: number;
  /** Its metrics registry and readiness state. */
  ops: ServerOps;
  /**
   * Drains and stops: /readyz answers 503, no new connections are taken, open live streams
   * complete, the event dispatcher finishes the deliveries it is running and takes no more, and
   * requests in flight finish; connections still busy after `drainTimeoutMs` are cut.
   */
  close(): Promise<void>;
}

/** A server listening before its platform is open: it answers /livez, and /readyz with 503. */
export interface StartingServer {
  url: string;
  port: number;
  ops: ServerOps;
  /** Serves the platform from now on (the platform's databases are migrated by then). */
  attach(platform: Platform): Promise<RunningServer>;
  /** Stops a server that never got its platform. */
  close(): Promise<void>;
}

interface ListenOptions {
  port?: number;
  host?: string;
  /** How long close() waits for requests in flight (config `MOSAIC_DRAIN_TIMEOUT_MS` otherwise). */
  drainTimeoutMs?: number;
}

/**
 * Starts listening at once, so orchestrators see the process alive (/livez) but not ready
 * (/readyz 503 `starting`) while the platform opens and migrates its databases; anything else
 * answers 503 SERVICE_UNAVAILABLE until `attach`.
 */
export async function listen(config: ServerConfig, options: ListenOptions = {}): Promise<StartingServer> {
  const ops = createServerOps();
  // Before the platform opens, so its databases' statements are traced from the first one.
  const tracing = startTracing(config.ops.tracing);
  let handler: Hono<AppEnv> = startingApp(ops.readiness);
  const host = options.host ?? config.host;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: (request, env) => handler.fetch(request, env), port: options.port ?? config.port, hostname: host }, () => {
      s.off('error', reject);
      resolve(s);
    });
    // e.g. EADDRINUSE when another process took the port after the CLI checked it.
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${host}:${port}`;
  const drainTimeoutMs = options.drainTimeoutMs ?? config.ops.drainTimeoutMs;
  return {
    url,
    port,
    ops,
    close: async () => {
      ops.readiness.draining();
      await drainConnections(server, drainTimeoutMs);
      await tracing?.shutdown();
    },
    attach: async (platform) => {
      // One count of open live streams: GraphQL subscriptions and the console's live pages.
      const subscriptionSlots = new SubscriptionSlots(platform.config.limits);
      // Several nodes share the tenants' cost budgets and live updates through the control database.
      const { severalNodes, limits } = platform.config;
      const costBudgets = severalNodes ? new SharedCostBuckets(platform.control.client, limits.costPerMinute) : undefined;
      const relay = severalNodes ? await startLiveRelay({ control: platform.control.client, bus: liveEvents, logger: platform.logger }) : undefined;
      const yoga = createGraphQLServer(platform.config, platform.logger, platform.plugins, subscriptionSlots, ops.metrics.graphql, costBudgets);
      registerPlatformCollectors(ops.metrics.registry, platform);
      // Spans come from requests, so from here on: a collector that fails is logged and counted.
      tracing?.onExport(exportFailureLog(platform.logger, ops.metrics.traceExportFailures));
      handler = createApp(platform, yoga, subscriptionSlots, ops);
      // This process serves requests, so it also delivers their events to plugins.
      platform.plugins.events.start();
      // And sweeps SLA clocks; another process sweeping too announces nothing twice.
      const slaSweeps = startSlaSweeps({ control: platform.control.db, tenants: platform.tenants, logger: platform.logger });
      ops.readiness.ready(platform.control.db);
      let closing: Promise<void> | undefined;
      const drain = async () => {
        ops.readiness.draining();
        const started = Date.now();
        const connections = drainConnections(server, drainTimeoutMs);
        // Open subscriptions and live pages end (their streams complete), or they would hold the drain.
        await yoga.dispose();
        // Deliveries running finish within the drain; one still running after it stays leased and
        // is claimed again once its lease expires (here on restart, or by another process).
        const left = Math.max(0, drainTimeoutMs - (Date.now() - started));
        await Promise.all([within(platform.plugins.events.stop(), left), within(slaSweeps.stop(), left), relay && within(relay.stop(), left)]);
        if (!(await connections)) {
          platform.logger.warn({ drainTimeoutMs }, 'requests still running when the drain timed out; their connections were cut');
        }
        // What the last requests traced is exported before the process ends.
        await tracing?.shutdown();
      };
      return { url, port, ops, close: () => (closing ??= drain()) };
    },
  };
}

/** Starts the HTTP server on the configured host and port (port 0 picks a free one), ready at once. */
export async function startServer(platform: Platform, overrides: ListenOptions = {}): Promise<RunningServer> {
  const starting = await listen(platform.config, overrides);
  return starting.attach(platform);
}
