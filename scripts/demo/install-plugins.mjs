// The first-party plugins reach the demo tenant the way a third party's would: built with the SDK,
// signed with the `mosaic` publisher's key, published and installed over the server's GraphQL API.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlugin } from '@mosaic/sdk/build';
import { publishPlugin } from '@mosaic/sdk/publish';
import { DEMO_PLUGINS } from './plugins.mjs';

/**
 * Every package in plugins/* that declares a plugin entry (`"mosaic": { "entry" }`) which exists;
 * a package whose entry is not written yet is left out (and named through `log`).
 */
export function firstPartyPlugins(pluginsDir, log = () => {}) {
  if (!existsSync(pluginsDir)) return [];
  return readdirSync(pluginsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(pluginsDir, d.name))
    .filter((dir) => {
      const file = join(dir, 'package.json');
      const entry = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).mosaic?.entry : undefined;
      if (typeof entry !== 'string') return false;
      if (!existsSync(join(dir, entry))) log(`${dir}: its plugin entry ${entry} does not exist yet; left out`);
      return existsSync(join(dir, entry));
    })
    .sort();
}

/** A GraphQL client for the demo tenant's admin key; a response with errors throws its first one. */
export function adminClient(serverUrl, apiKey) {
  return async (query, variables = {}) => {
    const res = await fetch(`${serverUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors?.length) {
      const [first] = body.errors;
      throw Object.assign(new Error(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`), { code: first.extensions?.code });
    }
    return body.data;
  };
}

const INSTALLATIONS = `{ pluginInstallations { pluginId version status webhookPaths } }`;
const MARKETPLACE = `{ marketplace { pluginId versions } }`;
const UPGRADE = `mutation Upgrade($input: UpgradePluginInput!) { upgradePlugin(input: $input) { installation { pluginId version } } }`;
const INSTALL = `mutation Install($input: InstallPluginInput!) { installPlugin(input: $input) { installation { pluginId version } } }`;

/**
 * Builds, publishes and installs each plugin that is not yet, seeds once per plugin (a mark in
 * `stateFile`), then runs each plugin's per-start step. Every step looks before it acts, so a start
 * killed half way is finished by the next one and a whole demo is left as it is.
 */
export async function installDemoPlugins({ pluginsDir, serverUrl, apiKey, publisher, simulators, stateFile, portalCustomerEmail = null, log }) {
  const graphql = adminClient(serverUrl, apiKey);
  // seeded: what each plugin's seed made, by plugin id; present once it has run to the end.
  const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : { seeded: {} };
  const saveState = () => writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  const ready = [];
  for (const dir of firstPartyPlugins(pluginsDir, log)) {
    try {
      ready.push(await publishAndInstall({ dir, graphql, serverUrl, apiKey, publisher, simulators, log }));
    } catch (e) {
      log(`${dir}: ${e.code ? `${e.code}: ` : ''}${e.message}`);
    }
  }
  // Seeds run once every plugin is installed, so one plugin's seed can use another's fields.
  const { pluginInstallations } = await graphql(INSTALLATIONS);
  for (const pluginId of ready) {
    const demo = DEMO_PLUGINS[pluginId];
    const installation = pluginInstallations.find((i) => i.pluginId === pluginId && i.status === 'ACTIVE');
    if (!demo || !installation) continue;
    const ctx = { graphql, simulators, serverUrl, installation, portalCustomerEmail, log };
    try {
      await demo.onStart?.(ctx);
      if (demo.seed && !(pluginId in state.seeded)) {
        state.seeded[pluginId] = (await demo.seed(ctx)) ?? true;
        saveState();
      }
    } catch (e) {
      log(`${pluginId}: demo data: ${e.message}`);
    }
  }
  return pluginInstallations.filter((i) => i.status === 'ACTIVE').map((i) => `${i.pluginId}@${i.version}`);
}

async function publishAndInstall({ dir, graphql, serverUrl, apiKey, publisher, simulators, log }) {
  const manifestFile = join(dir, 'dist', 'manifest.json');
  const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const { marketplace } = await graphql(MARKETPLACE);
  const { pluginInstallations } = await graphql(INSTALLATIONS);
  // The built manifest says the plugin id; a plugin not built yet is built before anything else.
  let manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : undefined;
  const published = manifest && marketplace.find((p) => p.pluginId === manifest.id)?.versions.includes(manifest.version);
  if (!published || manifest.version !== version) {
    log(`building ${name}`);
    ({ manifest } = await buildPlugin(dir));
    if (!marketplace.find((p) => p.pluginId === manifest.id)?.versions.includes(manifest.version)) {
      await publishPlugin({ dir, server: serverUrl, apiKey, publisherId: publisher.id, keyFile: publisher.keyFile });
      log(`published ${manifest.id}@${manifest.version} as ${publisher.handle}`);
    }
  }
  const current = pluginInstallations.find((i) => i.pluginId === manifest.id && i.status === 'ACTIVE');
  if (current && current.version !== manifest.version) {
    // plugins/ moved on since the demo was made: the demo follows, granting what the version asks.
    await graphql(UPGRADE, { input: { pluginId: manifest.id, version: manifest.version, grantScopes: manifest.scopes, grantEgress: manifest.egress } });
    log(`upgraded ${manifest.id} from ${current.version} to ${manifest.version} on the demo tenant`);
  }
  if (current) return manifest.id;
  const demo = DEMO_PLUGINS[manifest.id];
  const declared = new Set(Object.keys(manifest.configSchema?.properties ?? {}));
  const config = Object.fromEntries(Object.entries(demo?.config(simulators) ?? {}).filter(([key]) => declared.has(key)));
  const secretValues = demo?.secrets(simulators, manifest) ?? {};
  const secrets = manifest.secrets.map((s) => s.name).filter((n) => secretValues[n] !== undefined).map((n) => ({ name: n, value: secretValues[n] }));
  const missing = manifest.secrets.map((s) => s.name).filter((n) => secretValues[n] === undefined);
  if (missing.length) log(`${manifest.id}: secret ${missing.join(', ')} left unset (the demo has no value for it)`);
  await graphql(INSTALL, {
    input: { pluginId: manifest.id, version: manifest.version, grantScopes: manifest.scopes, grantEgress: manifest.egress, config, secrets },
  });
  log(`installed ${manifest.id}@${manifest.version} on the demo tenant`);
  return manifest.id;
}
