/**
 * What every fault test starts from: a tenant on a real database (an embedded data folder or a
 * sqld) with the probe plugin installed and a channel to import into, served by `mosaic serve` in
 * a process of its own, and an in-process platform on the same database to look underneath the
 * API once the fault has passed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey, createTenant, openPlatform, serverConfigFromEnv, type Platform } from '@mosaic/core';
import { startCoreProcess, type CoreProcess } from '../core-process.js';
import { graphqlClient, type Client } from '../harness.js';
import { publishBuiltPlugin } from '../publish-built-plugin.js';

const PROBE_DIR = fileURLToPath(new URL('./probe-plugin/', import.meta.url));
export const PROBE_ID = 'faults.probe';

export interface FaultWorld {
  /** The database part of a core process's environment (also what the in-process platform uses). */
  env: Record<string, string>;
  platform: Platform;
  tenantId: string;
  adminKey: string;
  /** Global id of the channel rows are imported on. */
  channelId: string;
  /** The probe's installation id (the `source_installation_id` of the interactions it writes). */
  probeInstallationId: string;
  /** An admin client for `core`. */
  client(core: CoreProcess): Client;
  /** A new admin key of the tenant, which no core process has verified (or cached) yet. */
  freshKey(): Promise<string>;
  /** Runs SQL on the tenant's database directly, for what the API does not show (outbox, deliveries). */
  tenantRows(sql: string, args?: (string | number)[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Prepares the world on the database `dbEnv` names (`MOSAIC_DATA_DIR`, or sqld's URLs) and
 * returns it with the core process it was prepared through, still running.
 */
export async function prepareFaultWorld(dbEnv: Record<string, string>, slug: string): Promise<{ world: FaultWorld; core: CoreProcess }> {
  // Channels keep their secrets in the vault, whose key a libsql server does not hold for us.
  const env = { MOSAIC_LOG_LEVEL: 'warn', MOSAIC_SECRETS_KEY: randomBytes(32).toString('base64'), ...dbEnv };
  const platform = await openPlatform(serverConfigFromEnv({ ...process.env, ...env, PORT: '0' }));
  const out = mkdtempSync(join(tmpdir(), 'mosaic-faults-probe-'));
  let core: CoreProcess | undefined;
  try {
    const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug });
    core = await startCoreProcess(env);
    const admin = graphqlClient(core.url, apiKey);
    await publishBuiltPlugin(platform, admin, PROBE_DIR, out, 'faults');
    const installed = await admin.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`, {
      i: { pluginId: PROBE_ID, version: '1.0.0', grantScopes: ['customers:read', 'interactions:write', 'storage'] },
    });
    const channel = await admin.gql('mutation { createChannel(input: { kind: EMAIL, name: "Imports" }) { channel { id } } }');
    if (installed.errors || channel.errors) throw new Error(`preparing the fault world failed: ${JSON.stringify([installed.errors, channel.errors])}`);
    const world: FaultWorld = {
      env,
      platform,
      tenantId: tenant.id,
      adminKey: apiKey,
      channelId: channel.data!.createChannel.channel.id,
      probeInstallationId: await installationId(platform, tenant.id),
      client: (c) => graphqlClient(c.url, apiKey),
      freshKey: async () => (await createApiKey(platform.control.db, { tenantId: tenant.id, role: 'admin' })).apiKey,
      async tenantRows(sql, args = []) {
        const rs = await (await platform.tenants.get(tenant.id)).client.execute({ sql, args });
        return rs.rows.map((row) => Object.fromEntries(rs.columns.map((c, i) => [c, row[i]])));
      },
      close: () => platform.close(),
    };
    return { world, core };
  } catch (err) {
    await core?.stop();
    await platform.close();
    throw err;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The probe's installation id, from the control plane where installations live. */
async function installationId(platform: Platform, tenantId: string): Promise<string> {
  const rs = await platform.control.client.execute({
    sql: 'select id from installations where tenant_id = ? and plugin_id = ?', args: [tenantId, PROBE_ID],
  });
  if (!rs.rows[0]) throw new Error(`${PROBE_ID} is not installed`);
  return String(rs.rows[0].id);
}

/** The process ids of `pid`'s children (e.g. the sandbox workers of a core process), from /proc. */
export function childPids(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

/** Polls `check` every 100 ms until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
