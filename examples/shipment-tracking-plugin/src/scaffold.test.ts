import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scaffoldPlugin } from '@mosaic/sdk/build';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What `mosaic-plugin init` writes must pass its own test, which runs in the isolate harness
// (@mosaic/sandbox, which the SDK brings): checked here, as a package a plugin author would write.

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const HERE = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const TSC = require.resolve('typescript/bin/tsc');

/** The environment of a fresh shell: nothing this test run's vitest set. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TEST$|NODE_ENV$|NODE_OPTIONS$)/.test(k)));

describe('a scaffolded plugin', () => {
  let dir: string;
  beforeAll(async () => {
    // Inside this package, so its imports resolve from the repository as after `npm install`.
    dir = join(await mkdtemp(join(HERE, '.tmp-scaffold-')), 'hello-world');
    await scaffoldPlugin(dir, 'acme.hello-world');
  });
  afterAll(() => rm(dirname(dir), { recursive: true, force: true }));

  it('needs only the SDK: the sandbox its tests run in comes with it, core does not', async () => {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@mosaic/sdk']).toMatch(/^\^\d/);
    expect({ ...pkg.dependencies, ...pkg.devDependencies }).not.toHaveProperty('@mosaic/core');
  });

  it('type-checks', async () => {
    await run(process.execPath, [TSC, '--noEmit', '-p', dir], { env: cleanEnv() });
  }, 120_000);

  it('passes its own tests, run the way its author runs them', async () => {
    const { stdout } = await run(process.execPath, [VITEST, 'run'], { cwd: dir, env: { ...cleanEnv(), CI: '1', NO_COLOR: '1' } });
    expect(stdout).toMatch(/Tests\s+3 passed \(3\)/);
  }, 120_000);
});
