import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { newcomerEnv } from './newcomer-env.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// Slow (an install and a full build, from the npm cache): the one test that sees the repository
// the way a newcomer does, from its committed files alone.
describe.skipIf(!existsSync(join(REPO, '.git')))('a fresh clone of the repository', () => {
  const clone = join(mkdtempSync(join(tmpdir(), 'mosaic-fresh-clone-')), 'mosaic');
  afterAll(() => rmSync(join(clone, '..'), { recursive: true, force: true }));

  it('builds after one npm install, leaves git status clean, and a scaffolded plugin builds', async () => {
    const env = newcomerEnv();
    const sh = (file: string, args: string[], cwd = clone) => run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    await sh('git', ['clone', '--quiet', REPO, clone], tmpdir());
    await sh(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund']);
    // Both CLIs are linked by the first install, before anything is built.
    for (const bin of ['mosaic', 'mosaic-plugin']) expect(existsSync(join(clone, 'node_modules', '.bin', bin)), bin).toBe(true);

    await sh(npm, ['run', 'build']);
    expect(existsSync(join(clone, 'examples', 'shipment-tracking-plugin', 'dist', 'plugin.js'))).toBe(true);
    // Neither the install nor the build rewrote a committed file (package-lock.json above all).
    expect((await sh('git', ['status', '--porcelain'])).stdout).toBe('');

    await sh(process.execPath, [join(clone, 'core', 'bin', 'mosaic.js'), 'plugin', 'new', 'plugins/hello', '--id', 'acme.hello']);
    const built = await sh(npm, ['run', 'build'], join(clone, 'plugins', 'hello'));
    expect(built.stdout).toMatch(/built acme\.hello@0\.1\.0 → dist\/plugin\.js/);
  }, 235_000);
});
