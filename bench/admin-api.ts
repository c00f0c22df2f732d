/**
 * The admin GraphQL API of a bench fixture's server, used the way an ISV's tooling would use it:
 * fixture plugins are built with the real SDK build, published and installed through it.
 */
// Not part of core's public face; bench is private tooling, so it reaches into core's source.
import { buildFixture } from '../core/src/plugins/testing/build-fixture.js';

/** Runs one admin query as `apiKey`; throws with the answer on any HTTP or GraphQL error. */
export async function adminGql(graphqlUrl: string, apiKey: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
  if (!res.ok || body.errors) throw new Error(`${query.slice(0, 60)}…: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

/** What to build, publish and install: a fixture of core/src/plugins/testing/fixtures. */
export interface FixtureInstall {
  fixture: string;
  pluginId: string;
  version: string;
  grantScopes: string[];
  /** Changes the fixture's source before it is built (see buildFixture). */
  edit?: Parameters<typeof buildFixture>[2];
}

/** Builds the fixture, publishes it signed by `publisher` and installs it in the key's tenant; answers the installation's global id. */
export async function publishAndInstall(
  graphqlUrl: string, apiKey: string, publisher: { id: string; privateKeyPem: string }, plugin: FixtureInstall,
): Promise<string> {
  const built = await buildFixture(plugin.fixture, plugin.version, plugin.edit);
  await adminGql(graphqlUrl, apiKey, 'mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { version } } }', {
    i: { publisherId: publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(publisher.privateKeyPem) },
  });
  const installed = await adminGql(graphqlUrl, apiKey, 'mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }', {
    i: { pluginId: plugin.pluginId, version: plugin.version, grantScopes: plugin.grantScopes },
  });
  return installed.installPlugin.installation.id as string;
}
