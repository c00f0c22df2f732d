import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installations, installationSecrets } from '../../db/control-schema.js';
import { eventDeliveries, pluginStorage } from '../../db/tenant-schema.js';
import { uninstallPlugin } from '../installer/index.js';
import { EventDispatcher } from './index.js';
import { createEventsWorld, GREETER, QUIET, type EventsWorld } from './test-fixtures.js';

describe('sweepRetention', () => {
  let world: EventsWorld;
  beforeAll(async () => {
    world = await createEventsWorld();
  }, 120_000);
  afterAll(() => world?.close());

  it('deletes data of uninstalled plugins past retention and keeps everything else', async () => {
    const dispatcher = new EventDispatcher({ control: world.control.db, tenants: world.tenants, logger: world.logger, deliver: async () => {} });
    const expired = await world.tenant([GREETER, QUIET]);
    const retained = await world.tenant([QUIET]);
    const day = 86_400_000;
    const now = new Date();
    for (const t of [expired, retained]) {
      await t.ctx.data.write(async (tx) => {
        await tx.insert(pluginStorage).values([
          { pluginId: QUIET, key: 'a', value: '1', updatedAt: now },
          { pluginId: QUIET, key: 'b', value: '2', updatedAt: now },
          { pluginId: GREETER, key: 'calls', value: '3', updatedAt: now },
        ]);
        await tx.insert(eventDeliveries).values({ eventId: 'e1', pluginId: QUIET, status: 'dead', attempts: 6, nextAttemptAt: now, lastError: 'x', updatedAt: now });
      });
      await uninstallPlugin(world.installer, { tenantId: t.id, actor: 'test' }, QUIET);
    }
    const quietOf = (t: typeof expired) => t.installs[QUIET]!.id;
    // A leftover secret row must go with the installation (uninstall already deleted the real ones).
    await world.control.db.insert(installationSecrets).values({ installationId: quietOf(expired), name: 'GREETINGS_TOKEN', ciphertext: 'x', updatedAt: now });
    await world.control.db.update(installations).set({ retainDataUntil: new Date(now.getTime() - day) }).where(eq(installations.id, quietOf(expired)));

    const purged = await dispatcher.sweepRetention(now);
    expect(purged).toEqual([{ tenantId: expired.id, pluginId: QUIET, installationId: quietOf(expired), deletedKeys: 2 }]);

    const keys = async (t: typeof expired) => (await t.ctx.data.db.select().from(pluginStorage)).map((r) => `${r.pluginId}/${r.key}`).sort();
    expect(await keys(expired)).toEqual([`${GREETER}/calls`]);
    expect(await expired.ctx.data.db.select().from(eventDeliveries)).toEqual([]);
    expect(await world.control.db.select().from(installations).where(eq(installations.id, quietOf(expired)))).toEqual([]);
    expect(await world.control.db.select().from(installationSecrets).where(eq(installationSecrets.installationId, quietOf(expired)))).toEqual([]);
    // The active greeter next to it is untouched.
    expect(await world.control.db.select().from(installations).where(eq(installations.id, expired.installs[GREETER]!.id))).toHaveLength(1);

    // Retention not yet over (30 days from uninstall): all kept.
    expect(await keys(retained)).toEqual([`${GREETER}/calls`, `${QUIET}/a`, `${QUIET}/b`]);
    expect(await retained.ctx.data.db.select().from(eventDeliveries)).toHaveLength(1);
    expect(await world.control.db.select().from(installations).where(eq(installations.id, quietOf(retained)))).toHaveLength(1);

    // Once it is over, a later sweep takes it too; sweeping again finds nothing.
    expect(await dispatcher.sweepRetention(new Date(now.getTime() + 31 * day))).toMatchObject([{ tenantId: retained.id, pluginId: QUIET, deletedKeys: 2 }]);
    expect(await keys(retained)).toEqual([`${GREETER}/calls`]);
    expect(await dispatcher.sweepRetention(new Date(now.getTime() + 31 * day))).toEqual([]);
  });
});
