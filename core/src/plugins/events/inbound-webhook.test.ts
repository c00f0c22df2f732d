import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { installationSecrets } from '../../db/control-schema.js';
import { AppError } from '../../lib/errors.js';
import { uninstallPlugin } from '../installer/index.js';
import { handleInboundWebhook, signWebhook, type InboundWebhookRequest, type RunWebhook } from './index.js';
import { createEventsWorld, GREETER, QUIET, WEBHOOK_SECRET, type EventsWorld } from './test-fixtures.js';

const failure = (p: Promise<unknown>) => p.then(
  () => 'ok',
  (e: unknown) => (e instanceof AppError ? `${e.code}: ${e.message}` : String(e)),
);

describe('handleInboundWebhook', () => {
  let world: EventsWorld;
  let a: Awaited<ReturnType<EventsWorld['tenant']>>;
  let b: Awaited<ReturnType<EventsWorld['tenant']>>;
  const runWebhook = vi.fn<RunWebhook>(async () => ({ status: 202, body: { accepted: true } }));
  const deps = () => ({ control: world.control.db, vault: world.vault, runWebhook, logger: world.logger });
  const body = JSON.stringify({ tracking: '1Z999', status: 'delivered' });
  const signed = (installationId: string, over: Partial<InboundWebhookRequest> = {}, secret = WEBHOOK_SECRET, at = Date.now()): InboundWebhookRequest => {
    const timestamp = String(Math.floor(at / 1000));
    return {
      installationId, name: 'inbound', method: 'POST', query: { source: 'carrier' }, body,
      headers: { 'Content-Type': 'application/json', 'X-Mosaic-Timestamp': timestamp, 'X-Mosaic-Signature': signWebhook({ secret, timestamp, body: over.body ?? body }) },
      ...over,
    };
  };

  beforeAll(async () => {
    world = await createEventsWorld();
    a = await world.tenant([GREETER, QUIET]);
    b = await world.tenant([GREETER], 'tenant-b-own-secret');
  }, 120_000);
  afterAll(() => world?.close());

  it('runs the handler with the request once the signature checks out', async () => {
    runWebhook.mockClear();
    const installation = a.installs[GREETER]!;
    expect(await handleInboundWebhook(deps(), signed(installation.id))).toEqual({ status: 202, body: { accepted: true } });
    expect(await handleInboundWebhook(deps(), signed(installation.id, { tenantId: a.id }))).toEqual({ status: 202, body: { accepted: true } });
    expect(runWebhook).toHaveBeenCalledTimes(2);
    const [tenantId, passed, name, request] = runWebhook.mock.calls[0]!;
    expect(tenantId).toBe(a.id);
    expect(passed).toMatchObject({ id: installation.id, pluginId: GREETER, tenantId: a.id });
    expect(name).toBe('inbound');
    expect(request).toMatchObject({ method: 'POST', body, query: { source: 'carrier' }, headers: { 'content-type': 'application/json' } });
  });

  it('answers UNAUTHENTICATED before the handler runs when the signature is wrong or stale', async () => {
    runWebhook.mockClear();
    const id = a.installs[GREETER]!.id;
    const tampered = signed(id);
    tampered.body = body.replace('delivered', 'lost');
    expect(await failure(handleInboundWebhook(deps(), tampered))).toMatch(/^UNAUTHENTICATED/);
    expect(await failure(handleInboundWebhook(deps(), signed(id, {}, 'guessed-secret')))).toMatch(/^UNAUTHENTICATED/);
    // Tenant B's secret does not open tenant A's webhook, even for the same plugin.
    expect(await failure(handleInboundWebhook(deps(), signed(id, {}, 'tenant-b-own-secret')))).toMatch(/^UNAUTHENTICATED/);
    expect(await failure(handleInboundWebhook(deps(), signed(id, {}, WEBHOOK_SECRET, Date.now() - 10 * 60_000)))).toMatch(/^UNAUTHENTICATED: .*too far/);
    expect(await failure(handleInboundWebhook(deps(), signed(id, {}, WEBHOOK_SECRET, Date.now() + 10 * 60_000)))).toMatch(/^UNAUTHENTICATED/);
    expect(await failure(handleInboundWebhook(deps(), { ...signed(id), headers: { 'content-type': 'application/json' } }))).toMatch(/^UNAUTHENTICATED/);
    expect(runWebhook).not.toHaveBeenCalled();
  });

  it('answers the same NOT_FOUND for unknown, foreign, uninstalled and undeclared webhooks', async () => {
    runWebhook.mockClear();
    const answers = [
      await failure(handleInboundWebhook(deps(), signed('00000000-0000-7000-8000-000000000000'))),
      await failure(handleInboundWebhook(deps(), signed(a.installs[GREETER]!.id, { name: 'outbound' }))),
      await failure(handleInboundWebhook(deps(), signed(a.installs[QUIET]!.id))), // declares no webhooks
      // Tenant A's installation under tenant B's URL, correctly signed.
      await failure(handleInboundWebhook(deps(), signed(a.installs[GREETER]!.id, { tenantId: b.id }))),
    ];
    const c = await world.tenant([GREETER]);
    await uninstallPlugin(world.installer, { tenantId: c.id, actor: 'test' }, GREETER);
    answers.push(await failure(handleInboundWebhook(deps(), signed(c.installs[GREETER]!.id))));
    expect(answers).toEqual(Array(5).fill('NOT_FOUND: webhook not found'));
    expect(runWebhook).not.toHaveBeenCalled();
  });

  it('refuses oversized bodies and webhooks whose secret was never set', async () => {
    runWebhook.mockClear();
    const big = 'x'.repeat(256 * 1024 + 1);
    expect(await failure(handleInboundWebhook(deps(), signed(a.installs[GREETER]!.id, { body: big })))).toMatch(/^BAD_REQUEST/);
    const d = await world.tenant([GREETER]);
    await world.control.db.delete(installationSecrets).where(eq(installationSecrets.installationId, d.installs[GREETER]!.id));
    expect(await failure(handleInboundWebhook(deps(), signed(d.installs[GREETER]!.id)))).toMatch(/^UNAUTHENTICATED/);
    expect(runWebhook).not.toHaveBeenCalled();
  });
});
