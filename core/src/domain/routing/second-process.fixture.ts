/**
 * A second core process for concurrency.test.ts: opens the same tenant database with its own
 * client, waits for "go" on stdin, then routes the given cases all at once (routeCase) and prints
 * one line per case: `assigned <caseId> <agentId>` or `conflict <caseId>`.
 * Run with `node --import tsx second-process.fixture.ts <dataDir> <tenantId> <caseId,...>`.
 */
import { once } from 'node:events';
import { TenantDatabases } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import { routeCase } from '../cases.js';

const [dataDir, tenantId, caseList] = process.argv.slice(2) as [string, string, string];
const tenants = new TenantDatabases({ kind: 'embedded', dataDir });
const ctx: TenantContext = { tenantId, tenantSlug: 'routing', role: 'admin', actor: 'second-process', data: await tenants.get(tenantId) };
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const lines = await Promise.all(caseList.split(',').map(async (id) => {
  try {
    return `assigned ${id} ${(await routeCase(ctx, id)).assigneeId}`;
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT') return `conflict ${id}`;
    throw err;
  }
}));
process.stdout.write(`${lines.join('\n')}\ndone\n`);
await tenants.close();
process.stdin.destroy();
