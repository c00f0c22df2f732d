import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, scaffoldPlugin, type BuildResult } from './build.js';
import { validateWidgetTree } from './widgets.js';

const ZOD = dirname(fileURLToPath(import.meta.resolve('zod/package.json')));
const FIELD = 'acme_helloWorld_greeting';
const customer = (name: string) => ({ id: name, name, email: null, phone: null, status: 'ACTIVE', account: null, mergedInto: null, identities: [], createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z' });

describe('scaffoldPlugin', () => {
  let root: string;
  let dir: string;
  let files: string[];
  let built: BuildResult;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mosaic-scaffold-'));
    dir = join(root, 'hello-world');
    files = await scaffoldPlugin(dir, 'acme.hello-world');
    // What `npm install` would provide; the SDK itself is resolved by the build.
    await mkdir(join(dir, 'node_modules'));
    await symlink(ZOD, join(dir, 'node_modules', 'zod'));
    built = await buildPlugin(dir);
  });

  it('builds without warnings: its field declares its input', () => {
    expect(built.warnings).toEqual([]);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('writes a plugin project', async () => {
    expect(files.sort()).toEqual(['.gitignore', 'package.json', 'src/index.test.ts', 'src/index.ts', 'tsconfig.json']);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'acme.hello-world', type: 'module', dependencies: { '@mosaic/sdk': '^0.1.0' } });
    expect(await readFile(join(dir, 'src/index.test.ts'), 'utf8')).toContain("from '@mosaic/sdk/testing'");
  });

  it('builds into a bundle whose resolver and widget work', async () => {
    expect(built.manifest).toMatchObject({
      id: 'acme.hello-world',
      resolvers: [`Customer.${FIELD}`],
      scopes: ['customers:read'],
      inputs: { [`Customer.${FIELD}`]: 'fragment GreetingInput on Customer {\n  name\n}' },
      widgets: [{ id: 'greeting', extensionPoint: 'console.customer.sidebar', title: 'Hello World' }],
      configSchema: { properties: { greeting: { type: 'string', default: 'Hello' } } },
    });
    const context = vm.createContext({});
    vm.runInContext(built.code, context);
    const plugin = context.mosaicPlugin;
    const ctx = { config: { greeting: 'Hi' } };
    expect(await plugin.resolvers.Customer[FIELD]([customer('Ada'), customer('Lin')], {}, ctx)).toEqual(['Hi, Ada!', 'Hi, Lin!']);
    const tree = await plugin.widgets.greeting.render({ customer: customer('Ada') }, ctx);
    expect(validateWidgetTree(JSON.parse(JSON.stringify(tree)))).toMatchObject({ success: true });
  });

  it('tests itself in the isolate harness, with the SDK alone (no core)', async () => {
    // Running that test needs @mosaic/sandbox built: examples/shipment-tracking-plugin runs it.
    const test = await readFile(join(dir, 'src/index.test.ts'), 'utf8');
    expect(test).toContain("import { createTestHarness, type TestHarness } from '@mosaic/sdk/testing';");
    expect(test).toContain(`harness.resolve('Customer.${FIELD}'`);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg.devDependencies).toMatchObject({ vitest: expect.any(String) });
    expect(pkg.devDependencies).not.toHaveProperty('@mosaic/core');
  });

  it('refuses a bad id or a directory in use', async () => {
    await expect(scaffoldPlugin(join(root, 'x'), 'HelloWorld')).rejects.toThrow('Plugin id "HelloWorld" must be publisher.name');
    await writeFile(join(root, 'taken.txt'), '');
    await expect(scaffoldPlugin(root, 'acme.other')).rejects.toThrow(`${root} is not empty`);
  });
});
