import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '@mosaic/sdk/build';
import { signVersion, signingPayload } from '../registry/index.js';

export interface BuiltFixture {
  manifest: string;
  bundle: string;
  sign(privateKeyPem: string): string;
}

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * Builds a fixture plugin at `version` with the real SDK build. The source is copied next to the
 * original (so `@mosaic/sdk` and `zod` resolve from the repository) with the version and an
 * optional source edit applied.
 */
export async function buildFixture(
  name: string,
  version: string,
  edit: (src: string) => string = (s) => s,
  editManifest: (manifest: Record<string, unknown>) => Record<string, unknown> = (m) => m,
): Promise<BuiltFixture> {
  const work = mkdtempSync(join(FIXTURES, `.build-${name}-`));
  const out = mkdtempSync(join(tmpdir(), `mosaic-fixture-${name}-`));
  try {
    cpSync(join(FIXTURES, name), work, { recursive: true });
    const entry = join(work, 'src', 'index.ts');
    writeFileSync(entry, edit(readFileSync(entry, 'utf8').replace(`version: '0.0.0-fixture'`, `version: '${version}'`)));
    const result = await buildPlugin(work, { outDir: out });
    // A manifest changed after the build stands for one made without the SDK's build.
    const manifest = JSON.stringify(editManifest(JSON.parse(readFileSync(result.manifestFile, 'utf8')) as Record<string, unknown>));
    const bundle = readFileSync(result.pluginFile, 'utf8');
    const payload = signingPayload({ pluginId: result.manifest.id, version, manifest, bundle });
    return { manifest, bundle, sign: (key) => signVersion(key, payload) };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
