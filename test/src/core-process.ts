import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort, waitForHttp } from './sqld-server.js';

const require = createRequire(import.meta.url);

/** The built `mosaic` CLI of @mosaic/core (turbo builds it before tests run). */
export const mosaicBin = () => join(dirname(require.resolve('@mosaic/core/package.json')), 'bin', 'mosaic.js');

export interface CoreProcess {
  url: string;
  /** The server's process id (e.g. to read its memory from /proc/<pid>/status). */
  pid: number;
  stop(): Promise<void>;
  /** Ends the process with SIGKILL, as a crash or the OOM killer would, and waits for it to be gone. */
  kill(): Promise<void>;
  /** The last 4 000 characters the process wrote to stderr, for failure messages. */
  stderr(): string;
}

/** Runs `mosaic serve` as its own process with the given environment. */
export async function startCoreProcess(env: Record<string, string>): Promise<CoreProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [mosaicBin(), 'serve', '--no-demo'], {
    env: { ...process.env, MOSAIC_LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  // A process ended by a signal has no exit code, only a signal code.
  const exited = () => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited();
    },
    async kill() {
      child.kill('SIGKILL');
      await exited();
    },
    stderr: () => stderr,
  };
}
