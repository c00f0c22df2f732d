import { createRequire } from 'node:module';
import type { ViteUserConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Settings every package's tests share. graphql 16 has no exports map: Node gives its CJS entry
 * to the libraries we load from node_modules, while Vite would give our own sources the ESM one,
 * and two graphql instances reject each other's schemas; so sources get the CJS entry too.
 * Test workers run with --no-node-snapshot, which isolated-vm needs on Node 20+.
 * Files of one worker share their module graph (isolate: false): no test mocks a module or
 * stubs a global, and importing core's graph again for each file took 80–90 s of a run.
 */
export const sharedConfig = {
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    env: { MOSAIC_LOG_LEVEL: 'silent' },
    pool: 'forks',
    isolate: false,
    execArgv: ['--no-node-snapshot'],
  },
} satisfies ViteUserConfig;
