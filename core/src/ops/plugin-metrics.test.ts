import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPluginTestServer, type PluginTestServer } from '../plugins/testing/plugin-test-server.js';
import { parseMetrics, value } from './metrics-test-parser.js';

describe('plugin metrics on /metrics', () => {
  let t: PluginTestServer;
  beforeAll(async () => {
    t = await startPluginTestServer('ops-plugins');
    expect((await t.publish('picky')).errors).toBeUndefined();
    const installed = await t.admin(`mutation { installPlugin(input: { pluginId: "acme.picky", grantScopes: ["storage"] }) { installation { id } } }`);
    expect(installed.errors).toBeUndefined();
  }, 120_000);
  afterAll(() => t?.close());

  it('counts sandbox calls by tenant, plugin, kind and outcome, and shows a paused breaker', async () => {
    const scrape = async () => parseMetrics(await (await fetch(`${t.server.url}/metrics`)).text());
    for (let i = 0; i < 2; i++) expect((await t.admin(`{ acme_picky_track(number: "1Z999AA10123456784") }`)).errors).toBeUndefined();
    let samples = await scrape();
    const labels = { tenant: t.tenantId, plugin: 'acme.picky', kind: 'resolver' };
    expect(value(samples, 'mosaic_plugin_sandbox_calls_total', { ...labels, outcome: 'ok' })).toBe(2);
    expect(value(samples, 'mosaic_plugin_sandbox_call_seconds_total', { ...labels, outcome: 'ok' })).toBeGreaterThan(0);
    expect(value(samples, 'mosaic_plugin_breaker_open', { tenant: t.tenantId, plugin: 'acme.picky' })).toBe(0);
    for (let i = 0; i < 5; i++) expect((await t.admin(`{ acme_picky_fail }`)).errors?.[0]?.extensions?.code).toBe('PLUGIN_FAILED');
    samples = await scrape();
    expect(value(samples, 'mosaic_plugin_sandbox_calls_total', { ...labels, outcome: 'PLUGIN_FAILED' })).toBe(5);
    expect(value(samples, 'mosaic_plugin_breaker_open', { tenant: t.tenantId, plugin: 'acme.picky' })).toBe(1);
    expect(value(samples, 'mosaic_plugin_breaker_failures', { tenant: t.tenantId, plugin: 'acme.picky' })).toBe(5);
    // Paused: the next call never reaches the sandbox.
    expect((await t.admin(`{ acme_picky_fail }`)).errors?.[0]?.message).toMatch(/paused/);
    expect(value(await scrape(), 'mosaic_plugin_sandbox_calls_total', { ...labels, outcome: 'PLUGIN_FAILED' })).toBe(5);
    expect(value(samples, 'mosaic_sandbox_worker_restarts_total', { reason: 'crash' })).toBe(0);
  }, 60_000);
});
