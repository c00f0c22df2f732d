#!/usr/bin/env node
// `npm start`: the whole mash-up demo in one command. Starts the simulated outside services (carriers,
// geocoder), runs `mosaic serve` as a child process with the development host mapping that lets
// plugins reach them, then brings every first-party plugin in plugins/* to the demo tenant through
// the public path (SDK build, publisher signature, publishPluginVersion and installPlugin over HTTP).
// Core knows nothing of the examples or the plugins; everything demo-specific lives in this folder.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { firstPartyPlugins, installDemoPlugins } from './install-plugins.mjs';
import { DemoError, SIMULATED_HOSTS, startSimulators } from './simulators.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MOSAIC = join(ROOT, 'core', 'bin', 'mosaic.js');
const PUBLISHER = 'mosaic';
const say = (line) => process.stderr.write(`${line}\n`);
const note = (line) => say(`demo: ${line}`);

async function main(args) {
  const env = process.env;
  const simulators = await startSimulators(env);
  // The demo's mail (password reset links) is read on the development mailbox page.
  const childEnv = { ...env, MOSAIC_EGRESS_DEV_HOSTS: env.MOSAIC_EGRESS_DEV_HOSTS ?? simulators.devHosts, MOSAIC_DEV_MAILBOX: env.MOSAIC_DEV_MAILBOX ?? '1' };
  // Its own process group, so a terminal's Ctrl-C reaches the server once, forwarded from here,
  // instead of twice (the second would cut its shutdown short).
  const server = spawn(process.execPath, [MOSAIC, 'serve', ...args], { env: childEnv, stdio: 'inherit', detached: true });
  let stopping = false;
  const exited = new Promise((resolveExit) => server.once('exit', (code, signal) => resolveExit(code ?? (signal ? 1 : 0))));
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    server.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal === 'SIGHUP' ? 'SIGTERM' : signal));
  process.once('exit', () => server.exitCode === null && server.signalCode === null && server.kill('SIGTERM'));

  const serverUrl = `http://${loopbackFor(env.HOST ?? '127.0.0.1')}:${env.PORT || 4000}`;
  const up = await Promise.race([healthy(serverUrl), exited.then(() => false)]);
  if (up && !stopping) {
    say([
      `Simulated outside services (plugins reach them as ${Object.values(SIMULATED_HOSTS).join(', ')}):`,
      `  carriers  ${simulators.carrier.url}   (Parcelly, ShipFast; admin API /admin/*)`,
      `  geocoder  ${simulators.geocoder.url}`,
    ].join('\n'));
    if (!args.includes('--no-demo')) await demoPlugins({ env, serverUrl, simulators }).catch((e) => note(`plugins not installed: ${e.code ? `${e.code}: ` : ''}${e.message}`));
  }
  const code = await exited;
  await simulators.close();
  process.exit(stopping ? 0 : code);
}

/** Publishes and installs the first-party plugins on the demo tenant the bootstrap made. */
async function demoPlugins({ env, serverUrl, simulators }) {
  if (firstPartyPlugins(join(ROOT, 'plugins')).length === 0) {
    say('Plugins on the demo tenant: none (no package in plugins/ declares a plugin entry)\n');
    return;
  }
  if (env.MOSAIC_DATABASE_URL) {
    note('first-party plugins are installed on the demo in embedded mode only (its admin key is kept in the data folder)');
    return;
  }
  const dataDir = resolve(env.MOSAIC_DATA_DIR || 'data');
  const credentialsFile = join(dataDir, 'demo-credentials.json');
  // No file: the platform had other tenants, so there is no demo tenant to add plugins to.
  if (!existsSync(credentialsFile)) return;
  const { keys, signIns } = JSON.parse(readFileSync(credentialsFile, 'utf8'));
  const publisher = await demoPublisher(dataDir, env);
  const installed = await installDemoPlugins({
    pluginsDir: join(ROOT, 'plugins'),
    serverUrl,
    apiKey: keys.admin,
    publisher,
    simulators,
    stateFile: join(dataDir, 'demo-plugins.json'),
    portalCustomerEmail: signIns?.customer?.email ?? null,
    log: note,
  });
  say(`Plugins on the demo tenant: ${installed.length ? installed.join(', ') : 'none'}\n`);
}

/**
 * The `mosaic` publisher, made once with `mosaic publisher create` (its private key in the data
 * folder, beside the demo's other local secrets) and remembered in demo-publisher.json.
 */
async function demoPublisher(dataDir, env) {
  const file = join(dataDir, 'demo-publisher.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const keyFile = join(dataDir, 'keys', `${PUBLISHER}.publisher-key.pem`);
  if (existsSync(keyFile)) {
    throw new DemoError('PUBLISHER_UNKNOWN', `${keyFile} exists but ${file} does not; remove the key file (or the data folder) to make the demo publisher again`);
  }
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const { stdout } = await promisify(execFile)(process.execPath, [MOSAIC, 'publisher', 'create', PUBLISHER, '--name', 'Mosaic', '--key-file', keyFile, '--json'], { env });
  const { id, handle } = JSON.parse(stdout);
  const publisher = { id, handle, keyFile };
  writeFileSync(file, `${JSON.stringify(publisher, null, 2)}\n`, { mode: 0o600 });
  return publisher;
}

/** A server listening on every address is reached on loopback. */
const loopbackFor = (host) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

async function healthy(url) {
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

main(process.argv.slice(2)).catch((e) => {
  say(`mosaic demo: ${e.code ?? 'FAILED'}: ${e.message}`);
  process.exit(1);
});
