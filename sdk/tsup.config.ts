import { defineConfig } from 'tsup';

const publicEntries = {
  index: 'src/index.ts',
  schema: 'src/schema.ts',
  build: 'src/build.ts',
  testing: 'src/testing.ts',
  publish: 'src/publish.ts',
};

export default defineConfig({
  entry: { ...publicEntries, cli: 'src/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: publicEntries },
  sourcemap: true,
  clean: true,
  // Shared chunks rather than copies: index.js must stay the one runtime bundle.ts resolves.
  splitting: true,
  removeNodeProtocol: false,
});
