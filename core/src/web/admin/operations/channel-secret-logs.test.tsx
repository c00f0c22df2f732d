import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../../config.js';
import { startServer, type RunningServer } from '../../../http/server.js';
import { createLogger } from '../../../lib/logger.js';
import { openPlatform, type Platform } from '../../../platform.js';
import { createTenant } from '../../../tenancy/tenants.js';
import { createStaffUser } from '../../../tenancy/web-users.js';
import { WebVisitor } from '../../testing/web-visitor.js';

// A server whose every log line (debug and up) is kept, to look for a channel's secret in them.
const dir = mkdtempSync(join(tmpdir(), 'mosaic-channel-logs-'));
const logLines: string[] = [];
let platform: Platform;
let server: RunningServer;

beforeAll(async () => {
  const sink = new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } });
  platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('debug', sink));
  server = await startServer(platform);
  const { tenant } = await createTenant(platform.control.db, platform.tenants, { slug: 'logged', name: 'Logged' });
  await createStaffUser(await platform.tenants.get(tenant.id), { id: 'bootstrap', role: 'admin' }, { role: 'admin', name: 'Ada', email: 'ada@example.test', password: 'correct horse battery' });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await platform?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('writes a channel\'s secret, created or rotated, into no log line and no address', async () => {
  const ada = new WebVisitor(server.url);
  expect((await ada.signIn('logged', 'admin', 'ada@example.test', 'correct horse battery')).status).toBe(303);
  await ada.get('/t/logged/admin/channels');
  const created = await ada.post('/t/logged/admin/channels', { kind: 'SMS', name: 'Texts', region: 'ES' });
  const secret = /value="(chs_[^"]+)"/.exec(created.html)?.[1];
  expect(secret).toBeDefined();
  expect(created.location).toBeNull();
  const channelId = /\/admin\/channels\/([0-9a-f-]{36})\/rotate/.exec((await ada.get('/t/logged/admin/channels')).html)![1]!;
  const rotated = await ada.post(`/t/logged/admin/channels/${channelId}/rotate`, {});
  const fresh = /value="(chs_[^"]+)"/.exec(rotated.html)?.[1];
  expect(fresh).toBeDefined();
  // SMS providers must sign: the page says so rather than offering the bearer form.
  expect(rotated.html).toContain('SMS providers sign each post with the secret');
  await new Promise((resolve) => setTimeout(resolve, 50));
  // The requests were logged (the check can fail), the secrets were not.
  expect(logLines.some((l) => l.includes('/admin/channels'))).toBe(true);
  for (const s of [secret!, fresh!]) expect(logLines.filter((l) => l.includes(s))).toEqual([]);
});
