import { and, eq, inArray } from 'drizzle-orm';
import semver from 'semver';
import { z } from 'zod';
import { canonicalHostPattern, excerpt, type PluginManifest } from '@mosaic/sdk/schema';
import type { ControlDb } from '../../db/control.js';
import { installations, installationSecrets } from '../../db/control-schema.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import { eventDeliveries, pluginStorage } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { recordAudit } from '../../tenancy/audit.js';
import { loadVersion, resolveVersion } from '../registry/index.js';
import { validateConfig } from './config-validation.js';
import { deleteSecrets, findInstallation, requireInstallation, storeSecrets, type Installation } from './installations.js';
import type { SecretVault } from './vault.js';

/** What the installer is about to do to one plugin. */
export interface SchemaChange {
  pluginId: string;
  /** null: the plugin goes away. */
  version: string | null;
  /** The scopes the change grants (default: all the version asks for). */
  grantedScopes?: readonly string[];
}

export interface InstallerDeps {
  control: ControlDb;
  tenants: TenantDatabases;
  vault: SecretVault;
  /**
   * Composes the tenant's schema as it would be after the change; throws CONFLICT if it cannot,
   * PLUGIN_INPUT_INVALID if the plugin's declared inputs cannot be resolved there.
   */
  checkSchema(tenantId: string, change: SchemaChange): Promise<void>;
  /** Called after every change so cached schemas and warm sandboxes are dropped at once. */
  changed(tenantId: string): void;
  retentionDays: number;
}

export interface Actor {
  tenantId: string;
  actor: string;
}

const secretValues = z.record(z.string(), z.string().min(1).max(4096)).default({});
const grants = { grantScopes: z.array(z.string()).default([]), grantEgress: z.array(z.string()).default([]) };

const installInput = z.object({
  pluginId: z.string().min(1),
  range: z.string().default('*'),
  ...grants,
  config: z.record(z.string(), z.unknown()).default({}),
  secrets: secretValues,
});
const configureInput = z.object({ pluginId: z.string(), config: z.record(z.string(), z.unknown()).optional(), secrets: secretValues.optional() });
const upgradeInput = z.object({ pluginId: z.string(), range: z.string().default('*'), ...grants });

/**
 * Consent: everything a version asks for must be granted by the admin — explicitly, at install,
 * and again for anything new at upgrade. Grants of things not asked for are refused too, so what
 * is stored is exactly what was reviewed.
 */
function checkConsent(manifest: PluginManifest, asGiven: { scopes: string[]; egress: string[] }, previously = { scopes: [] as string[], egress: [] as string[] }) {
  const granted = { scopes: asGiven.scopes, egress: asGiven.egress.map(canonicalGrant) };
  const missingScopes = manifest.scopes.filter((s) => !granted.scopes.includes(s) && !previously.scopes.includes(s));
  const missingEgress = manifest.egress.filter((h) => !granted.egress.includes(h) && !previously.egress.includes(h));
  if (missingScopes.length || missingEgress.length) {
    const parts = [missingScopes.length && `scopes ${missingScopes.join(', ')}`, missingEgress.length && `egress to ${missingEgress.join(', ')}`].filter(Boolean);
    throw new AppError('CONSENT_REQUIRED', `${manifest.id}@${manifest.version} needs the admin's consent for ${parts.join(' and ')}`, { missingScopes, missingEgress });
  }
  const extra = [...granted.scopes.filter((s) => !manifest.scopes.includes(s as never)), ...granted.egress.filter((h) => !manifest.egress.includes(h))];
  if (extra.length) throw new AppError('BAD_USER_INPUT', `${manifest.id}@${manifest.version} does not ask for ${extra.join(', ')}`);
  return {
    scopes: manifest.scopes.filter((s) => granted.scopes.includes(s) || previously.scopes.includes(s)),
    egress: manifest.egress.filter((h) => granted.egress.includes(h) || previously.egress.includes(h)),
  };
}

/**
 * An egress grant in the canonical form the manifest is stored in, so `API.Example.com` grants
 * `api.example.com`; an IP address written another way (`0x7f000001`) is refused, naming it.
 */
