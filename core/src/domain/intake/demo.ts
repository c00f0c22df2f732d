import { and, asc, eq, isNull } from 'drizzle-orm';
import { channels, queues } from '../../db/tenant-schema.js';
import type { SecretVault } from '../../plugins/installer/index.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createChannel } from './channels.js';

/** The demo's channels: the portal's live chat, and a phone line whose calls pop in the console. */
export const DEMO_CHANNELS = [
  { kind: 'CHAT', name: 'Website chat' },
  { kind: 'PHONE', name: 'Support line', region: 'DE' },
] as const;

/**
 * Opens the demo's chat and phone channels on the first queue, each unless the tenant has an
 * enabled channel of that kind already, so a restarted demo start can call it again. Their
 * secrets are not kept: an admin rotates one on the channels page to connect a provider.
 */
export async function seedDemoChannels(ctx: TenantContext, vault: SecretVault): Promise<number> {
  const [queue] = await ctx.data.db.select({ id: queues.id }).from(queues).orderBy(asc(queues.createdAt), asc(queues.id)).limit(1);
  let opened = 0;
  for (const demo of DEMO_CHANNELS) {
    const existing = await ctx.data.db.select({ id: channels.id }).from(channels)
      .where(and(eq(channels.kind, demo.kind), isNull(channels.disabledAt))).limit(1);
    if (existing.length) continue;
    await createChannel(ctx, vault, { ...demo, defaultQueueId: queue?.id ?? null });
    opened++;
  }
  return opened;
}
