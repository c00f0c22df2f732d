import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from './build.js';
import { ManifestError, parseManifest, type PluginManifest } from './manifest.js';
import { HarnessError } from './test-errors.js';

/** A plugin project directory (built afresh), a built output directory, or a build's result. */
export type PluginSource = string | URL | { code: string; manifest: unknown };

export interface LoadedPlugin {
  manifest: PluginManifest;
  /** The bundle exactly as built, as the registry would receive it. */
  code: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The built bundle and its manifest. A project directory is built with `buildPlugin` into a
 * temporary directory, so a test never runs a stale dist/.
 */
export async function loadPlugin(source: PluginSource): Promise<LoadedPlugin> {
  if (typeof source === 'object' && !(source instanceof URL)) return checked(source.code, source.manifest, 'the given build');
  const dir = resolve(source instanceof URL ? fileURLToPath(source) : source);
  if (existsSync(join(dir, 'manifest.json'))) {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { bundle?: { file?: unknown } };
    const file = typeof manifest.bundle?.file === 'string' ? manifest.bundle.file : 'plugin.js';
    return checked(await readFile(join(dir, file), 'utf8'), manifest, dir);
  }
  if (!existsSync(join(dir, 'package.json'))) {
    throw new HarnessError(`${dir} is neither a plugin project (no package.json) nor a built plugin (no manifest.json)`);
  }
  const out = await mkdtemp(join(tmpdir(), 'mosaic-harness-'));
  try {
    const built = await buildPlugin(dir, { outDir: out });
    return { manifest: built.manifest, code: built.code };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function checked(code: string, manifest: unknown, where: string): LoadedPlugin {
  let parsed: PluginManifest;
  try {
    parsed = parseManifest(manifest);
  } catch (error) {
    if (error instanceof ManifestError) throw new HarnessError(`${where}: ${error.message}`);
    throw error;
  }
  // The registry refuses a bundle its manifest does not describe; so does the harness.
  if (sha256(code) !== parsed.bundle.sha256) throw new HarnessError(`${where}: the bundle does not match its manifest's sha256; rebuild the plugin`);
  return { manifest: parsed, code };
}
