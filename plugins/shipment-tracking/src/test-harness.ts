/** The built plugin and harnesses on it, closed after each test: shared by the test files. */
import { buildPlugin, type BuildResult } from '@mosaic/sdk/build';
import { createTestHarness, type HarnessOptions, type TestHarness } from '@mosaic/sdk/testing';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { customer, SECRETS } from './fixtures.js';

let built: Promise<BuildResult> | undefined;
/** Built once per test file, as `mosaic-plugin build` builds it. */
export const builtPlugin = (): Promise<BuildResult> => (built ??= buildPlugin(fileURLToPath(new URL('..', import.meta.url))));

/** A harness factory with the carrier secrets and one customer; every harness it made closes after each test. */
export function useHarnesses(): (options?: HarnessOptions) => Promise<TestHarness> {
  const open: TestHarness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });
  return async (options = {}) => {
    const { code, manifest } = await builtPlugin();
    const h = await createTestHarness({ code, manifest }, { secrets: SECRETS, ...options, data: { customers: [customer()], ...options.data } });
    open.push(h);
    return h;
  };
}
