import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicBin } from './core-process.js';
import { graphqlClient } from './harness.js';
import { freePort, waitForHttp } from './sqld-server.js';

const run = promisify(execFile);

describe('the mosaic CLI (built package)', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, MOSAIC_DATA_DIR: dataDir, MOSAIC_LOG_LEVEL: 'warn' });
  const mosaic = (...args: string[]) => run(process.execPath, [mosaicBin(), ...args], { env: env() });
  const failing = async (...args: string[]) => {
    const err = await mosaic(...args).then(() => null, (e: { code: number; stderr: string; stdout: string }) => e);
    expect(err, `mosaic ${args.join(' ')} should fail`).not.toBeNull();
    return err!;
  };

  beforeAll(() => { dataDir = mkdtempSync(join(tmpdir(), 'mosaic-cli-')); });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('tenant create --json prints exactly {"id","slug","apiKey"}', async () => {
    const { stdout } = await mosaic('tenant', 'create', 'cli-co', '--json');
    const out = JSON.parse(stdout);
    expect(Object.keys(out).sort()).toEqual(['apiKey', 'id', 'slug']);
    expect(out.slug).toBe('cli-co');
    expect(out.apiKey).toMatch(/^mos_[0-9a-f]{32}_/);
  });

  it('apikey create --json gives a key of the asked role', async () => {
    const { stdout } = await mosaic('apikey', 'create', '--tenant', 'cli-co', '--role', 'integrator', '--json');
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ tenant: 'cli-co', role: 'integrator' });
    expect(out.apiKey).toMatch(/^mos_/);
  });

  it('bad input exits non-zero with a one-line coded reason', async () => {
    const dup = await failing('tenant', 'create', 'cli-co', '--json');
    expect(dup.stderr).toBe('mosaic: CONFLICT: tenant "cli-co" already exists\n');
    const badSlug = await failing('tenant', 'create', 'Not A Slug');
    expect(badSlug.code).toBe(2);
    expect(badSlug.stderr).toMatch(/^mosaic: BAD_USER_INPUT: invalid input: slug: .*\n$/);
    const badRole = await failing('apikey', 'create', '--tenant', 'cli-co', '--role', 'root');
    expect(badRole.stderr).toMatch(/^mosaic: BAD_USER_INPUT: usage: mosaic apikey create/);
    const unknownTenant = await failing('apikey', 'create', '--tenant', 'ghost', '--role', 'agent');
    expect(unknownTenant.stderr).toBe('mosaic: NOT_FOUND: tenant "ghost" not found\n');
    const badCount = await failing('seed', '--tenant', 'cli-co', '--customers', 'many');
    expect(badCount.stderr).toContain('--customers takes a whole number');
    const unknownFlag = await failing('tenant', 'list', '--frobnicate');
    expect(unknownFlag.code).toBe(2);
  });

  it('seed fills a tenant, reports progress on stderr and counts on stdout', async () => {
    const { stdout, stderr } = await mosaic('seed', '--tenant', 'cli-co', '--customers', '300', '--json');
    const out = JSON.parse(stdout);
    expect(out.customers).toBe(300);
    expect(out.interactions).toBeGreaterThan(2000);
    expect(stderr).toContain('customers: 300/300 (100%)');
  });

  it('serve on an empty data dir creates a demo tenant, prints its keys, and the keys work', async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 'mosaic-demo-'));
    const port = await freePort();
    const child = spawn(process.execPath, [mosaicBin(), 'serve'], {
      env: { ...process.env, MOSAIC_DATA_DIR: demoDir, MOSAIC_LOG_LEVEL: 'warn', PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, child, 60_000);
      const key = /integrator\s+(mos_\S+)/.exec(stderr)?.[1];
      expect(key, stderr).toBeDefined();
      const saved = JSON.parse(readFileSync(join(demoDir, 'demo-credentials.json'), 'utf8'));
      expect(saved.keys.integrator).toBe(key);
      const res = await graphqlClient(`http://127.0.0.1:${port}`, key!).gql('{ viewer { tenantSlug role } customers(first: 3) { edges { node { name } } } }');
      expect(res.data!.viewer).toEqual({ tenantSlug: 'demo', role: 'INTEGRATOR' });
      expect(res.data!.customers.edges).toHaveLength(3);
      // the demo agent key speaks for the first agent: it sets that agent's presence, no one else's
      const agentClient = graphqlClient(`http://127.0.0.1:${port}`, saved.keys.agent);
      const listed = await agentClient.gql('{ agents(first: 2) { edges { node { id } } } }');
      const [first, second] = listed.data!.agents.edges.map((e: { node: { id: string } }) => e.node.id);
      const setStatus = (id: string) => agentClient.gql('mutation($id: ID!) { updateAgent(input: { id: $id, status: AWAY }) { agent { status } } }', { id });
      expect((await setStatus(first)).data).toEqual({ updateAgent: { agent: { status: 'AWAY' } } });
      expect((await setStatus(second)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).toContain('Mosaic GraphQL');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(demoDir, { recursive: true, force: true });
    }
  });
});
