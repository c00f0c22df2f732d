import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../config.js';
import { queueMail } from '../domain/mail/outbox.js';
import { startServer, type RunningServer } from '../http/server.js';
import { createLogger } from '../lib/logger.js';
import { openPlatform, type Platform } from '../platform.js';
import { createTenant } from '../tenancy/tenants.js';

interface Running { dir: string; platform: Platform; server: RunningServer }

async function start(env: Record<string, string>): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-mailbox-'));
  const platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', ...env }), createLogger('silent'));
  const server = await startServer(platform);
  for (const slug of ['acme', 'globex']) {
    const { tenant } = await createTenant(platform.control.db, platform.tenants, { slug, name: slug });
    const data = await platform.tenants.get(tenant.id);
    await data.write((tx) => queueMail(tx, {
      to: `someone@${slug}.example`,
      subject: `Reset your ${slug} password <script>alert(1)</script>`,
      text: `Open http://127.0.0.1/t/${slug}/portal/reset?token=abc to choose a new password.`,
    }));
  }
  return { dir, platform, server };
}

async function stop(r: Running | undefined) {
  await r?.server.close();
  await r?.platform.close();
  if (r) rmSync(r.dir, { recursive: true, force: true });
}

describe('development mailbox', () => {
  let on: Running;
  let off: Running;
  beforeAll(async () => {
    [on, off] = await Promise.all([start({ MOSAIC_DEV_MAILBOX: '1' }), start({})]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([stop(on), stop(off)]);
  });

  it("lists one tenant's mail with its links, escaped", async () => {
    const res = await fetch(`${on.server.url}/t/acme/mailbox`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('someone@acme.example');
    expect(html).toContain('<a href="http://127.0.0.1/t/acme/portal/reset?token=abc">');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('globex.example');
  });

  it('does not exist unless the server is started for development', async () => {
    const res = await fetch(`${off.server.url}/t/acme/mailbox`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('someone@acme.example');
  });
});
