/**
 * The same attacks against `mosaic serve` in a process of its own (the built package), where the
 * server's memory can be read from /proc: oversized bodies with an integrator key, one and five
 * at a time, and variables nested thousands deep, while another tenant keeps being served. Also
 * the bound on revocation seen by another process, and the CLI's agent-key and label checks.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant, openPlatform, revokeApiKey, serverConfigFromEnv, type Platform } from '@mosaic/core';
import { KEY_CACHE_TTL_MS } from '../../core/src/tenancy/api-keys.js';
import { mosaicBin, startCoreProcess, type CoreProcess } from './core-process.js';
import { create, expectError, localOf, mutate, ok } from './fixtures.js';
import { graphqlClient, type Client } from './harness.js';
import { streamingPost } from './streaming-post.js';

const run = promisify(execFile);
const MB = 1024 * 1024;

/** Resident memory of a process, from the kernel's own accounting. */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

let dataDir: string;
let platform: Platform;
let server: CoreProcess;
let integrator: Client;
let witness: Client;
let tenantA: { id: string; slug: string };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mosaic-proc-'));
  // This process prepares tenants and keys in the same data folder the server uses.
  platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dataDir, PORT: '0' }));
  const a = await createTenant(platform.control.db, platform.tenants, { slug: 'proc-a' });
  const b = await createTenant(platform.control.db, platform.tenants, { slug: 'proc-b' });
  tenantA = a.tenant;
  server = await startCoreProcess({ MOSAIC_DATA_DIR: dataDir });
  integrator = graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: a.tenant.id, role: 'integrator' })).apiKey);
  witness = graphqlClient(server.url, b.apiKey);
  ok(await witness.gql('mutation { createAccount(input: { name: "Witness Co" }) { account { id } } }'));
});
afterAll(async () => {
  await server?.stop();
  await platform?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function witnessServedNormally() {
  const started = performance.now();
  const data = ok(await witness.gql('{ viewer { tenantSlug } accounts(first: 5) { edges { node { name } } } }'));
  expect(data).toEqual({ viewer: { tenantSlug: 'proc-b' }, accounts: { edges: [{ node: { name: 'Witness Co' } }] } });
  expect(performance.now() - started).toBeLessThan(2000);
}

/** A 100 MB body with the integrator's key: chunked, or declaring its length up front. */
const hundredMegabytes = (declared: boolean) => streamingPost(`${server.url}/graphql`, {
  headers: { authorization: `Bearer ${integrator.apiKey}` },
  prefix: '{"query":"{ viewer { role } }","variables":{"pad":"',
  totalBytes: 100 * MB,
  ...(declared ? { declaredLength: 100 * MB } : {}),
});

function expectRefused(answer: Awaited<ReturnType<typeof hundredMegabytes>>) {
  // 413 PAYLOAD_TOO_LARGE, or the connection closed under a client still writing its body
  if (answer.status !== null) {
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  }
  expect(answer.bytesSent).toBeLessThan(16 * MB);
}

describe('a server process under oversized input', () => {
  let baseline: number;
  beforeAll(async () => {
    for (let i = 0; i < 20; i++) await witnessServedNormally();
    baseline = rssOf(server.pid);
  });

  it('a 100 MB chunked body → 413 PAYLOAD_TOO_LARGE (or a closed connection); RSS stays near where it was', async () => {
    // The server answers 413 and closes; a client still writing may lose that answer to the
    // connection's reset (TCP drops unread data on RST), so it gets three tries to read it.
    const answers = [];
    for (let attempt = 0; attempt < 3 && answers.at(-1)?.status !== 413; attempt++) answers.push(await hundredMegabytes(false));
    for (const answer of answers) expectRefused(answer);
    expect(answers.at(-1)!.status, 'the server answers before the client gives up').toBe(413);
    expect(rssOf(server.pid) - baseline).toBeLessThan(64 * MB);
    await witnessServedNormally();
  });

  it('five 100 MB bodies at once (chunked and declared) → all refused; peak RSS stays near the baseline', async () => {
    let peak = rssOf(server.pid);
    const sampler = setInterval(() => { peak = Math.max(peak, rssOf(server.pid)); }, 20);
    try {
      const answers = await Promise.all([false, true, false, true, false].map(hundredMegabytes));
      for (const answer of answers) expectRefused(answer);
      await witnessServedNormally();
    } finally {
      clearInterval(sampler);
    }
    // before: 916 MB for one and 1.65 GB for five
    expect(peak - baseline).toBeLessThan(100 * MB);
  });

  it('variables nested 5 000 deep → 400 BAD_USER_INPUT; the server and the other tenant carry on', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${integrator.apiKey}` },
      body: `{"query":"{ viewer { role } }","variables":{"deep":${deep}}}`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors[0]!.message).not.toMatch(/call stack/);
    expect(ok(await integrator.gql('{ viewer { role } }'))).toEqual({ viewer: { role: 'INTEGRATOR' } });
    await witnessServedNormally();
    expect(rssOf(server.pid) - baseline).toBeLessThan(64 * MB);
  });
});

describe('revocation seen by another process', () => {
  it(`a key revoked elsewhere stops working within the documented ${KEY_CACHE_TTL_MS / 1000} s`, async () => {
    const { id, apiKey } = await createApiKey(platform.control.db, { tenantId: tenantA.id, role: 'integrator' });
    const key = graphqlClient(server.url, apiKey);
    expect(ok(await key.gql('{ viewer { role } }'))).toEqual({ viewer: { role: 'INTEGRATOR' } }); // now in the server's cache
    expect(await revokeApiKey(platform.control.db, tenantA.id, id)).toBe(true);
    const revokedAt = performance.now();
    let status = 200;
    while (status !== 401 && performance.now() - revokedAt < KEY_CACHE_TTL_MS + 3000) {
      status = (await key.gql('{ viewer { role } }')).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(401);
    expect(performance.now() - revokedAt).toBeLessThan(KEY_CACHE_TTL_MS + 1500);
  });
});

describe('the CLI: agent keys and labels', () => {
  const env = () => ({ ...process.env, MOSAIC_DATA_DIR: dataDir, MOSAIC_LOG_LEVEL: 'warn' });
  const mosaic = (...args: string[]) => run(process.execPath, [mosaicBin(), ...args], { env: env() });
  const failing = async (...args: string[]) => {
    const err = await mosaic(...args).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err, `mosaic ${args.join(' ')} should fail`).not.toBeNull();
    expect(err!.code).not.toBe(0);
    return err!.stderr;
  };
  const keyCount = async () => Number((await platform.control.client.execute('select count(*) as n from api_keys')).rows[0]!.n);

  it('apikey create --role agent --agent <id> makes a key that sets only that agent\'s status', async () => {
    const admin = graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: tenantA.id, role: 'admin' })).apiKey);
    const mine = (await create(admin, 'createAgent', { name: 'Mine', email: 'mine@proc.example', status: 'ONLINE' })).agent.id;
    const theirs = (await create(admin, 'createAgent', { name: 'Theirs', email: 'theirs@proc.example', status: 'ONLINE' })).agent.id;
    const { stdout } = await mosaic('apikey', 'create', '--tenant', 'proc-a', '--role', 'agent', '--agent', mine, '--label', 'Mine (desk 4)', '--json');
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ tenant: 'proc-a', role: 'agent', agent: mine });
    const row = (await platform.control.client.execute({ sql: 'select agent_id, label from api_keys where id = ?', args: [out.id] })).rows[0]!;
    expect([row.agent_id, row.label]).toEqual([localOf(mine), 'Mine (desk 4)']);
    const agentKey = graphqlClient(server.url, out.apiKey);
    expect((await create(agentKey, 'updateAgent', { id: mine, status: 'AWAY' })).agent.status).toBe('AWAY');
    expectError(await mutate(agentKey, 'updateAgent', { id: theirs, status: 'OFFLINE' }), 'FORBIDDEN', /only its own agent's status/);
    expect(ok(await admin.gql('query($id: ID!) { agent(id: $id) { status } }', { id: theirs })).agent.status).toBe('ONLINE');
  });

  it('refuses an unknown agent, --agent on a non-agent key, and bad labels, with a code and no key made', async () => {
    const before = await keyCount();
    expect(await failing('apikey', 'create', '--tenant', 'proc-a', '--role', 'agent', '--agent', 'QWdlbnQ6bm9wZQ')).toMatch(/mosaic: NOT_FOUND: Agent not found/);
    const someAgent = Buffer.from('Agent:00000000-0000-7000-8000-000000000000').toString('base64url');
    expect(await failing('apikey', 'create', '--tenant', 'proc-a', '--role', 'agent', '--agent', someAgent)).toMatch(/mosaic: NOT_FOUND: Agent not found/);
    const admin = graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: tenantA.id, role: 'admin' })).apiKey);
    const agent = (await create(admin, 'createAgent', { name: 'Any', email: 'any@proc.example' })).agent.id;
    const afterSetup = await keyCount();
    expect(afterSetup).toBe(before + 1);
    expect(await failing('apikey', 'create', '--tenant', 'proc-a', '--role', 'admin', '--agent', agent)).toMatch(/mosaic: BAD_USER_INPUT: only an agent key can be tied to an agent/);
    expect(await failing('apikey', 'create', '--tenant', 'proc-a', '--role', 'integrator', '--label', 'x'.repeat(101))).toMatch(/mosaic: BAD_USER_INPUT: invalid input: label/);
    expect(await failing('apikey', 'create', '--tenant', 'proc-a', '--role', 'integrator', '--label', 'evil\u001b[31m')).toMatch(/mosaic: BAD_USER_INPUT: invalid input: label: /);
    expect(await failing('apikey', 'create', '--tenant', 'proc-a', '--role', 'integrator', '--label', '<b>bold</b>')).toMatch(/mosaic: BAD_USER_INPUT: invalid input: label: a label is/);
    expect(await keyCount()).toBe(afterSetup);
  });
});