function canonicalGrant(entry: string): string {
  const reading = canonicalHostPattern(entry);
  if (reading.problem !== undefined) throw new AppError('BAD_USER_INPUT', `grantEgress: ${reading.problem}`, { entry });
  return reading.host;
}

function checkSecretNames(manifest: PluginManifest, secrets: Record<string, string>) {
  const declared = new Set(manifest.secrets.map((s) => s.name));
  const unknown = Object.keys(secrets).filter((n) => !declared.has(n));
  if (unknown.length) throw new AppError('BAD_USER_INPUT', `${manifest.id} declares no secret named ${unknown.join(', ')}`);
}

export async function installPlugin(deps: InstallerDeps, who: Actor, raw: unknown): Promise<Installation> {
  const input = parseInput(installInput, raw);
  const existing = await findInstallation(deps.control, who.tenantId, input.pluginId);
  if (existing?.status === 'active') throw new AppError('CONFLICT', `${input.pluginId} is already installed (${existing.version}); upgrade it instead`);
  const version = await resolveVersion(deps.control, input.pluginId, input.range);
  const { manifest } = await loadVersion(deps.control, input.pluginId, version);
  const granted = checkConsent(manifest, { scopes: input.grantScopes, egress: input.grantEgress });
  const config = validateConfig(manifest.configSchema, input.config);
  checkSecretNames(manifest, input.secrets);
  await deps.checkSchema(who.tenantId, { pluginId: manifest.id, version, grantedScopes: granted.scopes });
  await deps.tenants.provision(who.tenantId);
  const now = new Date();
  const row: Installation = {
    id: existing?.id ?? newId(),
    tenantId: who.tenantId,
    pluginId: manifest.id,
    version,
    previousVersion: null,
    status: 'active',
    grantedScopes: granted.scopes,
    grantedEgress: granted.egress,
    config,
    revision: (existing?.revision ?? 0) + 1,
    installedAt: now,
    updatedAt: now,
    retainDataUntil: null,
  };
  if (existing) await deps.control.update(installations).set(row).where(eq(installations.id, existing.id));
  else await deps.control.insert(installations).values(row);
  await storeSecrets(deps.control, deps.vault, row.id, input.secrets);
  await recordAudit(deps.control, { tenantId: who.tenantId, actor: who.actor, action: 'plugin.install', target: `${manifest.id}@${version}`, detail: { scopes: granted.scopes, egress: granted.egress } });
  deps.changed(who.tenantId);
  return row;
}

export async function configurePlugin(deps: InstallerDeps, who: Actor, raw: unknown): Promise<Installation> {
  const input = parseInput(configureInput, raw);
  const current = await requireInstallation(deps.control, who.tenantId, input.pluginId);
  const { manifest } = await loadVersion(deps.control, current.pluginId, current.version);
  const config = input.config ? validateConfig(manifest.configSchema, input.config) : current.config;
  if (input.secrets) checkSecretNames(manifest, input.secrets);
  const changes = { config, revision: current.revision + 1, updatedAt: new Date() };
  await deps.control.update(installations).set(changes).where(eq(installations.id, current.id));
  if (input.secrets) await storeSecrets(deps.control, deps.vault, current.id, input.secrets);
  await recordAudit(deps.control, {
    tenantId: who.tenantId, actor: who.actor, action: 'plugin.configure', target: current.pluginId,
    detail: { config: Boolean(input.config), secrets: Object.keys(input.secrets ?? {}) },
  });
  deps.changed(who.tenantId);
  return { ...current, ...changes };
}

/** Moves to a newer version; anything it asks for beyond the current grants needs consent now. */
export async function upgradePlugin(deps: InstallerDeps, who: Actor, raw: unknown): Promise<Installation> {
  const input = parseInput(upgradeInput, raw);
  const current = await requireInstallation(deps.control, who.tenantId, input.pluginId);
  const version = await resolveVersion(deps.control, input.pluginId, input.range);
  if (!semver.gt(version, current.version)) {
    throw new AppError('CONFLICT', `${input.pluginId} ${current.version} is installed; the newest match for ${excerpt(input.range)} is ${version}, not newer`);
  }
  return switchVersion(deps, who, current, version, { scopes: input.grantScopes, egress: input.grantEgress }, 'plugin.upgrade');
}

