import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

const source = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default mergeConfig(sharedConfig, defineConfig({
  resolve: {
    // Scaffolded plugins import the SDK by name; test them against this source, not a stale dist.
    alias: [
      { find: /^@mosaic\/sdk$/, replacement: source('index.ts') },
      { find: /^@mosaic\/sdk\/testing$/, replacement: source('testing.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    // Only the type tests and what they import: the whole project is tsc's job, not each test run's.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: 'tsconfig.typecheck.json' },
    testTimeout: 30_000,
  },
}));
