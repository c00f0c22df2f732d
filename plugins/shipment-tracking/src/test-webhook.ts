/**
 * Runs the plugin's webhook handler in the real sandbox, against a harness's storage and data.
 * `@mosaic/sdk/testing` cannot deliver a webhook yet, so this drives `@mosaic/sandbox` (the
 * runtime the harness itself uses) with a small host of its own: storage is the harness's live
 * map, interactions land in `harness.data.interactions` with core's idempotency-key rule
 * (a repeated key returns the first interaction), and fetch is refused (the handler needs none).
 * The host has checked the signature before a handler runs, so the request arrives unsigned here.
 */
import { randomUUID, createHash } from 'node:crypto';
import { SandboxSupervisor } from '@mosaic/sandbox';
import type { Interaction, JsonValue } from '@mosaic/sdk';
import type { TestHarness } from '@mosaic/sdk/testing';

export interface WebhookRunner {
  deliver(name: string, body: unknown): Promise<{ status: number; body?: unknown }>;
  close(): Promise<void>;
}

class HostRefusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export function createWebhookRunner(code: string, harness: TestHarness): WebhookRunner {
  const supervisor = new SandboxSupervisor({ workers: 1, maxWarmInstallations: 2 });
  const bundle = { code, sha256: createHash('sha256').update(code).digest('hex') };
  const installationKey = `webhook-test/${randomUUID()}`;
  const context = { tenant: { id: 'tenant-test', slug: 'test' }, installation: { id: 'installation-test', pluginId: harness.manifest.id, version: harness.manifest.version }, config: harness.config };
  const byKey = new Map<string, Interaction>();

  const host = async (capability: string, raw: unknown): Promise<unknown> => {
    const args = raw as Record<string, unknown>;
    switch (capability) {
      case 'storage.get': return harness.storage.get(args.key as string) ?? null;
      case 'storage.set': harness.storage.set(args.key as string, structuredClone(args.value) as JsonValue); return null;
      case 'storage.delete': harness.storage.delete(args.key as string); return null;
      case 'storage.list': return [...harness.storage.keys()].filter((k) => k.startsWith((args.prefix as string | undefined) ?? '')).sort();
      case 'log': harness.logs.push(args as never); return null;
      case 'interactions.create': return createInteraction(args.input as Record<string, unknown>);
      default: throw new HostRefusal('FORBIDDEN', `${capability} is not available in this webhook test host`);
    }
  };

  function createInteraction(input: Record<string, unknown>): Interaction {
    const key = input.idempotencyKey as string | undefined;
    const earlier = key ? byKey.get(key) : undefined;
    if (earlier) return earlier;
    if (!harness.data.customers.some((c) => c.id === input.customerId)) throw new HostRefusal('NOT_FOUND', 'Customer not found');
    const created = {
      id: `interaction-${harness.data.interactions.length + 1}`,
      channel: input.channel, direction: input.direction, subject: input.subject ?? null, body: input.body,
      customer: { id: input.customerId }, case: null, agent: null, occurredAt: new Date().toISOString(),
    } as Interaction;
    harness.data.interactions.push(created);
    if (key) byKey.set(key, created);
    return created;
  }

  return {
    async deliver(name, body) {
      const request = { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
      const { value } = await supervisor.invoke({ installationKey, bundle, context, entry: { kind: 'webhook', name }, request }, host as never);
      return value as { status: number; body?: unknown };
    },
    close: () => supervisor.close(),
  };
}
