/**
 * A second core process for dispatcher.test.ts: opens the same databases with its own clients,
 * warms up, waits for "go" on stdin, drains one tenant and prints each delivery it ran.
 * Run with `node --import tsx second-process.fixture.ts <dataDir> <tenantId>`.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { openControlPlane } from '../../db/control.js';
import { TenantDatabases } from '../../db/tenant-db.js';
import { EventDispatcher } from './index.js';

const [dataDir, tenantId] = process.argv.slice(2) as [string, string];
const config = { kind: 'embedded' as const, dataDir };
const control = await openControlPlane(config);
const tenants = new TenantDatabases(config);
await tenants.get(tenantId);
const dispatcher = new EventDispatcher({
  control: control.db,
  tenants,
  logger: pino({ level: 'error' }, pino.destination(2)),
  deliver: async (_tenant, installation, event) => {
    process.stdout.write(`delivered ${installation.pluginId}/${event.id}\n`);
    await sleep(10);
  },
});
await dispatcher.drain(tenantId); // warm: subscriptions and manifests loaded
process.stdout.write('ready\n');
await once(process.stdin, 'data');
for (let i = 0; i < 3; i++) await dispatcher.drain(tenantId);
await tenants.close();
control.client.close();
process.stdout.write('done\n');
process.stdin.destroy();
