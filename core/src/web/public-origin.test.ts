import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../config.js';
import { publicOrigin } from './public-origin.js';

/** The origin a request to `url` with `host` would put in mail, under the given environment. */
async function originFor(env: Record<string, string>, url: string, host?: string): Promise<string> {
  const config = serverConfigFromEnv({ MOSAIC_DATA_DIR: 'unused', ...env });
  const app = new Hono();
  app.get('*', (c) => c.text(publicOrigin(c, config)));
  return (await app.request(url, host ? { headers: { host } } : {})).text();
}

describe('publicOrigin', () => {
  it('is MOSAIC_PUBLIC_URL whatever the request says', async () => {
    expect(await originFor({ MOSAIC_PUBLIC_URL: 'https://help.example.com/' }, 'http://evil.example/t/a/portal/forgot')).toBe('https://help.example.com');
  });

  it('never takes a forged host: without a public URL it falls back to the listening address', async () => {
    expect(await originFor({ HOST: '0.0.0.0', PORT: '8080' }, 'http://evil.example/t/a/portal/forgot')).toBe('http://127.0.0.1:8080');
    expect(await originFor({ HOST: '10.0.0.5', PORT: '4000' }, 'http://attacker.test:4000/x')).toBe('http://10.0.0.5:4000');
  });

  it('follows a loopback request (a development server on any port)', async () => {
    expect(await originFor({ PORT: '0' }, 'http://127.0.0.1:43123/t/a/portal/forgot')).toBe('http://127.0.0.1:43123');
    expect(await originFor({}, 'http://localhost:4000/x')).toBe('http://localhost:4000');
  });

  it('refuses a public URL with a path or another scheme at start-up', () => {
    expect(() => serverConfigFromEnv({ MOSAIC_DATA_DIR: 'x', MOSAIC_PUBLIC_URL: 'https://a.example/help' })).toThrow(/MOSAIC_PUBLIC_URL/);
    expect(() => serverConfigFromEnv({ MOSAIC_DATA_DIR: 'x', MOSAIC_PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/MOSAIC_PUBLIC_URL/);
  });
});
