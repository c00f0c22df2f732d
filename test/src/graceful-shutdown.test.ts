/**
 * `mosaic serve` as its own process (the built package) told to stop while a request is in
 * flight: it stops taking connections, lets the request finish, then exits; a second signal
 * exits at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, openPlatform, serverConfigFromEnv, type Platform } from '@mosaic/core';
import { startCoreProcess, type CoreProcess } from './core-process.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/** A GraphQL POST whose body arrives in two parts: in flight until `finish()`. */
function slowRequest(port: number, apiKey: string) {
  const body = JSON.stringify({ query: '{ viewer { tenantSlug } }' });
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { received += d; });
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${apiKey}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
  return { finish: () => socket.write(body.slice(5)), received: () => received, ended };
}

describe('mosaic serve on SIGTERM', () => {
  let dataDir: string;
  let platform: Platform;
  let apiKey: string;
  const servers: CoreProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mosaic-drain-'));
    platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dataDir, PORT: '0' }));
    apiKey = (await createTenant(platform.control.db, platform.tenants, { slug: 'drain-co' })).apiKey;
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) if (alive(s.pid)) await s.kill();
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the request in flight, refusing new connections meanwhile, then exits', async () => {
    const server = await startCoreProcess({ MOSAIC_DATA_DIR: dataDir });
    servers.push(server);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const request = slowRequest(Number(new URL(server.url).port), apiKey);
    await new Promise((r) => setTimeout(r, 200));
    process.kill(server.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(alive(server.pid)).toBe(true);
    await expect(fetch(`${server.url}/livez`)).rejects.toThrow();
    request.finish();
    await request.ended;
    expect(request.received()).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*"tenantSlug":"drain-co"/);
    expect(await until(() => !alive(server.pid), 10_000)).toBe(true);
  }, 60_000);

  it('exits at once on a second signal, whatever is still running', async () => {
    const server = await startCoreProcess({ MOSAIC_DATA_DIR: dataDir });
    servers.push(server);
    const request = slowRequest(Number(new URL(server.url).port), apiKey);
    await new Promise((r) => setTimeout(r, 200));
    process.kill(server.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(server.pid)).toBe(true);
    const second = Date.now();
    process.kill(server.pid, 'SIGTERM');
    expect(await until(() => !alive(server.pid), 3_000)).toBe(true);
    expect(Date.now() - second).toBeLessThan(3_000);
    await request.ended;
    expect(request.received()).toBe('');
  }, 60_000);
});
