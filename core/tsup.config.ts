import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
  // The web's stylesheets are read at run time from beside the bundle (see src/web/static-assets.ts).
  onSuccess: async () => cpSync('src/web/assets', 'dist/assets', { recursive: true }),
});
