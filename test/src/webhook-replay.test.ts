/**
 * Two `mosaic serve` processes on one sqld share the memory of accepted webhook signatures: a
 * signed request delivered to both at once runs the plugin's handler once, and every other copy
 * answers 409 WEBHOOK_REPLAYED.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, openPlatform, serverConfigFromEnv, type Platform } from '@mosaic/core';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../../core/src/plugins/events/index.js';
import { createPublisher, publishVersion } from '../../core/src/plugins/registry/index.js';
import { buildFixture } from '../../core/src/plugins/testing/build-fixture.js';
import { startCoreProcess, type CoreProcess } from './core-process.js';
import { graphqlClient } from './harness.js';
import { startSqld, type SqldServer } from './sqld-server.js';

const HOOK_SECRET = 'whsec-shared-1';

describe('inbound webhook replays across two core processes on one sqld', () => {
  let sqld: SqldServer;
  let env: Record<string, string>;
  let setup: Platform;
  let cores: CoreProcess[];
  let apiKey: string;
  let hookPath: string;

  beforeAll(async () => {
    sqld = await startSqld();
    env = { ...sqld.env, MOSAIC_SECRETS_KEY: randomBytes(32).toString('base64') };
    process.env.MOSAIC_SECRETS_KEY = env.MOSAIC_SECRETS_KEY; // the vault of this process reads it there
    setup = await openPlatform(serverConfigFromEnv({ ...process.env, ...env }));
    const created = await createTenant(setup.control.db, setup.tenants, { slug: 'hooked-co' });
    apiKey = created.apiKey;
    const acme = await createPublisher(setup.control.db, { handle: 'acme' });
    const built = await buildFixture('listener', '1.0.0');
    await publishVersion(setup.control.db, { publisherId: acme.publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(acme.privateKeyPem) });
    cores = await Promise.all([startCoreProcess(env), startCoreProcess(env)]);
    const installed = await graphqlClient(cores[0]!.url, apiKey).gql(
      `mutation($s: String!) { installPlugin(input: { pluginId: "acme.listener", grantScopes: ["storage"], secrets: [{ name: "HOOK_SECRET", value: $s }] }) { installation { webhookPaths } } }`,
      { s: HOOK_SECRET });
    expect(installed.errors).toBeUndefined();
    hookPath = (installed.data!.installPlugin.installation.webhookPaths as string[])[0]!;
  });
  afterAll(async () => {
    await Promise.all((cores ?? []).map((c) => c.stop()));
    await setup?.close();
    sqld?.stop();
    delete process.env.MOSAIC_SECRETS_KEY;
  });

  it('runs the handler once for eight concurrent copies sent to both processes', async () => {
    const body = JSON.stringify({ parcel: '1Z999', at: Date.now() });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook({ secret: HOOK_SECRET, timestamp, body }) };
    const answers = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const res = await fetch(`${cores[i % 2]!.url}${hookPath}`, { method: 'POST', body, headers });
      const json = (await res.json()) as { errors?: { extensions: { code: string } }[] };
      return res.status === 409 ? `409 ${json.errors![0]!.extensions.code}` : String(res.status);
    }));
    expect(answers.filter((a) => a === '202')).toHaveLength(1);
    expect(answers.filter((a) => a === '409 WEBHOOK_REPLAYED')).toHaveLength(7);
    // The handler's side effect: the listener appends each webhook body it handled to its storage.
    const seen = await graphqlClient(cores[0]!.url, apiKey).gql('{ acme_listener_seen }');
    expect((seen.data!.acme_listener_seen as string[]).filter((s) => s === `webhook:${body}`)).toHaveLength(1);
  });
});
