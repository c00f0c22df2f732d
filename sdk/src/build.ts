/**
 * @mosaic/sdk/build — turns a plugin project into what the registry accepts: one script and a
 * manifest.json that describes it. Node-side; plugin code never imports it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PluginBuildError } from './build-error.js';
import { bundlePlugin } from './bundle.js';
import { extractPlugin } from './extract.js';
import { ManifestError, parseManifest, type PluginManifest } from './manifest.js';
import { checkManifestInputs } from './input-rules.js';
import { checkPluginSdl } from './sdl.js';

export { PluginBuildError } from './build-error.js';
export { scaffoldPlugin } from './scaffold.js';

export interface BuildOptions {
  /** Relative to the plugin's directory. */
  outDir?: string;
}

export interface BuildResult {
  pluginFile: string;
  manifestFile: string;
  /** The bundle's text, exactly as written to pluginFile. */
  code: string;
  manifest: PluginManifest;
  /** What builds but deserves the author's attention, one line each. */
  warnings: string[];
}

const BUNDLE_FILE = 'plugin.js';

/** Bundles, loads and checks the plugin in `dir`, then writes plugin.js and manifest.json. */
export async function buildPlugin(dir: string, { outDir = 'dist' }: BuildOptions = {}): Promise<BuildResult> {
  const root = resolve(dir);
  const code = await bundlePlugin(root, resolve(root, await entryOf(root)));
  const bytes = Buffer.from(code, 'utf8');
  const extracted = extractPlugin(code);
  const manifest = validate({
    ...extracted.manifest,
    schema: extracted.schema,
    configSchema: extracted.configSchema,
    inputs: extracted.inputs,
    widgetInputs: extracted.widgetInputs,
    bundle: { file: BUNDLE_FILE, sha256: createHash('sha256').update(bytes).digest('hex') },
  });
  const sdlProblems = checkPluginSdl(manifest.schema, manifest.id, manifest.resolvers);
  if (sdlProblems.length) throw new PluginBuildError(sdlProblems);
  const { problems: inputProblems, warnings } = checkManifestInputs(manifest);
  if (inputProblems.length) throw new PluginBuildError(inputProblems);

  const out = resolve(root, outDir);
  const pluginFile = join(out, BUNDLE_FILE);
  const manifestFile = join(out, 'manifest.json');
  await mkdir(out, { recursive: true });
  await writeFile(pluginFile, bytes);
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { pluginFile, manifestFile, code, manifest, warnings };
}

/** `mosaic.entry`, else `main`, else src/index.ts, from the plugin's package.json. */
async function entryOf(root: string): Promise<string> {
  const pkg = await readFile(join(root, 'package.json'), 'utf8').then(JSON.parse, () => ({})) as {
    main?: string;
    mosaic?: { entry?: string };
  };
  return pkg.mosaic?.entry ?? pkg.main ?? 'src/index.ts';
}

function validate(manifest: unknown): PluginManifest {
  try {
    return parseManifest(manifest);
  } catch (err) {
    throw err instanceof ManifestError ? new PluginBuildError(err.issues) : err;
  }
}
