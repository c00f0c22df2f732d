import { BackupError, markServing } from '../../backup/index.js';
import { serverConfigFromEnv } from '../../config.js';
import { listen, type RunningServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';
import { bootstrapDemo, type DemoBootstrap, type DemoSignIns } from '../demo.js';
import type { CliOptions } from '../main.js';
import { CliError } from '../output.js';
import { assertPortFree } from '../port-check.js';

export async function serveCommand(_: string[], options: CliOptions): Promise<void> {
  const config = serverConfigFromEnv();
  await assertPortFree(config.host, config.port);
  // `mosaic restore` refuses a data folder with a live mark: swapping files under a server corrupts them.
  if (config.database.kind === 'embedded') {
    try {
      markServing(config.database.dataDir);
    } catch (err) {
      if (err instanceof BackupError) throw new CliError(err.code, err.message);
      throw err;
    }
  }
  const logger = createLogger();
  const devHosts = config.plugins.egress.devHosts ?? {};
  if (Object.keys(devHosts).length > 0) {
    logger.warn({ devHosts }, 'MOSAIC_EGRESS_DEV_HOSTS is set: plugins reach these hosts on loopback instead of through DNS (local development only)');
  }
  // Listening before the databases open and migrate: /livez answers, /readyz says `starting`.
  const starting = await listen(config);
  let platform: Platform | undefined;
  let server: RunningServer | undefined;
  let stopping = false;
  // The first signal drains (MOSAIC_DRAIN_TIMEOUT_MS at most); a second one exits at once.
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
      process.exit(signalExitCode(signal));
    }
    stopping = true;
    // Still migrating or seeding: nothing is served yet, so stop as the signal alone would
    // (migrations run in transactions; an unfinished demo is finished by the next start).
    if (!server || !platform) process.exit(signalExitCode(signal));
    logger.info({ signal, drainTimeoutMs: config.ops.drainTimeoutMs }, 'shutting down: draining requests');
    try {
      await server.close();
      await platform.close();
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
  platform = await openPlatform(config, logger);
  const demo = options['no-demo'] ? null : await bootstrapDemo(platform);
  server = await starting.attach(platform);
  const lines = [
    '',
    `Mosaic is running at ${server.url}`,
    `  GraphQL API + GraphiQL  ${server.url}/graphql`,
    `  Health                  ${server.url}/livez  ${server.url}/readyz  (and ${server.url}/healthz)`,
    `  Metrics (Prometheus)    ${server.url}/metrics  (loopback, or with MOSAIC_METRICS_TOKEN)`,
    `  Web home                ${server.url}/`,
    ...(demo ? demoLines(demo, server.url, platform.config.web.devMailbox) : []),
  ];
  process.stderr.write(`${lines.join('\n')}\n\n`);
}

/** How a shell reports a process ended by the signal: 128 + its number. */
const signalExitCode = (signal: NodeJS.Signals) => 128 + (signal === 'SIGINT' ? 2 : 15);

function demoLines(demo: DemoBootstrap, url: string, devMailbox: boolean): string[] {
  const saved = demo.credentialsFile ? [`  (also saved in ${demo.credentialsFile})`] : [];
  const slug = demo.status === 'ready' ? demo.tenant : demo.credentials.tenant;
  const web = [
    'Its web pages:',
    `  customer portal  ${url}/t/${slug}/portal`,
    `  agent console    ${url}/t/${slug}/console`,
    `  tenant admin     ${url}/t/${slug}/admin`,
    ...(devMailbox ? [`  its mail         ${url}/t/${slug}/mailbox   (development mailbox: password reset links)`] : []),
  ];
  if (demo.status === 'ready') {
    const where = demo.credentialsFile
      ? `Demo tenant "${demo.tenant}": its API keys and sign-ins are in ${demo.credentialsFile}`
      : `Demo tenant "${demo.tenant}": its API keys and sign-ins were printed when it was created`;
    return ['', where, ...web, ...(demo.signIns ? signInLines(demo.signIns) : [])];
  }
  const what = demo.status === 'created' ? 'created with sample data' : 'finished (an earlier start was interrupted; earlier keys revoked)';
  return [
    '',
    `Demo tenant "${demo.credentials.tenant}" ${what}. API keys (send as "Authorization: Bearer <key>"):`,
    `  admin       ${demo.credentials.keys.admin}`,
    `  agent       ${demo.credentials.keys.agent}`,
    `  integrator  ${demo.credentials.keys.integrator}`,
    ...saved,
    ...web,
    ...signInLines(demo.credentials.signIns),
  ];
}

function signInLines(signIns: DemoSignIns): string[] {
  return [
    'Sign in with (email / password):',
    `  portal customer  ${signIns.customer.email} / ${signIns.customer.password}`,
    `  console agent    ${signIns.agent.email} / ${signIns.agent.password}`,
    `  admin            ${signIns.admin.email} / ${signIns.admin.password}`,
  ];
}
