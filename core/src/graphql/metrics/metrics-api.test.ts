import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { createTenant } from '../../tenancy/tenants.js';
import { graphqlClient, type Gql } from '../../plugins/testing/graphql-client.js';

const METRICS = `query($from: DateTime!, $to: DateTime!, $groupBy: MetricsGrouping, $tz: String) {
  serviceMetrics(from: $from, to: $to, groupBy: $groupBy, timeZone: $tz) {
    groupBy timeZone rows { key label casesCreated casesSolved backlog firstResponses csatResponses csatAverage }
    totals { key casesCreated casesSolved backlog csatAverage csatSatisfiedShare } deflection { events rate } } }`;
const RATE = `mutation($i: RateCaseInput!) { rateCase(input: $i) { survey { rating comment } } }`;

describe('managers\' metrics and CSAT over HTTP', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let admin: Gql;
  let agentKey: Gql;
  let otherTenant: Gql;
  let caseId: string;
  let queueId: string;
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-metrics-api-'));
    platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('silent'));
    server = await startServer(platform);
    const a = await createTenant(platform.control.db, platform.tenants, { slug: 'metrics-a' });
    const b = await createTenant(platform.control.db, platform.tenants, { slug: 'metrics-b' });
    admin = graphqlClient(server.url, a.apiKey);
    otherTenant = graphqlClient(server.url, b.apiKey);
    agentKey = graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: a.tenant.id, role: 'agent' })).apiKey);
    const customer = await admin(`mutation { createCustomer(input: { name: "Rita" }) { customer { id } } }`);
    const queue = await admin(`mutation { createQueue(input: { name: "Returns" }) { queue { id } } }`);
    queueId = queue.data.createQueue.queue.id;
    const created = await admin(`mutation($c: ID!, $q: ID!) { createCase(input: { customerId: $c, subject: "Return a kettle", queueId: $q }) { case { id } } }`,
      { c: customer.data.createCustomer.customer.id, q: queueId });
    caseId = created.data.createCase.case.id;
    await admin(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "Still open" }) { case { id } } }`, { c: customer.data.createCustomer.customer.id });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rates a case once it is solved, once', async () => {
    const early = await admin(RATE, { i: { caseId, rating: 5 } });
    expect(early.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const solved = await admin(`mutation($id: ID!) { updateCase(input: { id: $id, status: SOLVED }) { case { status } } }`, { id: caseId });
    expect(solved.errors).toBeUndefined();
    const rated = await admin(RATE, { i: { caseId, rating: 4, comment: 'Fine' } });
    expect(rated.data.rateCase.survey).toEqual({ rating: 4, comment: 'Fine' });
    const again = await admin(RATE, { i: { caseId, rating: 1 } });
    expect(again.errors?.[0]?.extensions?.code).toBe('ALREADY_RATED');
    const read = await admin(`query($id: ID!) { node(id: $id) { ... on Case { survey { rating comment } } } }`, { id: caseId });
    expect(read.data.node.survey).toEqual({ rating: 4, comment: 'Fine' });
    // Another tenant's key cannot rate it: the id is NOT_FOUND there.
    const foreign = await otherTenant(RATE, { i: { caseId, rating: 1 } });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('answers the managers\' figures to admins, by day in a time zone and by queue with global ids', async () => {
    const daily = await admin(METRICS, { from, to, groupBy: 'DAY', tz: 'Asia/Tokyo' });
    expect(daily.errors).toBeUndefined();
    const m = daily.data.serviceMetrics;
    expect(m).toMatchObject({ groupBy: 'DAY', timeZone: 'Asia/Tokyo', totals: { key: 'TOTAL', casesCreated: 2, casesSolved: 1, backlog: 1, csatAverage: 4, csatSatisfiedShare: 1 } });
    expect(m.rows.length).toBeGreaterThanOrEqual(2);
    expect(m.rows.every((r: { key: string }) => /^\d{4}-\d{2}-\d{2}$/.test(r.key))).toBe(true);
    const byQueue = await admin(METRICS, { from, to, groupBy: 'QUEUE' });
    expect(byQueue.data.serviceMetrics.rows.map((r: { key: string; label: string; casesCreated: number }) => [r.key, r.label, r.casesCreated]))
      .toEqual([[queueId, 'Returns', 1], ['', 'No queue', 1]]);
  });

  it('refuses agent keys, bad periods and time zones with codes, and shows another tenant nothing', async () => {
    expect((await agentKey(METRICS, { from, to })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const long = await admin(METRICS, { from, to: new Date(Date.now() + 400 * 86_400_000).toISOString() });
    expect(long.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const zone = await admin(METRICS, { from, to, tz: 'Nowhere/Atlantis' });
    expect(zone.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const foreign = await otherTenant(METRICS, { from, to, groupBy: 'TOTAL' });
    expect(foreign.data.serviceMetrics.totals).toMatchObject({ casesCreated: 0, backlog: 0 });
  });
});
