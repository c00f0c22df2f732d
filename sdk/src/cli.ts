#!/usr/bin/env node
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin, PluginBuildError, scaffoldPlugin } from './build.js';

const USAGE = `usage: mosaic-plugin <command>

  build [dir] [--out-dir dist]    bundle the plugin in dir (default .) into dist/plugin.js + manifest.json
  init <dir> <publisher.name>     write a new plugin project into dir`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'out-dir': { type: 'string', default: 'dist' }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) return void console.log(USAGE);
  if (command === 'build') {
    const { pluginFile, code, manifest } = await buildPlugin(rest[0] ?? '.', { outDir: values['out-dir'] });
    const size = (Buffer.byteLength(code) / 1024).toFixed(1);
    console.log(`built ${manifest.id}@${manifest.version} → ${relative(process.cwd(), pluginFile)} (${size} KiB, sha256 ${manifest.bundle.sha256.slice(0, 12)}…)`);
  } else if (command === 'init' && rest.length === 2) {
    const [dir = '', id = ''] = rest;
    const files = await scaffoldPlugin(dir, id);
    console.log(`created ${id} in ${dir}: ${files.join(', ')}\nnext: cd ${dir} && npm install && npm test && npm run build`);
  } else {
    throw new UsageError();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) console.error(USAGE);
  else console.error(err instanceof PluginBuildError ? err.message : String(err));
  process.exitCode = 1;
});
