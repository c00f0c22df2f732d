import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApiKey, createTenant, openPlatform, serverConfigFromEnv, startServer,
  type Platform, type RunningServer,
} from '@mosaic/core';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** A GraphQL client bound to one API key, speaking real HTTP to the server. */
export interface Client {
  apiKey: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
}

export interface TestPlatform {
  platform: Platform;
  server: RunningServer;
  dataDir: string;
  client(apiKey: string): Client;
  /** Creates a tenant and returns an admin client for it. */
  tenant(slug: string): Promise<Client & { tenantId: string }>;
  /** Another key of the same tenant with a given role; an agent key may be tied to an agent (global id). */
  keyFor(tenantId: string, role: 'admin' | 'agent' | 'integrator', options?: { agent?: string }): Promise<Client>;
  close(): Promise<void>;
}

/** A GraphQL client for `baseUrl` speaking real HTTP with one API key. */
export function graphqlClient(baseUrl: string, apiKey: string): Client {
  return {
    apiKey,
    async gql(query, variables) {
      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GraphQLResponse;
      return { ...body, status: res.status } as never;
    },
  };
}

/** Starts a real platform (embedded libsql in a temp folder, HTTP on a free loopback port). */
export async function startTestPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-test-'));
  const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dataDir, PORT: '0', ...env });
  const platform = await openPlatform(config);
  const server = await startServer(platform);
  const client = (apiKey: string) => graphqlClient(server.url, apiKey);
  return {
    platform,
    server,
    dataDir,
    client,
    async tenant(slug) {
      const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug });
      return { ...client(apiKey), tenantId: tenant.id };
    },
    async keyFor(tenantId, role, options) {
      const agentId = options?.agent ? Buffer.from(options.agent, 'base64url').toString('utf8').split(':')[1] : undefined;
      const { apiKey } = await createApiKey(platform.control.db, { tenantId, role, agentId });
      return client(apiKey);
    },
    async close() {
      await server.close();
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The codes of a response's errors, for terse assertions. */
/** What a response answers, without `extensions` (its cost budget changes from request to request). */
export const answer = (res: GraphQLResponse) => ({ data: res.data, errors: res.errors });
export const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);
