import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { buildPlugin, PluginBuildError, scaffoldPlugin } from '@mosaic/sdk/build';
import { pluginLogs } from '../../db/control-schema.js';
import {
  configurePlugin, installPlugin, purgePluginData, rollbackPlugin, uninstallPlugin, upgradePlugin, type Installation,
} from '../../plugins/installer/index.js';
import {
  listCatalog, loadVersion, publishVersion, requirePublisherByRef, resolveVersion, signVersion, signingPayload,
} from '../../plugins/registry/index.js';
import type { Platform } from '../../platform.js';
import { requireTenantBySlug } from '../../tenancy/tenants.js';
import type { CliOptions } from '../main.js';
import { CliError, print, UsageError } from '../output.js';
import { defaultPublisherKeyFile } from '../publisher-keys.js';
import { withPlatform } from './context.js';
import { keyValues, pluginRef } from './plugin-values.js';

type Handler = (args: string[], options: CliOptions) => Promise<void>;

const installationView = (i: Installation) => ({
  id: i.id, pluginId: i.pluginId, version: i.version, previousVersion: i.previousVersion, status: i.status,
  grantedScopes: i.grantedScopes, grantedEgress: i.grantedEgress, config: i.config,
});

/** Runs an installer operation as the CLI operator for the tenant named by --tenant. */
async function forTenant<T>(options: CliOptions, fn: (p: Platform, who: { tenantId: string; actor: string }) => Promise<T>): Promise<T> {
  if (!options.tenant) throw new UsageError('--tenant <slug> is required');
  const slug = options.tenant;
  return withPlatform(async (p) => fn(p, { tenantId: (await requireTenantBySlug(p.control.db, slug)).id, actor: 'cli' }));
}

/** With --grant-all, everything the version asks for; otherwise what --grant-scope/--grant-egress name. */
async function grantsFor(p: Platform, options: CliOptions, pluginId: string, range: string) {
  if (!options['grant-all']) return { grantScopes: options['grant-scope'] ?? [], grantEgress: options['grant-egress'] ?? [] };
  const version = await resolveVersion(p.control.db, pluginId, range);
  const { manifest } = await loadVersion(p.control.db, pluginId, version);
  return { grantScopes: [...manifest.scopes], grantEgress: [...manifest.egress] };
}

const printInstallation = (options: CliOptions, verb: string) => (i: Installation) =>
  print(options.json, { installation: installationView(i) }, `${verb} ${i.pluginId}@${i.version} (${i.status})`);

/**
 * What to run next in a new plugin project: inside this repository's workspaces the SDK is
 * already there; anywhere else the project installs it first (see the SDK's README).
 */
function nextSteps(dir: string): string {
  try {
    createRequire(join(resolve(dir), 'package.json')).resolve('@mosaic/sdk/package.json');
    return `npx mosaic plugin build ${dir} (its test: cd ${dir} && npx vitest run)`;
  } catch {
    return `cd ${dir} && npm install && npm test && npm run build (@mosaic/sdk not on a registry yet? install its packed tarballs as the SDK's README says)`;
  }
}

/** A file of the plugin's build output, or a usage error saying to build first. */
function readBuilt(dir: string, file: string): string {
  const path = join(dir, 'dist', file);
  if (!existsSync(path)) throw new UsageError(`${path} does not exist; run mosaic plugin build ${dir} first`);
  return readFileSync(path, 'utf8');
}

