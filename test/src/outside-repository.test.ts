import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicBin, startCoreProcess, type CoreProcess } from './core-process.js';
import { graphqlClient } from './harness.js';
import { newcomerEnv } from './newcomer-env.js';

const run = promisify(execFile);
const REPO = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
const PACKAGES = { sandbox: join(REPO, 'core', 'sandbox'), sdk: join(REPO, 'sdk') };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline'];
const FIELD = 'acme_hello_greeting';

/** Every file and link under `dir` (links are reported, not followed). */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** An import of core or of a file by a path into the checkout, in built JavaScript or types. */
const CHECKOUT_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"](?:@mosaic\/core\b|[^'"]*\/core\/src\/)[^'"]*['"]/;

// SLOW (about two to three minutes, most of it npm compiling isolated-vm once): an ISV's whole
// path with nothing of this checkout but the two packed tarballs, in a folder outside it.
describe('a plugin written outside the repository, from the packed SDK to a tenant\'s query', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'mosaic-outside-')));
  const packs = join(root, 'packs');
  const plugin = join(root, 'hello');
  const { FORCE_COLOR: _color, ...shell } = newcomerEnv({ NO_COLOR: '1' });
  const env = { ...shell, XDG_CONFIG_HOME: join(root, 'config'), MOSAIC_DATA_DIR: join(root, 'data'), MOSAIC_LOG_LEVEL: 'warn' };
  const sh = async (file: string, args: string[], cwd: string, extra: Record<string, string> = {}) => {
    try {
      return await run(file, args, { cwd, env: { ...env, ...extra }, maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(`${[file, ...args].join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
    }
  };
  const tarballs: Record<keyof typeof PACKAGES, string> = { sandbox: '', sdk: '' };
  let server: CoreProcess | undefined;

  beforeAll(() => {
    expect(root.startsWith(REPO + sep)).toBe(false);
    mkdirSync(packs);
  });
  afterAll(async () => {
    await server?.stop();
    // npx keeps what it installed for `init` in npm's cache under a key of its own; drop ours.
    const listed = await run(npm, ['cache', 'npx', 'ls'], { env }).catch(() => ({ stdout: '' }));
    const keys = listed.stdout.split('\n').filter((line) => line.includes(packs)).map((line) => line.split(':')[0]!.trim());
    if (keys.length) await run(npm, ['cache', 'npx', 'rm', ...keys], { env }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('packs @mosaic/sandbox and @mosaic/sdk into tarballs of their build, with registry ranges for every dependency', async () => {
    for (const [name, dir] of Object.entries(PACKAGES) as [keyof typeof PACKAGES, string][]) {
      // The build turbo ran before the tests, as is: `prepack` rebuilding dist/ here would swap
      // it under the other test files running at the same time.
      const { stdout } = await sh(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], dir);
      const [packed] = JSON.parse(stdout) as { filename: string; size: number; files: { path: string }[] }[];
      tarballs[name] = join(packs, packed!.filename);
      const paths = packed!.files.map((f) => f.path);
      expect(paths.filter((p) => !/^(dist\/|bin\/)|^(package\.json|README\.md)$/.test(p)), name).toEqual([]);
      expect(paths).toContain('dist/index.js');
      console.log(`${packed!.filename}: ${(packed!.size / 1024).toFixed(1)} KiB packed, ${paths.length} files`);

      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
      expect(pkg.scripts.prepack, `${name} builds before it is packed`).toBe('tsup');
      for (const [dep, range] of Object.entries(pkg.dependencies)) expect(range, `${name} → ${dep}`).toMatch(/^[~^]?\d+\.\d+\.\d+(-[\w.]+)?$/);
    }
    expect(tarballs.sdk).toMatch(/mosaic-sdk-\d+\.\d+\.\d+\.tgz$/);
  });

  it('scaffolds with mosaic-plugin init from the tarballs and installs them with nothing of the checkout', async () => {
    // As sdk/README.md says: `init` only writes files, so npx skips isolated-vm's compile for it.
    const init = await sh(npm, ['exec', '--yes', '--ignore-scripts', ...NPM_FLAGS, `--package=${tarballs.sandbox}`, `--package=${tarballs.sdk}`,
      '--', 'mosaic-plugin', 'init', 'hello', 'acme.hello'], root);
    expect(init.stdout).toContain('next: cd hello && npm install && npm test && npm run build (installing from packed tarballs');
    expect(readdirSync(plugin).sort()).toEqual(['.gitignore', 'package.json', 'src', 'tsconfig.json']);
    const scaffolded = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'));
    expect(scaffolded.dependencies['@mosaic/sdk']).toBe('^0.1.0');

    // Both tarballs by path: npm takes @mosaic/sandbox for the SDK from there, not the registry.
    await sh(npm, ['install', ...NPM_FLAGS, '../packs/mosaic-sandbox-0.1.0.tgz', '../packs/mosaic-sdk-0.1.0.tgz'], plugin);
    const pkg = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toMatchObject({ '@mosaic/sdk': 'file:../packs/mosaic-sdk-0.1.0.tgz', '@mosaic/sandbox': 'file:../packs/mosaic-sandbox-0.1.0.tgz' });
    const lock = JSON.parse(readFileSync(join(plugin, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; link?: boolean }> };
    expect(Object.keys(lock.packages).filter((p) => p.includes('@mosaic/')).sort()).toEqual(['node_modules/@mosaic/sandbox', 'node_modules/@mosaic/sdk']);
    expect(lock.packages['node_modules/@mosaic/sandbox']?.resolved).toBe('file:../packs/mosaic-sandbox-0.1.0.tgz');

    const { stdout } = await sh(process.execPath, ['--input-type=module', '-e',
      "for (const s of ['@mosaic/sdk', '@mosaic/sdk/testing', '@mosaic/sandbox', 'isolated-vm']) console.log(import.meta.resolve(s))"], plugin);
    for (const url of stdout.trim().split('\n')) expect(realpathSync(fileURLToPath(url)).startsWith(join(plugin, 'node_modules') + sep), url).toBe(true);

    const modules = join(plugin, 'node_modules');
    const links = walk(modules).filter((file) => lstatSync(file).isSymbolicLink());
    const intoCheckout = links.filter((link) => resolve(dirname(link), readlinkSync(link)).startsWith(REPO + sep));
    expect(intoCheckout).toEqual([]);
    for (const name of ['sdk', 'sandbox']) {
      const files = walk(join(modules, '@mosaic', name));
      expect(files.length).toBeGreaterThan(3);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        expect(text.includes(REPO), `${file} names the checkout`).toBe(false);
        expect(CHECKOUT_IMPORT.exec(text)?.[0], `${file} imports core`).toBeUndefined();
      }
    }
  }, 600_000);

  it('passes the scaffold\'s own npm test (the harness in a real isolate), typecheck and build there', async () => {
    const tested = await sh(npm, ['test'], plugin);
    expect(tested.stdout).toMatch(/Tests\s+3 passed/);
    await sh(npm, ['run', 'typecheck'], plugin);
    const built = await sh(npm, ['run', 'build'], plugin);
    expect(built.stdout).toMatch(/built acme\.hello@0\.1\.0 → dist\/plugin\.js/);
  }, 180_000);

  it('scaffolds with the operator\'s mosaic plugin new into a folder outside the checkout too', async () => {
    const { stdout } = await sh(process.execPath, [mosaicBin(), 'plugin', 'new', 'other', '--id', 'acme.other'], root);
    expect(stdout).toContain('next: cd other && npm install && npm test && npm run build');
    expect(JSON.parse(readFileSync(join(root, 'other', 'package.json'), 'utf8')).dependencies['@mosaic/sdk']).toBe('^0.1.0');
  });

  it('publishes from there with mosaic-plugin publish to a running server; a tenant installs it and queries the field', async () => {
    const mosaic = async (...args: string[]) => JSON.parse((await sh(process.execPath, [mosaicBin(), ...args, '--json'], root)).stdout);
    const tenant = await mosaic('tenant', 'create', 'shop');
    const publisher = await mosaic('publisher', 'create', 'acme');
    expect(publisher.keyFile).toBe(join(root, 'config', 'mosaic', 'keys', 'acme.publisher-key.pem'));
    server = await startCoreProcess({ MOSAIC_DATA_DIR: env.MOSAIC_DATA_DIR! });

    // The ISV's side: the SDK's CLI, the admin key in the environment, the key file found where
    // publisher create wrote it.
    const published = await sh(npm, ['exec', '--', 'mosaic-plugin', 'publish', '--server', server.url, '--publisher', publisher.id, '--json'], plugin,
      { MOSAIC_API_KEY: tenant.apiKey });
    expect(JSON.parse(published.stdout)).toEqual({ pluginId: 'acme.hello', version: '0.1.0' });

    const admin = graphqlClient(server.url, tenant.apiKey);
    const installed = await admin.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status version } } }`,
      { i: { pluginId: 'acme.hello', version: '^0.1', grantScopes: ['customers:read'], config: { greeting: 'Ahoy' } } });
    expect(installed.errors).toBeUndefined();
    expect(installed.data!.installPlugin.installation).toEqual({ status: 'ACTIVE', version: '0.1.0' });
    await admin.gql(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    const res = await admin.gql(`{ customers(first: 5) { edges { node { name ${FIELD} } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.customers.edges.map((e: { node: unknown }) => e.node)).toEqual([{ name: 'Ada', [FIELD]: 'Ahoy, Ada!' }]);
  }, 120_000);
});
