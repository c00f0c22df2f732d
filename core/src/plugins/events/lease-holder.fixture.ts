/**
 * A core process holding an event delivery, for dispatcher.test.ts: opens the same databases,
 * drains one tenant and prints `running <pluginId>/<eventId>` when a handler starts, which then
 * takes `holdMs` (0: never ends, for a process killed mid-delivery), then prints `done`.
 * Run with `node --import tsx lease-holder.fixture.ts <dataDir> <tenantId> <leaseMs> <holdMs>`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { openControlPlane } from '../../db/control.js';
import { TenantDatabases } from '../../db/tenant-db.js';
import { EventDispatcher } from './index.js';

const [dataDir, tenantId, leaseMs, holdMs] = process.argv.slice(2) as [string, string, string, string];
const config = { kind: 'embedded' as const, dataDir };
const control = await openControlPlane(config);
const tenants = new TenantDatabases(config);
const dispatcher = new EventDispatcher({
  control: control.db,
  tenants,
  logger: pino({ level: 'error' }, pino.destination(2)),
  ...(Number(leaseMs) > 0 ? { leaseMs: Number(leaseMs) } : {}),
  deliver: async (_tenant, installation, event) => {
    process.stdout.write(`running ${installation.pluginId}/${event.id}\n`);
    await (Number(holdMs) > 0 ? sleep(Number(holdMs)) : new Promise(() => {}));
  },
});
await dispatcher.drain(tenantId);
await tenants.close();
control.client.close();
process.stdout.write('done\n');
