import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openControlPlane, type ControlPlane } from '../../db/control.js';
import type { DatabaseConfig } from '../../db/config.js';
import { TenantDatabases } from '../../db/tenant-db.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { SecretVault, installPlugin, type Installation, type InstallerDeps } from '../installer/index.js';
import { createPublisher, publishVersion } from '../registry/index.js';
import { buildFixture } from '../testing/build-fixture.js';

export const GREETER = 'acme.greeter';
export const QUIET = 'acme.quiet';
/** An event the greeter emits; the quiet plugin subscribes to it, and so (pointlessly) does the greeter. */
export const PINGED = 'plugin.acme.greeter.pinged';
export const WEBHOOK_SECRET = 'whsec-test-0123456789';
/** The secret vault's key, for a second process opening the same databases. */
export const VAULT_KEY = Buffer.alloc(32, 9);

/**
 * Two real, signed plugin versions, built with the SDK from the greeter fixture:
 * - acme.greeter handles `customer.created` and its own `plugin.acme.greeter.pinged`, and
 *   declares a webhook `inbound` checked with its GREETINGS_TOKEN secret;
 * - acme.quiet handles only `plugin.acme.greeter.pinged`.
 */
async function buildPlugins() {
  const greeter = await buildFixture('greeter', '1.0.0', (src) => src
    .replace(`secrets: [`, `webhooks: [{ name: 'inbound', secret: 'GREETINGS_TOKEN' }],\n    secrets: [`)
    .replace(`resolvers: {`, [
      `events: { 'customer.created': async () => {}, '${PINGED}': async () => {} },`,
      `  webhooks: { inbound: async (request) => ({ status: 200, body: request.body }) },`,
      `  resolvers: {`,
    ].join('\n')));
  const quiet = await buildFixture('greeter', '1.0.0', (src) => src
    .replaceAll(GREETER, QUIET).replaceAll('acme_greeter_', 'acme_quiet_').replaceAll('Acme_Greeter_', 'Acme_Quiet_')
    .replace(`resolvers: {`, `events: { '${PINGED}': async () => {} },\n  resolvers: {`));
  return [greeter, quiet];
}

export interface EventsWorld {
  config: DatabaseConfig;
  control: ControlPlane;
  tenants: TenantDatabases;
  vault: SecretVault;
  installer: InstallerDeps;
  logger: Logger;
  /** A new tenant with the given plugins installed (secrets set), plus a context to act in it. */
  tenant(plugins: string[], secret?: string): Promise<{ id: string; ctx: TenantContext; installs: Record<string, Installation> }>;
  close(): Promise<void>;
}

export async function createEventsWorld(): Promise<EventsWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-events-'));
  const config: DatabaseConfig = { kind: 'embedded', dataDir: dir };
  const control = await openControlPlane(config);
  const tenants = new TenantDatabases(config);
  const vault = new SecretVault(VAULT_KEY);
  const installer: InstallerDeps = {
    control: control.db, tenants, vault, retentionDays: 30, checkSchema: async () => {}, changed: () => {},
  };
  const acme = await createPublisher(control.db, { handle: 'acme' });
  for (const built of await buildPlugins()) {
    await publishVersion(control.db, { publisherId: acme.publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(acme.privateKeyPem) });
  }
  let n = 0;
  return {
    config, control, tenants, vault, installer,
    logger: createLogger('silent'),
    async tenant(plugins, secret = WEBHOOK_SECRET) {
      const { tenant } = await createTenant(control.db, tenants, { slug: `tenant-${++n}` });
      const installs: Record<string, Installation> = {};
      for (const pluginId of plugins) {
        installs[pluginId] = await installPlugin(installer, { tenantId: tenant.id, actor: 'test' }, {
          pluginId, grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'], secrets: { GREETINGS_TOKEN: secret },
        });
      }
      const ctx: TenantContext = { tenantId: tenant.id, tenantSlug: tenant.slug, role: 'admin', actor: 'test', data: await tenants.get(tenant.id) };
      return { id: tenant.id, ctx, installs };
    },
    async close() {
      await tenants.close();
      control.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
