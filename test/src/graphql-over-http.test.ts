/**
 * The GraphQL-over-HTTP spec's server audits (graphql-http, the reference implementation's own
 * conformance checks) against /graphql on a real server, with an admin and a read-only key:
 * media types, GET for queries, 4xx for requests refused as a whole, JSON bodies for every error.
 */
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness.js';

describe('graphql-http server audits', () => {
  let tp: TestPlatform;
  const keys: Record<'admin' | 'integrator', string> = { admin: '', integrator: '' };

  beforeAll(async () => {
    tp = await startTestPlatform();
    const admin = await tp.tenant('audits');
    keys.admin = admin.apiKey;
    keys.integrator = (await tp.keyFor(admin.tenantId, 'integrator')).apiKey;
  });
  afterAll(() => tp?.close());

  it.each(['admin', 'integrator'] as const)('with an %s key: every audit passes, no warnings', async (role) => {
    const withKey = (input: RequestInfo | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${keys[role]}`);
      return fetch(input, { ...init, headers });
    };
    const audits = serverAudits({ url: `${tp.server.url}/graphql`, fetchFn: withKey });
    expect(audits.length).toBeGreaterThan(50);
    const results = [];
    for (const audit of audits) results.push(await audit.fn());
    const notOk = results.filter((r) => r.status !== 'ok').map((r) => `${r.status} ${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(notOk).toEqual([]);
  });
});
