import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildPlugin, type BuildResult } from '@mosaic/sdk/build';
import type { Platform } from '@mosaic/core';
import { createPublisher } from '../../core/src/plugins/registry/index.js';
import { signVersion, signingPayload } from '../../core/src/plugins/registry/signing.js';
import type { Client } from './harness.js';

/**
 * The public path for a plugin package, in one step: build it into `outDir`, register the
 * publisher `handle`, sign the built files with its key and publish them over GraphQL as
 * `client` (an admin key). Throws with the server's errors when the version is refused.
 */
export async function publishBuiltPlugin(platform: Platform, client: Client, pluginDir: string, outDir: string, handle: string): Promise<BuildResult> {
  const [built] = await publishBuiltPlugins(platform, client, [pluginDir], outDir, handle);
  return built!;
}

/**
 * The same for several packages of one publisher (a handle is registered once): each is built
 * into a folder of its own under `outDir`, then signed and published in the order given.
 */
export async function publishBuiltPlugins(platform: Platform, client: Client, pluginDirs: readonly string[], outDir: string, handle: string): Promise<BuildResult[]> {
  const { publisher, privateKeyPem } = await createPublisher(platform.control.db, { handle });
  const results: BuildResult[] = [];
  for (const pluginDir of pluginDirs) {
    const built = await buildPlugin(pluginDir, { outDir: pluginDirs.length > 1 ? join(outDir, basename(pluginDir)) : outDir });
    const manifest = readFileSync(built.manifestFile, 'utf8');
    const bundle = readFileSync(built.pluginFile, 'utf8');
    const signature = signVersion(privateKeyPem, signingPayload({ pluginId: built.manifest.id, version: built.manifest.version, manifest, bundle }));
    const published = await client.gql(`mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { pluginId } } }`,
      { i: { publisherId: publisher.id, manifest, bundle, signature } });
    if (published.errors) throw new Error(`publishing ${built.manifest.id} failed: ${JSON.stringify(published.errors)}`);
    results.push(built);
  }
  return results;
}
