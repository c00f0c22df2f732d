import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ZOD = dirname(fileURLToPath(import.meta.resolve('zod/package.json')));

/** A plugin project in a fresh temp folder for the SDK's own tests: src/index.ts and zod installed. */
export async function tempPluginProject(source: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mosaic-sdk-test-'));
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'node_modules'));
  await symlink(ZOD, join(dir, 'node_modules', 'zod'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'sdk-test-plugin', type: 'module' }));
  await writeFile(join(dir, 'src', 'index.ts'), source);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
