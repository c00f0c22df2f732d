import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { PluginBuildError } from './build-error.js';

// The SDK runtime sits beside this module both in src/ (index.ts) and in dist/ (index.js).
const SDK_RUNTIME_DIR = dirname(fileURLToPath(import.meta.url));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const BUILTIN = new RegExp(`^(?:node:.*|(?:${builtinModules.map(escape).join('|')})(?:/.*)?)$`);

/** The sandbox has no Node APIs and offers only the SDK's runtime entry, so both end the build here. */
const sandboxImports: esbuild.Plugin = {
  name: 'mosaic-sandbox-imports',
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) => ({
      errors: [{
        text: `plugin code cannot import the Node builtin "${args.path}": plugins run in an isolate without `
          + 'Node APIs (use ctx.fetch, ctx.storage and ctx.log instead)',
      }],
    }));
    build.onResolve({ filter: /^@mosaic\/sdk(?:\/.*)?$/ }, async (args) => {
      if (args.path !== '@mosaic/sdk') {
        return { errors: [{ text: `plugin code can import "@mosaic/sdk" but not "${args.path}", which is for Node-side tools and tests` }] };
      }
      // The build's own runtime, so the bundle always matches the manifest this build writes.
      return build.resolve('./index', { kind: args.kind, resolveDir: SDK_RUNTIME_DIR });
    });
  },
};

/**
 * Bundles a plugin into one classic script for the isolate: no module system, no `require`, and
 * a final statement that hands the plugin's default export to the sandbox as a global.
 */
export async function bundlePlugin(root: string, entry: string): Promise<string> {
  const entryImport = JSON.stringify(entry);
  try {
    const result = await esbuild.build({
      stdin: {
        contents: `import plugin from ${entryImport};\nglobalThis.mosaicPlugin = plugin;\n`,
        resolveDir: root,
        sourcefile: 'mosaic-plugin-entry.js',
      },
      absWorkingDir: root,
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      define: { 'process.env.NODE_ENV': '"production"' },
      charset: 'utf8',
      logLevel: 'silent',
      plugins: [sandboxImports],
    });
    return result.outputFiles[0]?.text ?? '';
  } catch (err) {
    const messages = (err as Partial<esbuild.BuildFailure>).errors;
    if (!messages) throw err;
    throw new PluginBuildError(messages.map(describe));
  }
}

// Locations are relative to absWorkingDir, the plugin's directory.
function describe(message: esbuild.Message): string {
  const at = message.location;
  return at ? `${at.file}:${at.line}:${at.column + 1}: ${message.text}` : message.text;
}