const handlers: Record<string, Handler> = {
  async new([dir], options) {
    if (!dir) throw new UsageError('usage: mosaic plugin new <dir> [--id publisher.name]');
    const id = options.id ?? `example.${basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
    const files = await scaffoldPlugin(dir, id);
    print(options.json, { dir: resolve(dir), id, files },
      `created plugin ${id} in ${dir}: ${files.join(', ')}\nnext: ${nextSteps(dir)}`);
  },
  async build([dir], options) {
    if (!dir) throw new UsageError('usage: mosaic plugin build <dir>');
    const built = await buildPlugin(dir).catch((err: unknown) => {
      if (!(err instanceof PluginBuildError)) throw err;
      throw new CliError('PLUGIN_BUILD_FAILED', `${dir} did not build:\n  ${err.problems.join('\n  ')}`);
    });
    print(options.json, { pluginId: built.manifest.id, version: built.manifest.version, pluginFile: built.pluginFile, manifestFile: built.manifestFile, sha256: built.manifest.bundle.sha256, warnings: built.warnings },
      [`built ${built.manifest.id}@${built.manifest.version} → ${built.pluginFile} (sha256 ${built.manifest.bundle.sha256})`, ...built.warnings.map((w) => `warning: ${w}`)].join('\n'));
  },
  async publish([dir], options) {
    if (!dir || !options.publisher) throw new UsageError('usage: mosaic plugin publish <dir> --publisher <handle or id> [--key-file path]');
    const manifest = readBuilt(dir, 'manifest.json');
    const bundle = readBuilt(dir, 'plugin.js');
    const { id, version } = JSON.parse(manifest) as { id: string; version: string };
    const publisherRef = options.publisher;
    const published = await withPlatform(async (p) => {
      const publisher = await requirePublisherByRef(p.control.db, publisherRef);
      // Default: where `publisher create` wrote this publisher's key.
      const keyFile = options['key-file'] ?? defaultPublisherKeyFile(publisher.handle);
      if (!existsSync(keyFile)) throw new UsageError(`no private key at ${keyFile}; name the publisher's key file with --key-file`);
      const signature = signVersion(readFileSync(keyFile, 'utf8'), signingPayload({ pluginId: id, version, manifest, bundle }));
      return publishVersion(p.control.db, { publisherId: publisher.id, manifest, bundle, signature });
    });
    print(options.json, { pluginId: published.id, version: published.version }, `published ${published.id}@${published.version}`);
  },
  async list(_, options) {
    const catalog = await withPlatform((p) => listCatalog(p.control.db));
    print(options.json, { plugins: catalog.map((e) => ({ pluginId: e.pluginId, versions: e.versions, latest: { name: e.latest.name, description: e.latest.description, scopes: e.latest.scopes, egress: e.latest.egress } })) },
      catalog.map((e) => `${e.pluginId}\t${e.versions.join(', ')}\t${e.latest.description}`).join('\n') || '(no plugins published)');
  },
  async install([ref], options) {
    const { pluginId, range } = pluginRef(ref, 'usage: mosaic plugin install <plugin-id>[@range] --tenant <slug> [--grant-all] [--config k=v] [--secret k=v]');
    const installed = await forTenant(options, async (p, who) => installPlugin(p.plugins.installer, who, {
      pluginId, range, ...(await grantsFor(p, options, pluginId, range)),
      config: keyValues(options.config, 'config'), secrets: keyValues(options.secret, 'secret'),
    }));
    printInstallation(options, 'installed')(installed);
  },
  async configure([pluginId], options) {
    if (!pluginId) throw new UsageError('usage: mosaic plugin configure <plugin-id> --tenant <slug> [--config k=v] [--secret k=v]');
    const done = await forTenant(options, (p, who) => configurePlugin(p.plugins.installer, who, {
      pluginId, config: options.config ? keyValues(options.config, 'config') : undefined,
      secrets: options.secret ? keyValues(options.secret, 'secret') : undefined,
    }));
    printInstallation(options, 'configured')(done);
  },
  async upgrade([ref], options) {
    const { pluginId, range } = pluginRef(ref, 'usage: mosaic plugin upgrade <plugin-id>[@range] --tenant <slug> [--grant-all]');
    const done = await forTenant(options, async (p, who) => upgradePlugin(p.plugins.installer, who, { pluginId, range, ...(await grantsFor(p, options, pluginId, range)) }));
    printInstallation(options, 'upgraded')(done);
  },
  async rollback([pluginId], options) {
    if (!pluginId) throw new UsageError('usage: mosaic plugin rollback <plugin-id> --tenant <slug>');
    printInstallation(options, 'rolled back')(await forTenant(options, (p, who) => rollbackPlugin(p.plugins.installer, who, pluginId)));
  },
  async uninstall([pluginId], options) {
    if (!pluginId) throw new UsageError('usage: mosaic plugin uninstall <plugin-id> --tenant <slug>');
    printInstallation(options, 'uninstalled')(await forTenant(options, (p, who) => uninstallPlugin(p.plugins.installer, who, pluginId)));
  },
  async purge([pluginId], options) {
    if (!pluginId) throw new UsageError('usage: mosaic plugin purge <plugin-id> --tenant <slug>');
    const done = await forTenant(options, (p, who) => purgePluginData(p.plugins.installer, who, pluginId));
    print(options.json, { pluginId, ...done }, `purged ${pluginId}: ${done.deletedKeys} stored keys deleted`);
  },
  async logs([pluginId], options) {
    if (!pluginId) throw new UsageError('usage: mosaic plugin logs <plugin-id> --tenant <slug>');
    const rows = await forTenant(options, (p, who) => p.control.db.select().from(pluginLogs)
      .where(and(eq(pluginLogs.tenantId, who.tenantId), eq(pluginLogs.pluginId, pluginId))).orderBy(desc(pluginLogs.at)).limit(200));
    print(options.json, { logs: rows.map((r) => ({ at: r.at.toISOString(), level: r.level, message: r.message, data: r.data })) },
      rows.map((r) => `${r.at.toISOString()} ${r.level.padEnd(5)} ${r.message}`).join('\n') || '(no logs)');
  },
};

export async function pluginCommand([sub, ...rest]: string[], options: CliOptions): Promise<void> {
  const handler = sub ? handlers[sub] : undefined;
  if (!handler) throw new UsageError(`usage: mosaic plugin ${Object.keys(handlers).join('|')} ...`);
  await handler(rest, options);
}
