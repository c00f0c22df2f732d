#!/usr/bin/env node
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin, PluginBuildError, scaffoldPlugin } from './build.js';
import { publishPlugin, PublishError } from './publish.js';

const USAGE = `usage: mosaic-plugin <command>

  build [dir] [--out-dir dist]    bundle the plugin in dir (default .) into dist/plugin.js + manifest.json
  init <dir> <publisher.name>     write a new plugin project into dir
  publish [dir] --server <url> --publisher <publisher id> [--key-file pem] [--out-dir dist] [--json]
                                  sign the build in dir and publish it to a running server
                                  (MOSAIC_API_KEY: an admin API key of a tenant on it)`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'out-dir': { type: 'string', default: 'dist' },
      server: { type: 'string' },
      publisher: { type: 'string' },
      'key-file': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) return void console.log(USAGE);
  if (command === 'build') {
    const { pluginFile, code, manifest, warnings } = await buildPlugin(rest[0] ?? '.', { outDir: values['out-dir'] });
    for (const warning of warnings) console.warn(`warning: ${warning}`);
    const size = (Buffer.byteLength(code) / 1024).toFixed(1);
    console.log(`built ${manifest.id}@${manifest.version} → ${relative(process.cwd(), pluginFile)} (${size} KiB, sha256 ${manifest.bundle.sha256.slice(0, 12)}…)`);
  } else if (command === 'init' && rest.length === 2) {
    const [dir = '', id = ''] = rest;
    const files = await scaffoldPlugin(dir, id);
    // Until the SDK is on a registry, `npm install` in the project needs the two tarballs named.
    console.log(`created ${id} in ${dir}: ${files.join(', ')}\nnext: cd ${dir} && npm install && npm test && npm run build`
      + ' (installing from packed tarballs: npm install <mosaic-sandbox.tgz> <mosaic-sdk.tgz>, see the SDK\'s README)');
  } else if (command === 'publish' && rest.length <= 1) {
    const published = await publishPlugin({
      dir: rest[0] ?? '.', outDir: values['out-dir'], server: values.server, publisherId: values.publisher,
      keyFile: values['key-file'], apiKey: process.env.MOSAIC_API_KEY,
    });
    console.log(values.json
      ? JSON.stringify({ pluginId: published.pluginId, version: published.version })
      : `published ${published.pluginId}@${published.version} to ${published.endpoint}`);
  } else {
    throw new UsageError();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) console.error(USAGE);
  // One coded line, like the mosaic CLI's: `mosaic-plugin: CODE: reason`.
  else if (err instanceof PublishError) console.error(`mosaic-plugin: ${err.code}: ${err.message}`);
  else console.error(err instanceof PluginBuildError ? err.message : String(err));
  process.exitCode = err instanceof PublishError && err.code === 'BAD_USER_INPUT' ? 2 : 1;
});
