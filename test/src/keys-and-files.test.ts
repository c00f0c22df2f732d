/**
 * Files and keys: the data folder and everything in it are the server user's alone; a revoked
 * key stops at once in the revoking process; an agent key changes only its own agent's presence;
 * key labels are bounded.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant, openPlatform, revokeApiKey, serverConfigFromEnv, startServer } from '@mosaic/core';
import { vaultFromEnv } from '../../core/src/plugins/installer/vault.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { create, dumpTenant, expectError, localOf, mutate, ok, rawPost, seedWorld, type World } from './fixtures.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('files in the data folder', () => {
  let root: string;
  beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'mosaic-files-')); });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a new data folder is 0700; databases, their WAL/SHM files and the secrets key are 0600', async () => {
    const previous = process.umask(0o022); // the usual umask, which left them 0755/0644
    const dataDir = join(root, 'fresh', 'data');
    const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dataDir, PORT: '0' });
    const platform = await openPlatform(config);
    try {
      const server = await startServer(platform);
      const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug: 'files' });
      const res = await rawPost({ server } as TestPlatform, { apiKey, body: { query: 'mutation { createAccount(input: { name: "On disk" }) { account { id } } }' } });
      expect(res.status).toBe(200);
      vaultFromEnv(config.database, { ...process.env, MOSAIC_SECRETS_KEY: '' }).encrypt('s', 'c');
      await server.close();

      expect(modeOf(dataDir)).toBe(0o700);
      const tenantDb = join(dataDir, `t_${tenant.id.replace(/-/g, '')}.db`);
      const files = [join(dataDir, 'control.db'), tenantDb, `${tenantDb}-wal`, `${tenantDb}-shm`, join(dataDir, 'control.db-wal'), join(dataDir, 'secrets.key')];
      for (const file of files) expect([file, modeOf(file).toString(8)]).toEqual([file, '600']);
    } finally {
      await platform.close();
      process.umask(previous);
    }
  });

  it('databases and a key file an older version left 0644 are tightened to 0600 when opened', async () => {
    const dataDir = join(root, 'older');
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(join(dataDir, 'control.db'), '', { mode: 0o644 });
    writeFileSync(join(dataDir, 'secrets.key'), Buffer.alloc(32, 7).toString('base64'), { mode: 0o644 });
    const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dataDir, PORT: '0' });
    const platform = await openPlatform(config);
    try {
      vaultFromEnv(config.database, { ...process.env, MOSAIC_SECRETS_KEY: '' }).encrypt('s', 'c');
      expect(modeOf(join(dataDir, 'control.db'))).toBe(0o600);
      expect(modeOf(join(dataDir, 'secrets.key'))).toBe(0o600);
    } finally {
      await platform.close();
    }
  });
});

describe('API keys', () => {
  let tp: TestPlatform;
  let admin: Client & { tenantId: string };
  let w: World;
  let second: string;

  beforeAll(async () => {
    tp = await startTestPlatform();
    admin = await tp.tenant('keys');
    w = await seedWorld(admin, 'keys');
    second = (await create(admin, 'createAgent', { name: 'Second', email: 'second@keys.example', status: 'ONLINE' })).agent.id;
  });
  afterAll(() => tp?.close());

  it('a revoked key answers 401 on its very next request in the process that revoked it (no cache wait)', async () => {
    const { id, apiKey } = await createApiKey(tp.platform.control.db, { tenantId: admin.tenantId, role: 'integrator' });
    const key = tp.client(apiKey);
    for (let i = 0; i < 3; i++) expect(ok(await key.gql('{ viewer { role } }'))).toEqual({ viewer: { role: 'INTEGRATOR' } }); // cached now
    expect(await revokeApiKey(tp.platform.control.db, admin.tenantId, id)).toBe(true);
    const res = await key.gql('{ viewer { role } }');
    expect(res.status).toBe(401);
    expectError(res, 'UNAUTHENTICATED', /revoked/);
    // the tenant's other keys are not affected
    expect(ok(await admin.gql('{ viewer { role } }'))).toEqual({ viewer: { role: 'ADMIN' } });
  });

  it('an agent key changes its own agent\'s status only; another agent\'s is FORBIDDEN and nothing is written', async () => {
    const own = await tp.keyFor(admin.tenantId, 'agent', { agent: w.agent });
    expect((await create(own, 'updateAgent', { id: w.agent, status: 'AWAY' })).agent.status).toBe('AWAY');

    const before = await dumpTenant(tp, admin.tenantId);
    expectError(await mutate(own, 'updateAgent', { id: second, status: 'OFFLINE' }), 'FORBIDDEN', /only its own agent's status/);
    expectError(await mutate(own, 'updateAgent', { id: w.agent, capacity: 50 }), 'FORBIDDEN', /admin/);
    const unbound = await tp.keyFor(admin.tenantId, 'agent');
    for (const id of [w.agent, second]) {
      expectError(await mutate(unbound, 'updateAgent', { id, status: 'OFFLINE' }), 'FORBIDDEN', /not tied to an agent/);
    }
    expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);

    // an admin supervises: any agent's status
    expect((await create(admin, 'updateAgent', { id: second, status: 'AWAY' })).agent.status).toBe('AWAY');
    // an unbound agent key still works cases
    expect(ok(await unbound.gql('{ viewer { role } }'))).toEqual({ viewer: { role: 'AGENT' } });
  });

  it('an agent key tied to another tenant\'s agent id changes nothing here', async () => {
    const other = await tp.tenant('keys-other');
    const foreign = await tp.keyFor(other.tenantId, 'agent', { agent: w.agent });
    const before = await dumpTenant(tp, admin.tenantId);
    expectError(await mutate(foreign, 'updateAgent', { id: w.agent, status: 'OFFLINE' }), 'NOT_FOUND', /^Agent not found$/);
    expect(await dumpTenant(tp, admin.tenantId)).toEqual(before);
  });

  it('labels are capped and restricted; only agent keys are tied to agents (BAD_USER_INPUT, no key made)', async () => {
    const make = (input: { label?: string; role?: 'admin' | 'agent'; agentId?: string }) =>
      createApiKey(tp.platform.control.db, { tenantId: admin.tenantId, role: input.role ?? 'agent', ...input }).then(() => null, (e) => e);
    const keysBefore = (await tp.platform.control.client.execute('select count(*) as n from api_keys')).rows[0]!.n;
    for (const [label, why] of [['x'.repeat(101), /at most 100|100 characters|too big|<=100/i], ['tab\there', /a label is/], ['<script>', /a label is/], ['', /label/]] as const) {
      const err = await make({ label });
      expect(err?.code, label).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(why);
    }
    const err = await make({ role: 'admin', agentId: localOf(w.agent) });
    expect(err?.code).toBe('BAD_USER_INPUT');
    expect(err.message).toMatch(/only an agent key can be tied to an agent/);
    expect((await tp.platform.control.client.execute('select count(*) as n from api_keys')).rows[0]!.n).toBe(keysBefore);
    expect(await make({ label: 'Support desk #2 (night shift)' })).toBeNull();
  });
});
