import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMail } from '../domain/mail/outbox.js';
import { createTenant } from '../tenancy/tenants.js';
import { startWebTestServer, type WebTestServer } from './testing/web-test-server.js';

async function start(env: Record<string, string>): Promise<WebTestServer> {
  const running = await startWebTestServer(env);
  const { platform } = running;
  for (const slug of ['acme', 'globex']) {
    const { tenant } = await createTenant(platform.control.db, platform.tenants, { slug, name: slug });
    const data = await platform.tenants.get(tenant.id);
    await data.write((tx) => queueMail(tx, {
      to: `someone@${slug}.example`,
      subject: `Reset your ${slug} password <script>alert(1)</script>`,
      text: `Open http://127.0.0.1/t/${slug}/portal/reset?token=abc to choose a new password.`,
    }));
  }
  return running;
}

describe('development mailbox', () => {
  let on: WebTestServer;
  let off: WebTestServer;
  beforeAll(async () => {
    [on, off] = await Promise.all([start({ MOSAIC_DEV_MAILBOX: '1' }), start({})]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([on?.close(), off?.close()]);
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
