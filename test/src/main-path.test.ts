import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness.js';
import { runMainPath } from './main-path.js';

describe('main path on the embedded default', () => {
  let tp: TestPlatform;
  beforeAll(async () => { tp = await startTestPlatform(); });
  afterAll(() => tp.close());

  it('creates and reads back a customer 360 over HTTP', async () => {
    await runMainPath(await tp.tenant('main-path'));
  });
});
