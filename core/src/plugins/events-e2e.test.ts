import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../http/server.js';
import { localId } from '../lib/ids.js';
import type { Platform } from '../platform.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './events/index.js';
import type { Gql } from './testing/graphql-client.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';
import { eventually } from './testing/eventually.js';

describe('plugin events and webhooks through a running server', () => {
  let t: PluginTestServer;
  let platform: Platform;
  let server: RunningServer;
  let gql: Gql;
  let installationId: string;

  beforeAll(async () => {
    t = await startPluginTestServer('events-co');
    ({ platform, server, admin: gql } = t);
    const published = await t.publish('listener', '1.0.0', 'events');
    expect(published.data?.publishPluginVersion.version.events).toEqual(['customer.created']);
    const installed = await gql(`mutation { installPlugin(input: { pluginId: "acme.listener", grantScopes: ["storage"], secrets: [{ name: "HOOK_SECRET", value: "whsec-1" }] }) { installation { id webhookPaths } } }`);
    // The global id names the installation in the API; its webhook paths carry its own id.
    installationId = localId('PluginInstallation', installed.data!.installPlugin.installation.id);
    expect(installed.data!.installPlugin.installation.webhookPaths).toEqual([`/t/events-co/webhooks/${installationId}/ping`]);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const seen = async () => (await gql('{ acme_listener_seen }')).data!.acme_listener_seen as string[];

  it('delivers a domain event to the subscribed plugin once, keyed by the event id', async () => {
    await gql(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    const after = await eventually(seen, (s) => s.length > 0);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatch(/^[0-9a-f-]{36}:Ada$/);
  });

  it('runs a webhook only when its signature verifies', async () => {
    const path = `${server.url}/t/events-co/webhooks/${installationId}/ping`;
    const body = '{"hello":"world"}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(path, { method: 'POST', body, headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${'0'.repeat(64)}` } });
    expect(forged.status).toBe(401);
    expect((await seen()).some((s) => s.startsWith('webhook:'))).toBe(false);
    const elsewhere = await fetch(`${server.url}/t/other-tenant/webhooks/${installationId}/ping`, { method: 'POST', body });
    expect(elsewhere.status).toBe(404);
    const signature = signWebhook({ secret: 'whsec-1', timestamp, body });
    const ok = await fetch(path, { method: 'POST', body, headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature } });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ ok: true });
    expect(await seen()).toContain(`webhook:${body}`);
  });

  it('accepts each signed webhook request once, over its raw bytes, and caps the body before reading it', async () => {
    const path = `${server.url}/t/events-co/webhooks/${installationId}/ping`;
    const post = (body: BodyInit, timestamp: string, signature: string) =>
      fetch(path, { method: 'POST', body, headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature } });
    const webhookRuns = async () => (await seen()).filter((s) => s.startsWith('webhook:'));
    const before = (await webhookRuns()).length;
    const timestamp = String(Math.floor(Date.now() / 1000));

    // A captured request sent again: refused with a code, the handler does not run twice.
    const body = '{"replayed":"maybe"}';
    const signature = signWebhook({ secret: 'whsec-1', timestamp, body });
    expect((await post(body, timestamp, signature)).status).toBe(202);
    const again = await post(body, timestamp, signature);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ errors: [{ extensions: { code: 'WEBHOOK_REPLAYED' } }] });
    expect((await webhookRuns()).filter((s) => s === `webhook:${body}`)).toHaveLength(1);

    // Bytes that decode to the same text are still other bytes: the signature does not carry over.
    const sent = Uint8Array.from([0x7b, 0xff, 0x7d]);
    const bytesSignature = signWebhook({ secret: 'whsec-1', timestamp, body: sent });
    const forged = await post(Uint8Array.from([0x7b, 0xfe, 0x7d]), timestamp, bytesSignature);
    expect(forged.status).toBe(401);
    expect((await forged.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await post(sent, timestamp, bytesSignature)).status).toBe(202);

    // Too big, announced by Content-Length or streamed without one: refused before the handler.
    // Each on a connection of its own, since the server answers early and drops it.
    const big = 'x'.repeat(256 * 1024 + 1);
    const oversized = (framing: Record<string, string>) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = { ...framing, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook({ secret: 'whsec-1', timestamp, body: big }) };
      const req = request(path, { method: 'POST', agent: false, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 16 * 1024) req.write(big.slice(i, i + 16 * 1024));
      req.end();
    });
    for (const framing of [{ 'content-length': String(big.length) }, { 'transfer-encoding': 'chunked' }] as Record<string, string>[]) {
      const refused = await oversized(framing);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    }
    expect((await webhookRuns()).length).toBe(before + 2);
  });
  it('a handler that keeps failing ends in the dead-letter list, where an admin can see and replay it', async () => {
    await gql(`mutation { createCustomer(input: { name: "Crash" }) { customer { id } } }`);
    // Make retries immediate: the test cannot wait for minutes of backoff.
    const letters = await eventually(async () => {
      await platform.tenants.get((await platform.control.db.query.tenants.findFirst())!.id).then((d) =>
        d.client.execute(`update event_deliveries set next_attempt_at = 0 where status = 'pending'`));
      platform.plugins.events.notify((await platform.control.db.query.tenants.findFirst())!.id);
      return (await gql('{ deadLetters { eventId pluginId eventType attempts lastError payload } }')).data!.deadLetters as any[];
    }, (l) => l.length > 0, 60_000);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ pluginId: 'acme.listener', eventType: 'customer.created', attempts: 8, payload: { name: 'Crash' } });
    // Repeated failures also trip the plugin's breaker, so the last error may be the pause itself;
    // the handler's own error is in the plugin's logs.
    expect(letters[0].lastError).toMatch(/cannot handle Crash|failed repeatedly and is paused/);
    const logs = (await gql('{ pluginLogs(pluginId: "acme.listener") { message } }')).data!.pluginLogs as { message: string }[];
    expect(logs.some((l) => l.message.includes('cannot handle Crash'))).toBe(true);
    const replay = await gql(`mutation($e: ID!) { replayDeadLetter(eventId: $e, pluginId: "acme.listener") { eventId } }`, { e: letters[0].eventId });
    expect(replay.errors).toBeUndefined();
    expect((await gql('{ deadLetters { eventId } }')).data!.deadLetters).toEqual([]);
  }, 90_000);

});
