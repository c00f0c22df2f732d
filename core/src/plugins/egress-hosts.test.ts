// Egress hosts at publish and at install: only canonical forms are stored, shown and granted,
// and an IP address written another way (which core would parse as 127.0.0.1, 169.254.169.254 or
// 0.0.0.0) is refused, naming its canonical form, with nothing written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane, type ControlPlane } from '../db/control.js';
import { installations, pluginVersions } from '../db/control-schema.js';
import { TenantDatabases } from '../db/tenant-db.js';
import { createBaseSchema } from '../graphql/schema.js';
import { AppError } from '../lib/errors.js';
import { createTenant } from '../tenancy/tenants.js';
import { SecretVault, installPlugin, type InstallerDeps } from './installer/index.js';
import { createPublisher, listCatalog, loadVersion, publishVersion, signVersion, signingPayload } from './registry/index.js';
import { TenantSchemas } from './schema/tenant-schemas.js';
import { buildFixture, type BuiltFixture } from './testing/build-fixture.js';

const DISGUISED: Array<[string, string]> = [
  ['0x7f000001', '127.0.0.1'],
  ['0xa9fea9fe', '169.254.169.254'],
  ['0x0', '0.0.0.0'],
  ['127.0.0.0x1', '127.0.0.1'],
  ['0177.0.0.1', '127.0.0.1'],
  ['2130706433', '127.0.0.1'],
  ['127.1', '127.0.0.1'],
  ['0x7f.1', '127.0.0.1'],
  ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
];

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as AppError);

describe('egress hosts at publish and install', () => {
  let dir: string;
  let control: ControlPlane;
  let tenants: TenantDatabases;
  let deps: InstallerDeps;
  let acme: { id: string; key: string };
  let greeter: BuiltFixture;
  let tenantId: string;
  let nextPatch = 0;

  /** The greeter's built manifest.json with other egress hosts, signed as its publisher would sign it. */
  const withEgress = (egress: string[]) => {
    const version = `1.0.${nextPatch++}`;
    const manifest = JSON.stringify({ ...JSON.parse(greeter.manifest), version, egress }, null, 2);
    const signature = signVersion(acme.key, signingPayload({ pluginId: 'acme.greeter', version, manifest, bundle: greeter.bundle }));
    return { version, manifest, signature, bundle: greeter.bundle, publisherId: acme.id };
  };
  const storedVersions = async () => (await control.db.select({ v: pluginVersions.version }).from(pluginVersions)).map((r) => r.v);
  const installedRows = async () => control.db.select().from(installations).where(eq(installations.tenantId, tenantId));
  const install = (grantEgress: string[], range = '*') =>
    installPlugin(deps, { tenantId, actor: 'admin' }, { pluginId: 'acme.greeter', range, grantScopes: ['customers:read', 'storage'], grantEgress });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-egress-hosts-'));
    const config = { kind: 'embedded' as const, dataDir: dir };
    control = await openControlPlane(config);
    tenants = new TenantDatabases(config);
    const schemas = new TenantSchemas(control.db, createBaseSchema(), async () => []);
    deps = {
      control: control.db, tenants, vault: new SecretVault(Buffer.alloc(32, 3)), retentionDays: 30,
      checkSchema: (t, change) => schemas.check(t, change),
      changed: (t) => schemas.invalidate(t),
    };
    const created = await createPublisher(control.db, { handle: 'acme' });
    acme = { id: created.publisher.id, key: created.privateKeyPem };
    greeter = await buildFixture('greeter', '1.0.0');
    tenantId = (await createTenant(control.db, tenants, { slug: 'egress-hosts' })).tenant.id;
  }, 120_000);

  afterAll(async () => {
    await tenants?.close();
    control?.client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(DISGUISED)('refuses to publish egress %j (the IP address %s), naming the entry and its canonical form', async (entry, canonical) => {
    const error = await failure(publishVersion(control.db, withEgress(['api.greetings.test', entry])));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [`manifest.egress[1]: '${entry}' is the IP address ${canonical} written another way; write an IP address in its canonical form, ${canonical}`] },
    });
    expect(await storedVersions()).toEqual([]);
  });

  it.each(['exa%2emple.test', 'ｅｘａｍｐｌｅ。test', 'api.greetings.test:443', 'user@api.greetings.test'])(
    'refuses to publish the reshaped or decorated egress host %j',
    async (entry) => {
      expect(await failure(publishVersion(control.db, withEgress([entry])))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('manifest.egress[0]') });
      expect(await storedVersions()).toEqual([]);
    },
  );

  it('refuses to install a version stored before the rule whose egress names an IP address another way; nothing is installed', async () => {
    // Written straight to the registry, as a version published under the old rule would be.
    const legacy = withEgress(['api.greetings.test', '0x7f000001']);
    await control.db.insert(pluginVersions).values({
      pluginId: 'acme.greeter', version: legacy.version, publisherId: acme.id, manifest: legacy.manifest, bundle: legacy.bundle,
      bundleSha256: JSON.parse(legacy.manifest).bundle.sha256, signature: legacy.signature, publishedAt: new Date(),
    });
    try {
      for (const grant of [['api.greetings.test', '0x7f000001'], ['api.greetings.test', '127.0.0.1']]) {
        expect(await failure(install(grant, legacy.version))).toMatchObject({
          code: 'BAD_USER_INPUT',
          message: expect.stringContaining("manifest.egress[1]: '0x7f000001' is the IP address 127.0.0.1 written another way"),
        });
      }
      expect(await installedRows()).toEqual([]);
      // The marketplace still lists the plugin's other versions, without the unreadable one.
      const good = await publishVersion(control.db, withEgress(['api.greetings.test']));
      expect((await listCatalog(control.db)).map((e) => [e.pluginId, e.versions, e.latest.version])).toEqual([['acme.greeter', [good.version], good.version]]);
    } finally {
      await control.db.delete(pluginVersions).where(eq(pluginVersions.version, legacy.version));
    }
  });

  it('stores and shows canonical forms, and takes grants in any spelling of a name but only the canonical spelling of an address', async () => {
    const release = withEgress(['API.Greetings.Test.', 'Bücher.test', '203.0.113.7']);
    expect((await publishVersion(control.db, release)).egress).toEqual(['api.greetings.test', 'xn--bcher-kva.test', '203.0.113.7']);
    expect((await loadVersion(control.db, 'acme.greeter', release.version)).manifest.egress).toEqual(['api.greetings.test', 'xn--bcher-kva.test', '203.0.113.7']);
    expect((await listCatalog(control.db))[0]!.latest.egress).toEqual(['api.greetings.test', 'xn--bcher-kva.test', '203.0.113.7']);

    for (const [grant, canonical] of [['0xcb007107', '203.0.113.7'], ['3405803783', '203.0.113.7'], ['203.0.113.7.', '203.0.113.7']]) {
      expect(await failure(install(['api.greetings.test', 'xn--bcher-kva.test', grant!]))).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: `grantEgress: '${grant}' is the IP address ${canonical} written another way; write an IP address in its canonical form, ${canonical}`,
      });
    }
    expect(await installedRows()).toEqual([]);

    const installed = await install(['API.GREETINGS.TEST', 'bücher.test', '203.0.113.7']);
    expect(installed.grantedEgress).toEqual(['api.greetings.test', 'xn--bcher-kva.test', '203.0.113.7']);
    expect((await installedRows()).map((r) => r.grantedEgress)).toEqual([['api.greetings.test', 'xn--bcher-kva.test', '203.0.113.7']]);
  });
});
