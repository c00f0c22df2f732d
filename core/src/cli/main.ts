import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fail, UsageError } from './output.js';
import { apikeyCommand } from './commands/apikey.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { migrateCommand } from './commands/migrate.js';
import { pluginCommand } from './commands/plugin.js';
import { publisherCommand } from './commands/publisher.js';
import { schemaCommand } from './commands/schema.js';
import { seedCommand } from './commands/seed.js';
import { serveCommand } from './commands/serve.js';
import { tenantCommand } from './commands/tenant.js';

const USAGE = `usage: mosaic <command>

  serve                                   start the API (PORT, default 4000); seeds a demo tenant on first start
  migrate                                 bring the control plane and every tenant database up to date
  seed [--tenant slug] [--customers N] [--interactions-per-customer N] [--seed N]
  tenant create <slug> [--name text] [--json]
  tenant list [--json]
  apikey create --tenant <slug> --role admin|agent|integrator [--agent <agent id>] [--label text] [--json]
  apikey revoke <key-id> --tenant <slug> [--json]
  schema print --tenant <slug> [--out file]      the tenant's GraphQL schema (SDL, plugins included)
  publisher create <handle> [--name text] [--key-file path] [--json]
  plugin new <dir> [--id publisher.name]          scaffold a plugin project with a test
  plugin build <dir>                              bundle to dist/plugin.js + dist/manifest.json (+ sha256)
  plugin publish <dir> --publisher <handle|id> [--key-file pem] [--json]
  plugin list [--json]
  plugin install <plugin-id>[@range] --tenant <slug> [--grant-all | --grant-scope s --grant-egress h]
                 [--config k=v] [--secret k=v] [--json]
  plugin configure|upgrade|rollback|uninstall|purge|logs <plugin-id> --tenant <slug>
  backup <new folder> [--json]                    the control plane and every tenant database, while serving
  restore <backup folder> [--force] [--json]      verify, then restore all or nothing (server stopped)

Data: files under MOSAIC_DATA_DIR (default ./data), or a libsql server with MOSAIC_DATABASE_URL
and MOSAIC_DATABASE_ADMIN_URL.`;

const OPTIONS = {
  json: { type: 'boolean', default: false },
  tenant: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  label: { type: 'string' },
  agent: { type: 'string' },
  customers: { type: 'string' },
  'interactions-per-customer': { type: 'string' },
  seed: { type: 'string' },
  'no-demo': { type: 'boolean', default: false },
  'key-file': { type: 'string' },
  out: { type: 'string' },
  publisher: { type: 'string' },
  id: { type: 'string' },
  'grant-all': { type: 'boolean', default: false },
  'grant-scope': { type: 'string', multiple: true },
  'grant-egress': { type: 'string', multiple: true },
  config: { type: 'string', multiple: true },
  secret: { type: 'string', multiple: true },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

export type CliOptions = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const COMMANDS: Record<string, (args: string[], options: CliOptions) => Promise<void>> = {
  serve: serveCommand,
  migrate: migrateCommand,
  seed: seedCommand,
  tenant: tenantCommand,
  apikey: apikeyCommand,
  publisher: publisherCommand,
  plugin: pluginCommand,
  schema: schemaCommand,
  backup: backupCommand,
  restore: restoreCommand,
};

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}" (try mosaic --help)`);
  await run(rest, values);
}

main(process.argv.slice(2)).catch(fail);
