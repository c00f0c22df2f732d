import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempPluginProject } from './test-project.js';
import { createTestHarness, HarnessError, type TestHarness } from './testing.js';

const SOURCE = `
import { definePlugin } from '@mosaic/sdk';
export default definePlugin({
  manifest: {
    id: 'acme.pushes', version: '1.0.0', name: 'Pushes', publisher: 'acme', description: 'Takes carrier pushes.',
    scopes: ['storage', 'interactions:write'],
    secrets: [{ name: 'PUSH_SECRET', description: 'Signs pushes' }],
    webhooks: [{ name: 'status', secret: 'PUSH_SECRET' }],
  },
  webhooks: {
    status: async (request, ctx) => {
      const push = JSON.parse(request.body);
      if (typeof push.customerId !== 'string') return { status: 400, body: { code: 'BAD_PUSH' } };
      await ctx.storage.set('last:' + push.parcel, push.status);
      await ctx.interactions.create({
        customerId: push.customerId, channel: 'EMAIL', direction: 'OUTBOUND', subject: 'Your parcel',
        body: 'Parcel ' + push.parcel + ' is ' + push.status, idempotencyKey: 'incident:' + push.parcel + ':' + push.status,
      });
      return { status: 202, body: { seen: request.headers['x-carrier'] ?? null } };
    },
  },
});
`;

describe('webhooks in the harness', () => {
  let project: Awaited<ReturnType<typeof tempPluginProject>>;
  let harness: TestHarness;
  beforeAll(async () => {
    project = await tempPluginProject(SOURCE);
    harness = await createTestHarness(project.dir, {
      data: { customers: [{ id: 'c1', name: 'Ada', email: null, phone: null, status: 'ACTIVE', account: null, address: null, mergedInto: null, identities: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }] },
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await project?.remove();
  });

  it('runs the handler as the installation, with storage, interactions and its answer', async () => {
    const push = { customerId: 'c1', parcel: 'P1', status: 'DELAYED' };
    expect(await harness.deliverWebhook('status', { body: push, headers: { 'X-Carrier': 'parcelly' } })).toEqual({ status: 202, body: { seen: 'parcelly' } });
    expect(await harness.deliverWebhook('status', { body: JSON.stringify(push) })).toEqual({ status: 202, body: { seen: null } });
    expect(harness.storage.get('last:P1')).toBe('DELAYED');
    // The same incident twice: the idempotency key keeps it to one interaction.
    expect(harness.data.interactions).toHaveLength(1);
    expect(harness.invocations.map((i) => i.entry)).toEqual(['webhook status', 'webhook status']);
  });

  it('answers the handler\'s own refusal, and refuses an undeclared webhook', async () => {
    expect(await harness.deliverWebhook('status', { body: {} })).toEqual({ status: 400, body: { code: 'BAD_PUSH' } });
    await expect(harness.deliverWebhook('other', { body: {} })).rejects.toThrow(new HarnessError('acme.pushes declares no webhook other; it has status'));
  });
});
