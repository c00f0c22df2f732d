import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { liveEvents } from '../../domain/live-events.js';
import { startServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform } from '../../platform.js';
import { eventually } from '../../plugins/testing/eventually.js';
import { createTenant } from '../../tenancy/tenants.js';
import { openSse } from './sse-test-client.js';

it('a closing server completes its open subscription streams instead of waiting for their clients', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-live-close-'));
  const platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('silent'));
  try {
    const server = await startServer(platform);
    const t = await createTenant(platform.control.db, platform.tenants, { slug: 'live-close' });
    const live = await openSse(server.url, t.apiKey, 'subscription { caseUpdated { id } }');
    await eventually(async () => liveEvents.listenerCount(t.tenant.id), (n) => n === 1);
    const started = Date.now();
    const outcome = await Promise.race([server.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 5000))]);
    expect(outcome).toBe('closed');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await live.next(1000)).toEqual({ event: 'complete', data: '' });
    expect(liveEvents.listenerCount(t.tenant.id)).toBe(0);
    live.close();
  } finally {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
