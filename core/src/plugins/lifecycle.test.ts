import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane, type ControlPlane } from '../db/control.js';
import { installationSecrets, pluginVersions } from '../db/control-schema.js';
import { TenantDatabases } from '../db/tenant-db.js';
import { eventDeliveries, pluginStorage } from '../db/tenant-schema.js';
import { createBaseSchema } from '../graphql/schema.js';
import { AppError } from '../lib/errors.js';
import { createTenant } from '../tenancy/tenants.js';
import {
  SecretVault, configurePlugin, installPlugin, purgePluginData, readSecrets, rollbackPlugin, uninstallPlugin, upgradePlugin,
  type InstallerDeps,
} from './installer/index.js';
import { createPublisher, loadVersion, publishVersion } from './registry/index.js';
import { TenantSchemas } from './schema/tenant-schemas.js';
import { buildFixture, type BuiltFixture } from './testing/build-fixture.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));
const pluginFields = (schema: GraphQLSchema) => {
  const customer = schema.getType('Customer');
  return isObjectType(customer) ? Object.keys(customer.getFields()).filter((f) => f.startsWith('acme_')) : [];
};

describe('plugin registry and lifecycle', () => {
  let dir: string;
  let control: ControlPlane;
  let tenants: TenantDatabases;
  let deps: InstallerDeps;
  let schemas: TenantSchemas;
  let acme: { id: string; key: string };
  let v1: BuiltFixture;
  let v2: BuiltFixture;
  let tenantA: string;
  let tenantB: string;
  const asAdmin = (tenantId: string) => ({ tenantId, actor: 'test-admin' });
  const ctx = (tenantId: string) => ({ tenantId, tenantSlug: 't', role: 'admin' as const, actor: 'test', data: undefined as never });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-lifecycle-'));
    const config = { kind: 'embedded' as const, dataDir: dir };
    control = await openControlPlane(config);
    tenants = new TenantDatabases(config);
    schemas = new TenantSchemas(control.db, createBaseSchema(), async () => []);
    deps = {
      control: control.db, tenants, vault: new SecretVault(Buffer.alloc(32, 7)), retentionDays: 30,
      checkSchema: (tenantId, change) => schemas.check(tenantId, change),
      changed: (tenantId) => schemas.invalidate(tenantId),
    };
    const created = await createPublisher(control.db, { handle: 'acme' });
    acme = { id: created.publisher.id, key: created.privateKeyPem };
    v1 = await buildFixture('greeter', '1.0.0');
    // 2.0.0 also wants to read orders: a new scope, so upgrading needs consent again.
    v2 = await buildFixture('greeter', '2.0.0', (s) => s.replace(`scopes: ['customers:read', 'storage']`, `scopes: ['customers:read', 'storage', 'orders:read']`));
    tenantA = (await createTenant(control.db, tenants, { slug: 'tenant-a' })).tenant.id;
    tenantB = (await createTenant(control.db, tenants, { slug: 'tenant-b' })).tenant.id;
  }, 120_000);

  afterAll(async () => {
    await tenants?.close();
    control?.client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes only well-signed, untampered, new versions of the publisher\'s own plugins', async () => {
    const publish = (b: BuiltFixture, over: Partial<{ bundle: string; manifest: string; signature: string; publisherId: string }> = {}) =>
      code(publishVersion(control.db, { publisherId: acme.id, manifest: b.manifest, bundle: b.bundle, signature: b.sign(acme.key), ...over }));
    const other = await createPublisher(control.db, { handle: 'mallory' });
    expect(await publish(v1, { bundle: `${v1.bundle}\n/* injected */` })).toBe('BAD_USER_INPUT'); // sha256 differs from manifest
    const tamperedManifest = v1.manifest.replace('Greets customers', 'Steals customers');
    expect(await publish(v1, { manifest: tamperedManifest })).toBe('FORBIDDEN'); // signature no longer covers it
    expect(await publish(v1, { signature: v1.sign(other.privateKeyPem) })).toBe('FORBIDDEN');
    expect(await publish(v1, { signature: '' })).toBe('BAD_USER_INPUT'); // unsigned: input to fix, not a forgery
    expect(await publish(v1, { signature: 'not base64!' })).toBe('BAD_USER_INPUT');
    expect(await publish(v1, { publisherId: other.publisher.id, signature: v1.sign(other.privateKeyPem) })).toBe('FORBIDDEN');
    expect(await publish(v1)).toBe('ok');
    expect(await publish(v1)).toBe('CONFLICT');
    expect(await publish(v2)).toBe('ok');
  });

  it('refuses to load a version whose stored bundle was changed afterwards', async () => {
    const tampered = await buildFixture('greeter', '9.9.9');
    await publishVersion(control.db, { publisherId: acme.id, manifest: tampered.manifest, bundle: tampered.bundle, signature: tampered.sign(acme.key) });
    expect(await code(loadVersion(control.db, 'acme.greeter', '9.9.9'))).toBe('ok');
    await control.db.update(pluginVersions).set({ bundle: tampered.bundle.replace('Hello', 'Pwned') }).where(eq(pluginVersions.version, '9.9.9'));
    expect(await code(loadVersion(control.db, 'acme.greeter', '9.9.9'))).toBe('PLUGIN_TAMPERED');
    await control.db.delete(pluginVersions).where(eq(pluginVersions.version, '9.9.9'));
  });

  it('installs with explicit consent, validated config and encrypted secrets; only that tenant\'s schema grows', async () => {
    const base = { pluginId: 'acme.greeter', range: '^1.0.0', config: { greeting: 'Hi' } };
    expect(await code(installPlugin(deps, asAdmin(tenantA), { ...base, grantScopes: ['customers:read'], grantEgress: ['api.greetings.test'] }))).toBe('CONSENT_REQUIRED');
    const all = { grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'] };
    expect(await code(installPlugin(deps, asAdmin(tenantA), { ...base, ...all, grantScopes: [...all.grantScopes, 'cases:write'] }))).toBe('BAD_USER_INPUT');
    expect(await code(installPlugin(deps, asAdmin(tenantA), { ...base, ...all, config: { greeting: '' } }))).toBe('BAD_USER_INPUT');
    expect(await code(installPlugin(deps, asAdmin(tenantA), { ...base, ...all, secrets: { NOT_DECLARED: 'x' } }))).toBe('BAD_USER_INPUT');
    expect(await code(installPlugin(deps, asAdmin(tenantA), { ...base, ...all, range: '^5' }))).toBe('NOT_FOUND');
    expect(pluginFields(await schemas.schemaFor(ctx(tenantA)))).toEqual([]);

    const installed = await installPlugin(deps, asAdmin(tenantA), { ...base, ...all, secrets: { GREETINGS_TOKEN: 's3cr3t-token' } });
    expect(installed).toMatchObject({ version: '1.0.0', grantedScopes: ['customers:read', 'storage'], config: { greeting: 'Hi' } });
    const [stored] = await control.db.select().from(installationSecrets).where(eq(installationSecrets.installationId, installed.id));
    expect(stored!.ciphertext).not.toContain('s3cr3t');
    expect(Buffer.from(stored!.ciphertext, 'base64').toString('latin1')).not.toContain('s3cr3t');
    expect(await readSecrets(control.db, deps.vault, installed.id)).toEqual({ GREETINGS_TOKEN: 's3cr3t-token' });
    expect(await code(installPlugin(deps, asAdmin(tenantA), { ...base, ...all }))).toBe('CONFLICT');

    expect(pluginFields(await schemas.schemaFor(ctx(tenantA))).sort()).toEqual(['acme_greeter_greeting', 'acme_greeter_stats']);
    expect(pluginFields(await schemas.schemaFor(ctx(tenantB)))).toEqual([]);
  });

  it('configures, upgrades only with consent for new scopes, and rolls back', async () => {
    expect(await code(configurePlugin(deps, asAdmin(tenantA), { pluginId: 'acme.greeter', config: { greeting: 42 } }))).toBe('BAD_USER_INPUT');
    const configured = await configurePlugin(deps, asAdmin(tenantA), { pluginId: 'acme.greeter', config: { greeting: 'Howdy' } });
    expect(configured.config).toEqual({ greeting: 'Howdy' });
    expect(await code(configurePlugin(deps, asAdmin(tenantB), { pluginId: 'acme.greeter', config: { greeting: 'x' } }))).toBe('NOT_FOUND');

    expect(await code(upgradePlugin(deps, asAdmin(tenantA), { pluginId: 'acme.greeter', range: '^2' }))).toBe('CONSENT_REQUIRED');
    const upgraded = await upgradePlugin(deps, asAdmin(tenantA), { pluginId: 'acme.greeter', range: '^2', grantScopes: ['orders:read'] });
    expect(upgraded).toMatchObject({ version: '2.0.0', previousVersion: '1.0.0' });
    expect(upgraded.grantedScopes.sort()).toEqual(['customers:read', 'orders:read', 'storage']);
    expect(await code(upgradePlugin(deps, asAdmin(tenantA), { pluginId: 'acme.greeter', range: '^2' }))).toBe('CONFLICT');

    const rolledBack = await rollbackPlugin(deps, asAdmin(tenantA), 'acme.greeter');
    expect(rolledBack).toMatchObject({ version: '1.0.0', previousVersion: '2.0.0', config: { greeting: 'Howdy' } });
    expect(rolledBack.grantedScopes.sort()).toEqual(['customers:read', 'storage']);
  });

  it('uninstall removes the schema extension at once, keeps data for retention, purge deletes it', async () => {
    const data = await tenants.get(tenantA);
    await data.db.insert(pluginStorage).values({ pluginId: 'acme.greeter', key: 'calls', value: '3', updatedAt: new Date() });
    await data.db.insert(eventDeliveries).values({ eventId: 'e1', pluginId: 'acme.greeter', status: 'dead', attempts: 8, nextAttemptAt: new Date(), updatedAt: new Date() });
    expect(await code(purgePluginData(deps, asAdmin(tenantA), 'acme.greeter'))).toBe('CONFLICT');
    const gone = await uninstallPlugin(deps, asAdmin(tenantA), 'acme.greeter');
    expect(gone.status).toBe('uninstalled');
    expect(gone.retainDataUntil!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(pluginFields(await schemas.schemaFor(ctx(tenantA)))).toEqual([]);
    expect(await data.db.select().from(pluginStorage)).toHaveLength(1);
    expect(await readSecrets(control.db, deps.vault, gone.id)).toEqual({});
    expect(await purgePluginData(deps, asAdmin(tenantA), 'acme.greeter')).toEqual({ deletedKeys: 1 });
    expect(await data.db.select().from(pluginStorage)).toHaveLength(0);
    expect(await data.db.select().from(eventDeliveries)).toHaveLength(0);
  });
});
