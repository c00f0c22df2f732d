import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantContext } from '../../tenancy/context.js';
import { MAX_LOG_DATA_BYTES } from './index.js';
import { hostFor, openTenants, type Tenants } from './test-fixtures.js';

let tenants: Tenants;
let tenant: TenantContext;

beforeAll(async () => {
  tenants = await openTenants();
  tenant = tenants.a;
});
afterAll(() => tenants.close());

describe('log', () => {
  it('passes level, message and data to the sink, without any scope', async () => {
    const { host, logs } = hostFor(tenant, { scopes: [] });
    expect(await host('log', { level: 'warn', message: 'carrier slow', data: { ms: 812 } })).toBeUndefined();
    expect(logs).toEqual([{ level: 'warn', message: 'carrier slow', data: { ms: 812 } }]);
  });

  it('coerces a bad level to info and never throws on garbage', async () => {
    const { host, logs } = hostFor(tenant);
    await host('log', { level: 'fatal', message: 'a' });
    await host('log', { level: { toString: 'x' }, message: 42 });
    await host('log', null);
    await host('log', 'just a string');
    await host('log', JSON.parse('{"__proto__": {"level": "error"}, "message": "b"}'));
    expect(logs).toEqual([
      { level: 'info', message: 'a' },
      { level: 'info', message: '42' },
      { level: 'info', message: '' },
      { level: 'info', message: '' },
      { level: 'info', message: 'b' },
    ]);
  });

  it('replaces NUL, other control characters and lone surrogates with U+FFFD, keeping tabs, line breaks and emoji', async () => {
    const { host, logs } = hostFor(tenant);
    await host('log', { message: 'cut\u0000here \u001B[2J \uD800 tab\tline\nemoji 🎉 漢字' });
    expect(logs).toEqual([{ level: 'info', message: 'cut\uFFFDhere \uFFFD[2J \uFFFD tab\tline\nemoji 🎉 漢字' }]);
  });

  it('truncates the message to 1000 characters and data to 4 KB of JSON', async () => {
    const { host, logs } = hostFor(tenant);
    const data = { rows: Array.from({ length: 500 }, (_, i) => ({ i, note: 'ünïcode' })) };
    await host('log', { level: 'error', message: '☃'.repeat(5000), data });
    const [entry] = logs;
    expect(entry!.message).toHaveLength(1000);
    expect(entry!.message.endsWith('…')).toBe(true);
    const json = JSON.stringify(data);
    expect(entry!.data).toEqual({ truncated: true, bytes: Buffer.byteLength(json), preview: expect.any(String) });
    const preview = (entry!.data as { preview: string }).preview;
    expect(Buffer.byteLength(preview)).toBeLessThanOrEqual(MAX_LOG_DATA_BYTES);
    expect(json.startsWith(preview)).toBe(true);
  });

  it('replaces data that is not JSON (or nested absurdly deep) with the reason', async () => {
    const { host, logs } = hostFor(tenant);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    await host('log', { message: 'deep', data: deep });
    expect(logs[0]!.data).toEqual({ invalid: 'nested deeper than 64 levels' });
  });
});
