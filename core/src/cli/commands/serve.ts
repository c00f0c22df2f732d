import { serverConfigFromEnv } from '../../config.js';
import { startServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform } from '../../platform.js';
import { bootstrapDemo } from '../demo.js';
import type { CliOptions } from '../main.js';

export async function serveCommand(_: string[], options: CliOptions): Promise<void> {
  const config = serverConfigFromEnv();
  const logger = createLogger();
  const platform = await openPlatform(config, logger);
  const demo = options['no-demo'] ? null : await bootstrapDemo(platform);
  const server = await startServer(platform);
  const lines = [
    '',
    `Mosaic is running at ${server.url}`,
    `  GraphQL API + GraphiQL  ${server.url}/graphql`,
    `  Health                  ${server.url}/healthz`,
  ];
  if (demo) {
    lines.push(
      '',
      `Demo tenant "${demo.tenant}" created with sample data. API keys (send as "Authorization: Bearer <key>"):`,
      `  admin       ${demo.keys.admin}`,
      `  agent       ${demo.keys.agent}`,
      `  integrator  ${demo.keys.integrator}`,
    );
    if (config.database.kind === 'embedded') lines.push(`  (also saved in ${config.database.dataDir}/demo-credentials.json)`);
  }
  process.stderr.write(`${lines.join('\n')}\n\n`);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await server.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
