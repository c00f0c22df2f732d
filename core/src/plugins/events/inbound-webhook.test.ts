import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { installationSecrets } from '../../db/control-schema.js';
import { inboundWebhookReplays } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { uninstallPlugin } from '../installer/index.js';
import { handleInboundWebhook, signWebhook, type InboundWebhookDeps, type InboundWebhookRequest, type RunWebhook } from './index.js';
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
  const deps = (over: Partial<InboundWebhookDeps> = {}): InboundWebhookDeps =>
    ({ control: world.control.db, tenants: world.tenants, vault: world.vault, runWebhook, logger: world.logger, ...over });
  // Every signed request is accepted once, so each call signs a body of its own.
  let n = 0;
  const freshBody = () => Buffer.from(JSON.stringify({ tracking: '1Z999', status: 'delivered', n: ++n }));
  const signed = (installationId: string, over: Partial<InboundWebhookRequest> = {}, secret = WEBHOOK_SECRET, at = Date.now()): InboundWebhookRequest => {
    const timestamp = String(Math.floor(at / 1000));
    const body = over.body ?? freshBody();
    return {
      installationId, name: 'inbound', method: 'POST', query: { source: 'carrier' }, body,
      headers: { 'Content-Type': 'application/json', 'X-Mosaic-Timestamp': timestamp, 'X-Mosaic-Signature': signWebhook({ secret, timestamp, body }) },
      ...over,
    };
  };
  const replayRows = async (tenantId: string) =>
    (await (await world.tenants.get(tenantId)).db.select({ n: count() }).from(inboundWebhookReplays))[0]!.n;

  beforeAll(async () => {
    world = await createEventsWorld();
    a = await world.tenant([GREETER, QUIET]);
    b = await world.tenant([GREETER], 'tenant-b-own-secret');
  }, 120_000);
  afterAll(() => world?.close());

  it('runs the handler with the request once the signature checks out', async () => {
    runWebhook.mockClear();
    const installation = a.installs[GREETER]!;
    const first = signed(installation.id);
    expect(await handleInboundWebhook(deps(), first)).toEqual({ status: 202, body: { accepted: true } });
    expect(await handleInboundWebhook(deps(), signed(installation.id, { tenantId: a.id }))).toEqual({ status: 202, body: { accepted: true } });
    expect(runWebhook).toHaveBeenCalledTimes(2);
    const [tenantId, passed, name, request] = runWebhook.mock.calls[0]!;
    expect(tenantId).toBe(a.id);
    expect(passed).toMatchObject({ id: installation.id, pluginId: GREETER, tenantId: a.id });
    expect(name).toBe('inbound');
    expect(request).toMatchObject({ method: 'POST', body: Buffer.from(first.body).toString(), query: { source: 'carrier' }, headers: { 'content-type': 'application/json' } });
  });

  it('answers UNAUTHENTICATED before the handler runs when the signature is wrong or stale', async () => {
    runWebhook.mockClear();
    const id = a.installs[GREETER]!.id;
    const tampered = signed(id);
    tampered.body = Buffer.from(Buffer.from(tampered.body).toString().replace('delivered', 'lost'));
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
    const big = Buffer.alloc(256 * 1024 + 1, 'x');
    expect(await failure(handleInboundWebhook(deps(), signed(a.installs[GREETER]!.id, { body: big })))).toMatch(/^BAD_REQUEST/);
    const d = await world.tenant([GREETER]);
    await world.control.db.delete(installationSecrets).where(eq(installationSecrets.installationId, d.installs[GREETER]!.id));
    expect(await failure(handleInboundWebhook(deps(), signed(d.installs[GREETER]!.id)))).toMatch(/^UNAUTHENTICATED/);
    expect(runWebhook).not.toHaveBeenCalled();
  });

  it('answers a replay WEBHOOK_REPLAYED without running the handler again, however the signature is spelled', async () => {
    runWebhook.mockClear();
    const request = signed(a.installs[GREETER]!.id);
    expect(await handleInboundWebhook(deps(), request)).toEqual({ status: 202, body: { accepted: true } });
    const replay = /^WEBHOOK_REPLAYED: this signed request was already received; sign each delivery \(a retry too\) with a fresh timestamp$/;
    expect(await failure(handleInboundWebhook(deps(), request))).toMatch(replay);
    expect(await failure(handleInboundWebhook(deps(), { ...request, tenantId: a.id }))).toMatch(replay);
    // Hex is case-insensitive and the header may carry spaces: still the same signature.
    const signature = request.headers['X-Mosaic-Signature']!;
    const respelled = { ...request, headers: { ...request.headers, 'X-Mosaic-Signature': ` sha256=${signature.slice(7).toUpperCase()} ` } };
    expect(await failure(handleInboundWebhook(deps(), respelled))).toMatch(replay);
    expect(runWebhook).toHaveBeenCalledTimes(1);
  });

  it('verifies the raw bytes: bodies that differ only in invalid UTF-8 do not share a signature', async () => {
    runWebhook.mockClear();
    const id = a.installs[GREETER]!.id;
    // Both decode to the same text ("{\uFFFD}"), so a check over decoded text would pass both.
    const sent = Buffer.from([0x7b, 0xff, 0x7d]);
    const forged = Buffer.from([0x7b, 0xfe, 0x7d]);
    expect(sent.toString('utf8')).toBe(forged.toString('utf8'));
    const request = signed(id, { body: sent });
    expect(await failure(handleInboundWebhook(deps(), { ...request, body: forged }))).toMatch(/^UNAUTHENTICATED: .*does not match/);
    expect(runWebhook).not.toHaveBeenCalled();
    expect(await handleInboundWebhook(deps(), request)).toEqual({ status: 202, body: { accepted: true } });
    expect(runWebhook.mock.calls[0]![3].body).toBe('{\uFFFD}');
  });

  it('runs the handler once for concurrent copies of a request, in this process and another sharing the database', async () => {
    runWebhook.mockClear();
    runWebhook.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200)); // still running while the other copies arrive
      return { status: 202, body: { accepted: true } };
    });
    const request = signed(a.installs[GREETER]!.id);
    const sent = JSON.stringify({ ...request, body: Buffer.from(request.body).toString('base64') });
    const fixture = fileURLToPath(new URL('./webhook-second-process.fixture.ts', import.meta.url));
    const dataDir = world.config.kind === 'embedded' ? world.config.dataDir : '';
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, a.id, sent, '4'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    const exited = once(child, 'exit');
    try {
      await vi.waitFor(() => { if (!out.includes('ready')) throw new Error(`second process not ready: ${err}`); }, { timeout: 20_000, interval: 20 });
      child.stdin.write('go\n');
      const here = await Promise.all(Array.from({ length: 4 }, () => failure(handleInboundWebhook(deps(), request))));
      const [exitCode] = await exited;
      expect({ exitCode, err }).toEqual({ exitCode: 0, err: '' });
      const lines = out.split('\n');
      const there = lines.filter((l) => l.startsWith('answer ')).map((l) => l.slice('answer '.length));
      const answers = [...here.map((x) => x.split(':')[0]), ...there];
      expect(answers.filter((x) => x === 'ok')).toHaveLength(1);
      expect(answers.filter((x) => x === 'WEBHOOK_REPLAYED')).toHaveLength(7);
      expect(runWebhook.mock.calls.length + lines.filter((l) => l === 'ran').length).toBe(1);
    } finally {
      runWebhook.mockImplementation(async () => ({ status: 202, body: { accepted: true } }));
      child.kill();
    }
  }, 60_000);

  it('forgets a signature once its timestamp is stale: the expired claim is pruned, the request refused as stale', async () => {
    runWebhook.mockClear();
    const c = await world.tenant([GREETER]);
    const at = Date.now();
    const request = signed(c.installs[GREETER]!.id, {}, WEBHOOK_SECRET, at);
    expect(await handleInboundWebhook(deps(), request)).toEqual({ status: 202, body: { accepted: true } });
    expect(await replayRows(c.id)).toBe(1);
    // Ten minutes later the same request is stale (not a replay), and a new one prunes the old claim.
    const later = () => at + 10 * 60_000;
    expect(await failure(handleInboundWebhook(deps({ clock: later }), request))).toMatch(/^UNAUTHENTICATED: .*too far/);
    expect(await handleInboundWebhook(deps({ clock: later }), signed(c.installs[GREETER]!.id, {}, WEBHOOK_SECRET, later()))).toEqual({ status: 202, body: { accepted: true } });
    expect(await replayRows(c.id)).toBe(1);
    expect(runWebhook).toHaveBeenCalledTimes(2);
  });
});
