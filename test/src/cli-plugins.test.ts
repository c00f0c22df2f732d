import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicBin } from './core-process.js';
import { graphqlClient, type Client } from './harness.js';
import { freePort, waitForHttp } from './sqld-server.js';

const run = promisify(execFile);
// Inside the repository so the scaffolded plugin resolves @mosaic/sdk and zod like an ISV's would from npm.
const WORK = fileURLToPath(new URL('../.work/', import.meta.url));

describe('an ISV\'s plugin through the mosaic CLI: scaffold → build → publish → install', () => {
  let dataDir: string;
  let configDir: string;
  let workDir: string;
  let server: ChildProcess | undefined;
  let url: string;
  const env = () => ({ ...process.env, MOSAIC_DATA_DIR: dataDir, XDG_CONFIG_HOME: configDir, MOSAIC_LOG_LEVEL: 'warn' });
  const mosaic = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [mosaicBin(), ...args], { env: env(), cwd: workDir });
    return args.includes('--json') ? JSON.parse(stdout) : stdout;
  };
  const mosaicFails = (...args: string[]) =>
    run(process.execPath, [mosaicBin(), ...args], { env: env(), cwd: workDir }).then(
      () => { throw new Error(`mosaic ${args.join(' ')} should have failed`); },
      (e: { code: number; stderr: string }) => e,
    );

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mosaic-cli-plugins-'));
    configDir = mkdtempSync(join(tmpdir(), 'mosaic-cli-config-'));
    mkdirSync(WORK, { recursive: true });
    workDir = mkdtempSync(join(WORK, 'isv-'));
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    if (server && server.exitCode === null) await new Promise((r) => server!.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('runs the whole lifecycle and the plugin field appears only in the installing tenant', async () => {
    const a = await mosaic('tenant', 'create', 'isv-a', '--json');
    const b = await mosaic('tenant', 'create', 'isv-b', '--json');
    const publisher = await mosaic('publisher', 'create', 'greetco', '--json');
    // The private key goes to the user's config folder, owner-only, never into the project.
    const keyDir = join(configDir, 'mosaic', 'keys');
    expect(publisher.keyFile).toBe(join(keyDir, 'greetco.publisher-key.pem'));
    expect(statSync(publisher.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(keyDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(workDir)).toEqual([]);

    const scaffolded = await mosaic('plugin', 'new', 'hello', '--id', 'greetco.hello', '--json');
    expect(scaffolded.files).toContain('src/index.ts');
    const built = await mosaic('plugin', 'build', 'hello', '--json');
    expect(built).toMatchObject({ pluginId: 'greetco.hello', version: '0.1.0' });
    expect(built.sha256).toMatch(/^[0-9a-f]{64}$/);

    const noKey = await mosaicFails('plugin', 'publish', 'hello', '--publisher', publisher.id, '--key-file', 'missing.pem');
    expect(noKey.stderr).toBe('mosaic: BAD_USER_INPUT: no private key at missing.pem; name the publisher\'s key file with --key-file\n');
    // Without --key-file, the key publisher create wrote is found; the publisher is named by handle.
    const published = await mosaic('plugin', 'publish', 'hello', '--publisher', 'greetco', '--json');
    expect(published).toEqual({ pluginId: 'greetco.hello', version: '0.1.0' });
    const again = await mosaicFails('plugin', 'publish', 'hello', '--publisher', publisher.id, '--key-file', publisher.keyFile);
    expect(again.stderr).toMatch(/^mosaic: CONFLICT: greetco.hello@0.1.0 is already published/);
    expect((await mosaic('plugin', 'list', '--json')).plugins.map((p: { pluginId: string }) => p.pluginId)).toEqual(['greetco.hello']);

    const unknown = await mosaicFails('plugin', 'install', 'greetco.nope', '--tenant', 'isv-a');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('mosaic: NOT_FOUND: plugin greetco.nope not found\n');
    const installed = await mosaic('plugin', 'install', 'greetco.hello@^0.1', '--tenant', 'isv-a', '--grant-all', '--config', 'greeting=Ahoy', '--json');
    expect(installed.installation).toMatchObject({ pluginId: 'greetco.hello', version: '0.1.0', status: 'active', config: { greeting: 'Ahoy' } });

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [mosaicBin(), 'serve', '--no-demo'], { env: { ...env(), PORT: String(port) }, stdio: 'ignore' });
    await waitForHttp(`${url}/healthz`, server, 30_000);
    const clientA: Client = graphqlClient(url, a.apiKey);
    const clientB: Client = graphqlClient(url, b.apiKey);
    await clientA.gql(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    await clientB.gql(`mutation { createCustomer(input: { name: "Bob" }) { customer { id } } }`);
    const field = 'greetco_hello_greeting';
    const viaA = await clientA.gql(`{ customers(first: 5) { edges { node { name ${field} } } } }`);
    expect(viaA.errors).toBeUndefined();
    expect(viaA.data!.customers.edges[0].node).toEqual({ name: 'Ada', [field]: 'Ahoy, Ada!' });
    const viaB = await clientB.gql(`{ customers(first: 5) { edges { node { name ${field} } } } }`);
    expect(viaB.errors?.[0]?.message).toContain(`Cannot query field "${field}"`);

    const removed = await mosaic('plugin', 'uninstall', 'greetco.hello', '--tenant', 'isv-a', '--json');
    expect(removed.installation.status).toBe('uninstalled');
    // The running server sees the change within its recheck interval, without a restart.
    let after = await clientA.gql(`{ customers(first: 5) { edges { node { ${field} } } } }`);
    for (let i = 0; i < 30 && !after.errors; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await clientA.gql(`{ customers(first: 5) { edges { node { ${field} } } } }`);
    }
    expect(after.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
