import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// No aliases: the tests use @mosaic/sdk (and the @mosaic/sandbox it brings) as built, as a third party would.
export default mergeConfig(sharedConfig, defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
}));
