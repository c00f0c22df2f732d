import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverConfigFromEnv } from '../../config.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createPublisher } from '../registry/index.js';
import { buildFixture } from './build-fixture.js';
import { graphqlClient, type Gql, type GqlResponse } from './graphql-client.js';

/** A running server with one tenant and the publisher `acme`, for core's plugin tests. */
export interface PluginTestServer {
  platform: Platform;
  server: RunningServer;
  tenantId: string;
  /** The tenant's admin key, and a client speaking with it. */
  adminKey: string;
  admin: Gql;
  /** A new key of `role` in the tenant, with a client speaking with it. */
  keyFor(role: 'agent' | 'integrator'): Promise<{ gql: Gql; keyId: string }>;
  /**
   * Builds the fixture plugin `name`, signs it as `acme` and publishes it through the admin API;
   * answers the response, selecting `selection` of the published version.
   */
  publish(name: string, version?: string, selection?: string, editManifest?: (manifest: Record<string, unknown>) => Record<string, unknown>): Promise<GqlResponse>;
  close(): Promise<void>;
}

/** Opens a platform on a temp data folder (with `env` over the process's), serves it on loopback and creates tenant `slug`. */
export async function startPluginTestServer(slug: string, env: Record<string, string> = {}): Promise<PluginTestServer> {
  const dir = mkdtempSync(join(tmpdir(), `mosaic-${slug}-`));
  const platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', ...env }), createLogger('silent'));
  const server = await startServer(platform);
  const created = await createTenant(platform.control.db, platform.tenants, { slug });
  const admin = graphqlClient(server.url, created.apiKey);
  const publisher = await createPublisher(platform.control.db, { handle: 'acme' });
  return {
    platform,
    server,
    tenantId: created.tenant.id,
    adminKey: created.apiKey,
    admin,
    async keyFor(role) {
      const key = await createApiKey(platform.control.db, { tenantId: created.tenant.id, role });
      return { gql: graphqlClient(server.url, key.apiKey), keyId: key.id };
    },
    async publish(name, version = '1.0.0', selection = 'version', editManifest) {
      const built = await buildFixture(name, version, undefined, editManifest);
      return admin(`mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { ${selection} } } }`, {
        i: { publisherId: publisher.publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(publisher.privateKeyPem) },
      });
    },
    async close() {
      await server.close();
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
