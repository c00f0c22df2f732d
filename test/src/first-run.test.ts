import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicBin } from './core-process.js';
import { graphqlClient } from './harness.js';
import { freePort, waitForHttp } from './sqld-server.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const sdkBin = () => join(dirname(require.resolve('@mosaic/sdk/package.json')), 'bin', 'mosaic-plugin.js');
// Inside the repository so the scaffolded plugin resolves @mosaic/sdk like an ISV's would from npm.
const WORK = fileURLToPath(new URL('../.work/', import.meta.url));

type Failure = { code: number; stdout: string; stderr: string };
const fails = (file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string }) =>
  run(process.execPath, [file, ...args], options).then(
    () => { throw new Error(`${args.join(' ')} should have failed`); },
    (e: Failure) => e,
  );

/** `mosaic serve` on a data folder, its stderr collected as it comes. */
function serve(dataDir: string, port: number) {
  const child = spawn(process.execPath, [mosaicBin(), 'serve'], {
    env: { ...process.env, MOSAIC_DATA_DIR: dataDir, MOSAIC_LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const out = { child, stderr: '' };
  child.stderr!.on('data', (d) => { out.stderr += d; });
  return out;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe('what a newcomer meets on a first run', () => {
  let dataDir: string;
  let workDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mosaic-first-run-'));
    mkdirSync(WORK, { recursive: true });
    workDir = mkdtempSync(join(WORK, 'first-run-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('a plugin that does not build: both CLIs print every problem, not just a heading', async () => {
    const env = { ...process.env, MOSAIC_DATA_DIR: dataDir, MOSAIC_LOG_LEVEL: 'warn' };
    await run(process.execPath, [mosaicBin(), 'plugin', 'new', 'broken', '--id', 'acme.broken'], { env, cwd: workDir });
    const entry = join(workDir, 'broken', 'src', 'index.ts');
    writeFileSync(entry, `import { readFileSync } from 'node:fs';\nimport './missing.js';\n${readFileSync(entry, 'utf8')}\nexport const leak = readFileSync;\n`);

    const viaCore = await fails(mosaicBin(), ['plugin', 'build', 'broken'], { env, cwd: workDir });
    expect(viaCore.code).toBe(1);
    const lines = viaCore.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('mosaic: PLUGIN_BUILD_FAILED: broken did not build:');
    expect(viaCore.stderr).toMatch(/src\/index\.ts:1:\d+: plugin code cannot import the Node builtin "node:fs"/);
    expect(viaCore.stderr).toMatch(/src\/index\.ts:2:\d+: Could not resolve "\.\/missing\.js"/);
    expect(existsSync(join(workDir, 'broken', 'dist'))).toBe(false);

    const viaSdk = await fails(sdkBin(), ['build', 'broken'], { cwd: workDir });
    expect(viaSdk.code).toBe(1);
    expect(viaSdk.stderr).toMatch(/^Plugin build failed:\n {2}src\/index\.ts:1:\d+: plugin code cannot import the Node builtin "node:fs"/);
    expect(viaSdk.stderr).toContain('Could not resolve "./missing.js"');
  });

  it('serve on a port already taken says ADDRESS_IN_USE in one line and migrates nothing', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => taken.listen(port, '127.0.0.1', r));
    const emptyDir = mkdtempSync(join(tmpdir(), 'mosaic-port-taken-'));
    try {
      const env = { ...process.env, MOSAIC_DATA_DIR: emptyDir, MOSAIC_LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1' };
      const failed = await fails(mosaicBin(), ['serve'], { env });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toBe(`mosaic: ADDRESS_IN_USE: 127.0.0.1:${port} is already in use by another process; stop it or choose another port with PORT\n`);
      expect(failed.stdout).toBe('');
      expect(readdirSync(emptyDir)).toEqual([]);
    } finally {
      await new Promise((r) => taken.close(r));
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('a first start killed while seeding the demo is finished by the next start, whose keys work', async () => {
    const port = await freePort();
    const credentialsFile = join(dataDir, 'demo-credentials.json');
    const first = serve(dataDir, port);
    // The tenant exists once seeding reports progress; kill the process there, as a crash would.
    await new Promise<void>((resolve, reject) => {
      const check = () => { if (first.stderr.includes('seeding demo tenant')) { first.child.kill('SIGKILL'); resolve(); } };
      first.child.stderr!.on('data', check);
      first.child.once('exit', () => reject(new Error(`serve exited before seeding:\n${first.stderr}`)));
    });
    await exited(first.child);
    expect(existsSync(credentialsFile)).toBe(false);
    const env = { ...process.env, MOSAIC_DATA_DIR: dataDir, MOSAIC_LOG_LEVEL: 'warn' };
    const listed = JSON.parse((await run(process.execPath, [mosaicBin(), 'tenant', 'list', '--json'], { env })).stdout);
    expect(listed.tenants.map((t: { slug: string }) => t.slug)).toEqual(['demo']);

    const second = serve(dataDir, port);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, second.child, 90_000);
      expect(second.stderr).toContain('Demo tenant "demo" finished');
      const key = (role: string) => new RegExp(`${role}\\s+(mos_\\S+)`).exec(second.stderr)?.[1];
      const saved = JSON.parse(readFileSync(credentialsFile, 'utf8'));
      expect(saved.keys).toEqual({ admin: key('admin'), agent: key('agent'), integrator: key('integrator') });
      // The web sign-ins are printed beside the keys, and saved with them.
      const signIn = (who: string) => new RegExp(`${who}\\s+(\\S+@\\S+) / (\\S+)`).exec(second.stderr)?.slice(1);
      expect([signIn('portal customer'), signIn('console agent'), signIn('admin')]).toEqual(
        ['customer', 'agent', 'admin'].map((who) => [saved.signIns[who].email, saved.signIns[who].password]),
      );
      expect(saved.signIns.admin.password).toMatch(/^[\w-]{16}$/);
      const url = `http://127.0.0.1:${port}`;
      const integrator = graphqlClient(url, saved.keys.integrator);
      const viewer = await integrator.gql('{ viewer { tenantSlug role } }');
      expect(viewer.data, second.stderr).toEqual({ viewer: { tenantSlug: 'demo', role: 'INTEGRATOR' } });
      // Seeding stopped early and was finished: the demo has its full 500 customers, once each.
      const ids = new Set<string>();
      for (let after: string | null = null, more = true; more;) {
        const page: { data?: any } = await integrator.gql('query($after: String) { customers(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', { after });
        for (const edge of page.data.customers.edges) ids.add(edge.node.id);
        ({ hasNextPage: more, endCursor: after } = page.data.customers.pageInfo);
      }
      expect(ids.size).toBe(500);
      const admin = await graphqlClient(url, saved.keys.admin).gql('{ viewer { role } }');
      expect(admin.data).toEqual({ viewer: { role: 'ADMIN' } });
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }

    // A third start finds the demo whole: no new keys, and it says where the saved ones are.
    const third = serve(dataDir, port);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, third.child, 60_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(third.stderr).toContain(`Demo tenant "demo": its API keys and sign-ins are in ${credentialsFile}`);
      expect(third.stderr).not.toMatch(/mos_/);
    } finally {
      third.child.kill('SIGTERM');
      await exited(third.child);
    }
  });
});
