/**
 * A second core process for inbound-webhook.test.ts: opens the same databases with its own
 * clients, waits for "go" on stdin, then delivers the signed request it was given `copies`
 * times at once and prints "ran" for each handler run and "answer <code>" for each result.
 * Run with `node --import tsx webhook-second-process.fixture.ts <dataDir> <tenantId> <request JSON> <copies>`.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { openControlPlane } from '../../db/control.js';
import { TenantDatabases } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { SecretVault } from '../installer/index.js';
import { handleInboundWebhook, type InboundWebhookRequest } from './index.js';
import { VAULT_KEY } from './test-fixtures.js';

const [dataDir, tenantId, requestJson, copies] = process.argv.slice(2) as [string, string, string, string];
const config = { kind: 'embedded' as const, dataDir };
const control = await openControlPlane(config);
const tenants = new TenantDatabases(config);
await tenants.get(tenantId);
const sent = JSON.parse(requestJson) as Omit<InboundWebhookRequest, 'body'> & { body: string };
const request: InboundWebhookRequest = { ...sent, body: Buffer.from(sent.body, 'base64') };
const deps = {
  control: control.db,
  tenants,
  vault: new SecretVault(VAULT_KEY),
  logger: createLogger('silent'),
  runWebhook: async () => {
    process.stdout.write('ran\n');
    await sleep(200); // still running while the other copies arrive
    return { status: 202 };
  },
};
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const answers = await Promise.all(Array.from({ length: Number(copies) }, () => handleInboundWebhook(deps, request).then(
  () => 'ok',
  (e: unknown) => (e instanceof AppError ? e.code : String(e)),
)));
for (const answer of answers) process.stdout.write(`answer ${answer}\n`);
await tenants.close();
control.client.close();
process.stdin.destroy();