/** Goes back to the version installed before the last upgrade. */
export async function rollbackPlugin(deps: InstallerDeps, who: Actor, pluginId: string): Promise<Installation> {
  const current = await requireInstallation(deps.control, who.tenantId, pluginId);
  if (!current.previousVersion) throw new AppError('CONFLICT', `${pluginId} has no earlier version to roll back to`);
  return switchVersion(deps, who, current, current.previousVersion, { scopes: [], egress: [] }, 'plugin.rollback');
}

async function switchVersion(
  deps: InstallerDeps,
  who: Actor,
  current: Installation,
  version: string,
  newGrants: { scopes: string[]; egress: string[] },
  action: string,
): Promise<Installation> {
  const { manifest } = await loadVersion(deps.control, current.pluginId, version);
  const previously = { scopes: current.grantedScopes, egress: current.grantedEgress };
  const granted = checkConsent(manifest, newGrants, previously);
  const config = validateConfig(manifest.configSchema, current.config);
  await deps.checkSchema(who.tenantId, { pluginId: current.pluginId, version, grantedScopes: granted.scopes });
  const changes = {
    version, previousVersion: current.version, grantedScopes: granted.scopes, grantedEgress: granted.egress,
    config, revision: current.revision + 1, updatedAt: new Date(),
  };
  await deps.control.update(installations).set(changes).where(eq(installations.id, current.id));
  await recordAudit(deps.control, { tenantId: who.tenantId, actor: who.actor, action, target: `${current.pluginId}@${version}`, detail: { from: current.version } });
  deps.changed(who.tenantId);
  return { ...current, ...changes };
}

/**
 * Removes the plugin from the tenant at once (its schema extension disappears with the next
 * request). Its stored data stays for the retention period so a reinstall picks it up, unless
 * purged; its secrets are destroyed now.
 */
export async function uninstallPlugin(deps: InstallerDeps, who: Actor, pluginId: string): Promise<Installation> {
  const current = await requireInstallation(deps.control, who.tenantId, pluginId);
  // Another plugin's declared input may select this one's fields.
  await deps.checkSchema(who.tenantId, { pluginId, version: null });
  const now = new Date();
  const changes = {
    status: 'uninstalled' as const, revision: current.revision + 1, updatedAt: now,
    retainDataUntil: new Date(now.getTime() + deps.retentionDays * 86_400_000),
  };
  await deps.control.update(installations).set(changes).where(eq(installations.id, current.id));
  await deleteSecrets(deps.control, current.id);
  await recordAudit(deps.control, { tenantId: who.tenantId, actor: who.actor, action: 'plugin.uninstall', target: pluginId });
  deps.changed(who.tenantId);
  return { ...current, ...changes };
}

/** Deletes an uninstalled plugin's data (storage, pending and dead deliveries) now rather than at the end of retention. */
export async function purgePluginData(deps: InstallerDeps, who: Actor, pluginId: string): Promise<{ deletedKeys: number }> {
  const current = await requireInstallation(deps.control, who.tenantId, pluginId, { includeUninstalled: true });
  if (current.status === 'active') throw new AppError('CONFLICT', `uninstall ${pluginId} before purging its data`);
  const data = await deps.tenants.get(who.tenantId);
  const deleted = await data.write(async (tx) => {
    await tx.delete(eventDeliveries).where(eq(eventDeliveries.pluginId, pluginId));
    return tx.delete(pluginStorage).where(eq(pluginStorage.pluginId, pluginId));
  });
  await deps.control.delete(installationSecrets).where(inArray(installationSecrets.installationId, [current.id]));
  await deps.control.delete(installations).where(and(eq(installations.id, current.id), eq(installations.status, 'uninstalled')));
  await recordAudit(deps.control, { tenantId: who.tenantId, actor: who.actor, action: 'plugin.purge', target: pluginId, detail: { deletedKeys: deleted.rowsAffected } });
  return { deletedKeys: deleted.rowsAffected };
}
