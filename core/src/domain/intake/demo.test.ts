import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../../db/tenant-db.js';
import { channels, queues } from '../../db/tenant-schema.js';
import { SecretVault } from '../../plugins/installer/vault.js';
import type { TenantContext } from '../../tenancy/context.js';
import { disableChannel } from './channels.js';
import { seedDemoChannels } from './demo.js';

let dir: string;
let data: TenantDb;
let admin: TenantContext;
const vault = new SecretVault(randomBytes(32));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-demo-channels-'));
  data = await new TenantDatabases({ kind: 'embedded', dataDir: dir }).provision('44444444-4444-4444-8444-444444444444');
  admin = { tenantId: '44444444-4444-4444-8444-444444444444', tenantSlug: 'demo', role: 'admin', actor: 'system', data };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo channels', () => {
  it('opens a chat and a phone channel on the first queue once, and again only for a kind left without one', async () => {
    await data.db.insert(queues).values([
      { id: 'q-2', name: 'Returns', createdAt: new Date(2026, 0, 2) },
      { id: 'q-1', name: 'General', createdAt: new Date(2026, 0, 1) },
    ]);
    expect(await seedDemoChannels(admin, vault)).toBe(2);
    const opened = await data.db.select().from(channels);
    expect(opened.map((c) => [c.kind, c.name, c.defaultQueueId, c.region]).sort()).toEqual([
      ['CHAT', 'Website chat', 'q-1', null],
      ['PHONE', 'Support line', 'q-1', 'DE'],
    ]);
    expect(await seedDemoChannels(admin, vault)).toBe(0);

    await disableChannel(admin, opened.find((c) => c.kind === 'CHAT')!.id);
    expect(await seedDemoChannels(admin, vault)).toBe(1);
    expect((await data.db.select().from(channels)).filter((c) => c.kind === 'CHAT')).toHaveLength(2);
  });
});
