import { describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from './config.js';

describe('serverConfigFromEnv', () => {
  const env = { MOSAIC_DATA_DIR: './data' };

  it('caps sandbox worker RSS at 1024 MB unless told otherwise', () => {
    expect(serverConfigFromEnv(env).plugins.sandboxWorkerMaxRssMb).toBe(1024);
    expect(serverConfigFromEnv({ ...env, MOSAIC_SANDBOX_WORKER_MAX_RSS_MB: '512' }).plugins.sandboxWorkerMaxRssMb).toBe(512);
  });

  it('refuses a worker RSS ceiling a worker could not stay under', () => {
    expect(() => serverConfigFromEnv({ ...env, MOSAIC_SANDBOX_WORKER_MAX_RSS_MB: '64' })).toThrow(
      /bad configuration: MOSAIC_SANDBOX_WORKER_MAX_RSS_MB/,
    );
  });
});
