import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/tenant-schema.js';
import { MAX_EMIT_PAYLOAD_BYTES } from './index.js';
import { hostFor, openTenants, PLUGIN_ID, refusal, type Tenants } from './test-fixtures.js';

let tenants: Tenants;

beforeAll(async () => {
  tenants = await openTenants();
});
afterAll(() => tenants.close());

const eventsFrom = (installationId: string) =>
  tenants.a.data.db.select().from(outbox).where(eq(outbox.subjectId, installationId));

describe('emit', () => {
  it("files the event under the plugin's namespace in the tenant outbox, needing no scope", async () => {
    const { host } = hostFor(tenants.a, { scopes: [], installationId: 'inst-ns' });
    expect(await host('emit', { type: 'shipment.delivered', payload: { tracking: 'XY1', stops: [1, 2] } })).toBeUndefined();
    await host('emit', { type: 'ping' });
    const events = await eventsFrom('inst-ns');
    expect(events.map((e) => [e.type, e.actor, e.payload])).toEqual([
      [`plugin.${PLUGIN_ID}.shipment.delivered`, `plugin:${PLUGIN_ID}`, { tracking: 'XY1', stops: [1, 2] }],
      [`plugin.${PLUGIN_ID}.ping`, `plugin:${PLUGIN_ID}`, {}],
    ]);
    expect(events.every((e) => e.dispatchedAt === null)).toBe(true);
  });

  it('caps the payload at 16 KB of JSON and writes nothing when refusing', async () => {
    const { host } = hostFor(tenants.a, { installationId: 'inst-size' });
    const fits = { text: 'x'.repeat(MAX_EMIT_PAYLOAD_BYTES - 11) }; // {"text":"…"} is 11 bytes of framing
    await host('emit', { type: 'big', payload: fits });
    const error = await refusal(host('emit', { type: 'big', payload: { text: `${fits.text}x` } }), 'BAD_USER_INPUT');
    expect(error.message).toContain(String(MAX_EMIT_PAYLOAD_BYTES));
    expect(await eventsFrom('inst-size')).toHaveLength(1);
  });

  it('allows maxEmitsPerCall events per call', async () => {
    const { host } = hostFor(tenants.a, { installationId: 'inst-count', limits: { maxEmitsPerCall: 2 } });
    await host('emit', { type: 'a' });
    await host('emit', { type: 'b' });
    await refusal(host('emit', { type: 'c' }), 'LIMIT_EXCEEDED');
    expect(await eventsFrom('inst-count')).toHaveLength(2);
  });

  it('refuses types that could escape the namespace and non-object payloads', async () => {
    const { host } = hostFor(tenants.a, { installationId: 'inst-bad' });
    for (const type of ['', 'a..b', '.a', 'a.', 'with space', 'x'.repeat(101), 'ünï', 42]) {
      await refusal(host('emit', { type }), 'BAD_USER_INPUT');
    }
    for (const payload of [[1, 2], 'text', null, JSON.parse('{"nested": {"__proto__": {"admin": true}}}')]) {
      await refusal(host('emit', { type: 'ok', payload }), 'BAD_USER_INPUT');
    }
    expect(await eventsFrom('inst-bad')).toEqual([]);
  });
});
