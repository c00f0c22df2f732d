import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The @mosaic/core folder, found by walking up from this module, so that files shipped beside
 * the code (migrations) resolve the same from `src/` under vitest and from the bundled `dist/`.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'drizzle'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot locate the @mosaic/core package folder');
    dir = parent;
  }
  return dir;
}
