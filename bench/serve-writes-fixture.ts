/**
 * The server side of `writes` (writes.ts), run as its own process by lib.ts `startFixture`: the
 * real platform and HTTP server with one tenant holding an SLA policy, a customer, a queue and a
 * case, on an embedded file (default) or on a libsql server (`--database-url URL
 * --database-admin-url URL`). Prints one JSON line once ready, then serves until its stdin closes
 * (or SIGTERM/SIGINT).
 */
import { parseArgs } from 'node:util';
import { domain, toGlobalId } from '@mosaic/core';
import { adminTenant, emit, serveBenchPlatformInTempDir, serveUntilStopped } from './fixture-process.js';

/** What the load generator needs: global ids of the seeded rows. */
export interface WritesFixture {
  graphqlUrl: string;
  apiKey: string;
  customerId: string;
  queueId: string;
  caseId: string;
}

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, 'database-admin-url': { type: 'string' } } });
const server: Record<string, string> = values['database-url']
  ? { MOSAIC_DATABASE_URL: values['database-url'], MOSAIC_DATABASE_ADMIN_URL: values['database-admin-url'] ?? '' }
  : {};
const { platform, graphqlUrl, cleanups } = await serveBenchPlatformInTempDir('mosaic-bench-writes-', server);
const { apiKey, ctx } = await adminTenant(platform, 'writes');
// An SLA policy, as a tenant has: every new case starts its clocks, every message is checked against them.
await domain.sla.createSlaPolicy(ctx, {
  name: 'Everyone', targets: (['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'] as const).map((kind) => ({ kind, minutes: 240, businessHours: false })),
});
const customer = await domain.customers.createCustomer(ctx, { name: 'Ada Lovelace', email: 'ada@example.com' });
const queue = await domain.agents.createQueue(ctx, { name: 'Support' });
const kase = await domain.cases.createCase(ctx, { customerId: customer.id, subject: 'Parcel late', queueId: queue.id });
emit<WritesFixture>({
  graphqlUrl,
  apiKey,
  customerId: toGlobalId('Customer', customer.id),
  queueId: toGlobalId('Queue', queue.id),
  caseId: toGlobalId('Case', kase.id),
});
serveUntilStopped(cleanups);
