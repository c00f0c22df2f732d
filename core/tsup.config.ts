import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // @mosaic/core/sandbox: what @mosaic/sdk/testing loads to run plugins in the real sandbox
    sandbox: 'src/plugins/sandbox/index.ts',
    cli: 'src/cli/main.ts',
    // forked by the plugin sandbox supervisor, found beside the bundle as sandbox-worker.js
    'sandbox-worker': 'src/plugins/sandbox/worker.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts', sandbox: 'src/plugins/sandbox/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
});
