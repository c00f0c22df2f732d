import { and, asc, eq } from 'drizzle-orm';
import type { ControlDb } from '../../db/control.js';
import { installations, installationSecrets } from '../../db/control-schema.js';
import { notFound } from '../../lib/errors.js';
import type { SecretVault } from './vault.js';

export type Installation = typeof installations.$inferSelect;

export async function findInstallation(control: ControlDb, tenantId: string, pluginId: string): Promise<Installation | undefined> {
  const [row] = await control.select().from(installations)
    .where(and(eq(installations.tenantId, tenantId), eq(installations.pluginId, pluginId))).limit(1);
  return row;
}

/** The tenant's installation with this id, active or not; another tenant's is undefined too. */
export async function findInstallationById(control: ControlDb, tenantId: string, id: string): Promise<Installation | undefined> {
  const [row] = await control.select().from(installations)
    .where(and(eq(installations.tenantId, tenantId), eq(installations.id, id))).limit(1);
  return row;
}

/** The tenant's installation of `pluginId`, active or (with `includeUninstalled`) not; NOT_FOUND otherwise. */
export async function requireInstallation(
  control: ControlDb,
  tenantId: string,
  pluginId: string,
  { includeUninstalled = false } = {},
): Promise<Installation> {
  const row = await findInstallation(control, tenantId, pluginId);
  if (!row || (row.status !== 'active' && !includeUninstalled)) throw notFound(`installation of ${pluginId}`);
  return row;
}

export function listInstallations(control: ControlDb, tenantId: string, { activeOnly = false } = {}): Promise<Installation[]> {
  const where = activeOnly
    ? and(eq(installations.tenantId, tenantId), eq(installations.status, 'active'))
    : eq(installations.tenantId, tenantId);
  return control.select().from(installations).where(where).orderBy(asc(installations.installedAt), asc(installations.id));
}

const secretContext = (installationId: string, name: string) => `${installationId}/${name}`;

/** Encrypts and stores secrets; values never leave the host except inside outbound requests. */
export async function storeSecrets(
  control: ControlDb,
  vault: SecretVault,
  installationId: string,
  secrets: Record<string, string>,
): Promise<void> {
  for (const [name, value] of Object.entries(secrets)) {
    const ciphertext = vault.encrypt(value, secretContext(installationId, name));
    await control.insert(installationSecrets).values({ installationId, name, ciphertext, updatedAt: new Date() })
      .onConflictDoUpdate({ target: [installationSecrets.installationId, installationSecrets.name], set: { ciphertext, updatedAt: new Date() } });
  }
}

export async function readSecrets(control: ControlDb, vault: SecretVault, installationId: string): Promise<Record<string, string>> {
  const rows = await control.select().from(installationSecrets).where(eq(installationSecrets.installationId, installationId));
  return Object.fromEntries(rows.map((r) => [r.name, vault.decrypt(r.ciphertext, secretContext(installationId, r.name))]));
}

/** Which secrets are set (names only), for admins filling in an install form. */
export async function secretNames(control: ControlDb, installationId: string): Promise<string[]> {
  const rows = await control.select({ name: installationSecrets.name }).from(installationSecrets)
    .where(eq(installationSecrets.installationId, installationId));
  return rows.map((r) => r.name).sort();
}

export async function deleteSecrets(control: ControlDb, installationId: string): Promise<void> {
  await control.delete(installationSecrets).where(eq(installationSecrets.installationId, installationId));
}

