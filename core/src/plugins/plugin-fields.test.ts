import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../config.js';
import { createCustomer } from '../domain/customers.js';
import { startServer, type RunningServer } from '../http/server.js';
import { createLogger } from '../lib/logger.js';
import { openPlatform, type Platform } from '../platform.js';
import { tenantContext } from '../tenancy/context.js';
import { createTenant } from '../tenancy/tenants.js';
import { createPublisher } from './registry/index.js';
import { graphqlClient, type Gql } from './testing/graphql-client.js';
import { buildFixture } from './testing/build-fixture.js';


describe('plugin fields in a tenant\'s GraphQL schema', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let a: Gql;
  let b: Gql;
  let publisherId: string;
  let publisherKey: string;

  const client = (apiKey: string) => graphqlClient(server.url, apiKey);

  async function publish(version: string, edit?: (src: string) => string) {
    const built = await buildFixture('greeter', version, edit);
    const res = await a(`mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { pluginId version scopes } } }`,
      { i: { publisherId, manifest: built.manifest, bundle: built.bundle, signature: built.sign(publisherKey) } });
    expect(res.errors).toBeUndefined();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-plugin-fields-'));
    platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('silent'));
    server = await startServer(platform);
    const ta = await createTenant(platform.control.db, platform.tenants, { slug: 'plug-a' });
    const tb = await createTenant(platform.control.db, platform.tenants, { slug: 'plug-b' });
    a = client(ta.apiKey);
    b = client(tb.apiKey);
    const principal = (await platform.keys.verify(ta.apiKey))!;
    const ctx = tenantContext(principal, await platform.tenants.get(ta.tenant.id));
    for (const name of ['Ada', 'Grace', 'Alan']) await createCustomer(ctx, { name });
    const pub = await createPublisher(platform.control.db, { handle: 'acme' });
    publisherId = pub.publisher.id;
    publisherKey = pub.privateKeyPem;
    await publish('1.0.0');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const QUERY = `{ customers(first: 10, orderBy: NAME_ASC) { edges { node { name acme_greeter_greeting acme_greeter_stats { calls } } } } }`;

  it('installs through the admin API and resolves the plugin\'s fields, one crossing per field', async () => {
    expect((await a(QUERY)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const installed = await a(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { pluginId version grantedScopes secretNames config } } }`, {
      i: {
        pluginId: 'acme.greeter', version: '^1', grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'],
        config: { greeting: 'Ahoy' }, secrets: [{ name: 'GREETINGS_TOKEN', value: 'tok-123' }],
      },
    });
    expect(installed.errors).toBeUndefined();
    expect(installed.data.installPlugin.installation).toEqual({
      pluginId: 'acme.greeter', version: '1.0.0', grantedScopes: ['customers:read', 'storage'], secretNames: ['GREETINGS_TOKEN'], config: { greeting: 'Ahoy' },
    });
    expect(JSON.stringify(installed)).not.toContain('tok-123');

    const res = await a(QUERY);
    expect(res.errors).toBeUndefined();
    expect(res.data.customers.edges.map((e: any) => e.node)).toEqual([
      { name: 'Ada', acme_greeter_greeting: 'Ahoy, Ada!', acme_greeter_stats: { calls: 1 } },
      { name: 'Alan', acme_greeter_greeting: 'Ahoy, Alan!', acme_greeter_stats: { calls: 1 } },
      { name: 'Grace', acme_greeter_greeting: 'Ahoy, Grace!', acme_greeter_stats: { calls: 1 } },
    ]);
    // One batched call per plugin field for the three customers, not one per customer.
    const usage = await a(`{ pluginUsage(pluginId: "acme.greeter") { calls failures } }`);
    expect(usage.data.pluginUsage).toEqual([{ calls: 2, failures: 0 }]);
  });

  it('leaves other tenants\' schemas alone', async () => {
    const res = await b(`{ customers(first: 1) { edges { node { acme_greeter_greeting } } } }`);
    expect(res.errors?.[0]?.message).toContain('Cannot query field "acme_greeter_greeting"');
  });

  it('a failing plugin field is null with PLUGIN_FAILED while the rest of the query succeeds', async () => {
    await publish('1.1.0', (s) => s.replace('customers.map((c) => `${ctx.config.greeting}, ${c.name}!`)', '(() => { throw new Error("greeting service down"); })()'));
    const up = await a(`mutation { upgradePlugin(input: { pluginId: "acme.greeter", version: "1.1.0" }) { installation { version } } }`);
    expect(up.data.upgradePlugin.installation.version).toBe('1.1.0');
    const res = await a(QUERY);
    expect(res.data.customers.edges.map((e: any) => e.node.name)).toEqual(['Ada', 'Alan', 'Grace']);
    expect(res.data.customers.edges.map((e: any) => e.node.acme_greeter_greeting)).toEqual([null, null, null]);
    expect(res.data.customers.edges.map((e: any) => e.node.acme_greeter_stats.calls)).toEqual([2, 2, 2]);
    expect(new Set(res.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['PLUGIN_FAILED']));
    expect(res.errors![0]!.message).toContain('greeting service down');
    const logs = await a(`{ pluginLogs(pluginId: "acme.greeter") { level message } }`);
    expect(logs.data.pluginLogs.some((l: any) => l.level === 'ERROR' && l.message.includes('greeting service down'))).toBe(true);
    const back = await a(`mutation { rollbackPlugin(pluginId: "acme.greeter") { installation { version } } }`);
    expect(back.data.rollbackPlugin.installation.version).toBe('1.0.0');
    expect((await a(QUERY)).errors).toBeUndefined();
  });

  it('a batched resolver can fail one parent: only that parent\'s field errors', async () => {
    await publish('1.2.0', (s) => s.replace('customers.map((c) => `${ctx.config.greeting}, ${c.name}!`)',
      'customers.map((c) => (c.name === "Grace" ? new Error("no greeting for Grace") : `${ctx.config.greeting}, ${c.name}!`))'));
    await a(`mutation { upgradePlugin(input: { pluginId: "acme.greeter", version: "1.2.0" }) { installation { version } } }`);
    const res = await a(QUERY);
    expect(res.data.customers.edges.map((e: any) => e.node.acme_greeter_greeting)).toEqual(['Ahoy, Ada!', 'Ahoy, Alan!', null]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['customers', 'edges', 2, 'node', 'acme_greeter_greeting'], extensions: { code: 'PLUGIN_FAILED' } });
    expect(res.errors![0]!.message).toContain('no greeting for Grace');
  });

  it('only admins manage plugins; uninstall removes the fields at once', async () => {
    const res = await a(`mutation { uninstallPlugin(pluginId: "acme.greeter") { installation { status } } }`);
    expect(res.data.uninstallPlugin.installation.status).toBe('UNINSTALLED');
    expect((await a(QUERY)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
