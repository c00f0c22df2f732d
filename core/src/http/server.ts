import { serve, type ServerType } from '@hono/node-server';
import { SubscriptionSlots } from '../graphql/subscriptions/index.js';
import { createGraphQLServer } from '../graphql/yoga.js';
import { startSlaSweeps } from '../domain/sla/index.js';
import type { Platform } from '../platform.js';
import { createApp } from './app.js';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server on the configured host and port (port 0 picks a free one). */
export async function startServer(platform: Platform, overrides: { port?: number; host?: string } = {}): Promise<RunningServer> {
  // One count of open live streams: GraphQL subscriptions and the console's live pages.
  const subscriptionSlots = new SubscriptionSlots(platform.config.limits);
  const yoga = createGraphQLServer(platform.config, platform.logger, platform.plugins, subscriptionSlots);
  const app = createApp(platform, yoga, subscriptionSlots);
  const host = overrides.host ?? platform.config.host;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: overrides.port ?? platform.config.port, hostname: host }, () => {
      s.off('error', reject);
      resolve(s);
    });
    // e.g. EADDRINUSE when another process took the port after the CLI checked it.
    s.once('error', reject);
  });
  // This process serves requests, so it also delivers their events to plugins.
  platform.plugins.events.start();
  // And sweeps SLA clocks; another process sweeping too announces nothing twice.
  const slaSweeps = startSlaSweeps({ control: platform.control.db, tenants: platform.tenants, logger: platform.logger });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      await slaSweeps.stop();
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      // Open subscriptions end (their streams complete), or their connections would hold the close;
      // close() drops only the keep-alive connections idle when it is called, so sweep until done.
      await yoga.dispose();
      const sweep = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 20);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
      }
    },
  };
}
